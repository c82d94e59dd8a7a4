// The watch page's lesson from the catalog (GET /api/v1/lessons/<id>): its heading (title and where
// it comes from) and whether its viewers share segments peer to peer. A lesson the catalog does not
// know (an ad-hoc publish on a node without a catalog, or an unknown id) keeps the plain
// "Lesson <id>" heading, plays with the platform's peer-to-peer setting, and still plays.
import type { Lesson } from './shared/catalog-types.ts';
import { t } from './i18n/i18n.ts';
import { lessonTimeRange } from './shared/lesson-times.ts';
import { lessonTitle } from './shared/lesson-title.ts';

/** The lesson, or null when the catalog does not answer with one. */
export async function fetchLesson(lessonId: string): Promise<Lesson | null> {
  try {
    const response = await fetch(`/api/v1/lessons/${encodeURIComponent(lessonId)}`, { credentials: 'same-origin', headers: { Accept: 'application/json' } });
    if (!response.ok) return null;
    const lesson = (await response.json()) as Lesson;
    return typeof lesson.title === 'string' ? lesson : null;
  } catch {
    return null;
  }
}

export function showLessonDetails(lesson: Lesson, heading: HTMLElement, detail: HTMLElement): void {
  const title = lessonTitle(lesson);
  heading.textContent = title;
  document.title = t('page.title', { page: title });
  detail.textContent = [lesson.schoolName, lesson.classroomName, lessonTimeRange(lesson.startsAt, lesson.endsAt, new Date())].filter(Boolean).join(' · ');
  detail.hidden = false;
}
