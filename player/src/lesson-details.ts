// The watch page's heading: the lesson's title and where it comes from, from the catalog
// (GET /api/v1/lessons/<id>). A lesson the catalog does not know (an ad-hoc publish on a node without
// a catalog, or an unknown id) keeps the plain "Lesson <id>" heading and still plays.
import type { Lesson } from './shared/catalog-types.ts';
import { lessonTimeRange } from './shared/lesson-times.ts';

export async function showLessonDetails(lessonId: string, heading: HTMLElement, detail: HTMLElement): Promise<void> {
  let lesson: Lesson;
  try {
    const response = await fetch(`/api/v1/lessons/${encodeURIComponent(lessonId)}`, { credentials: 'same-origin', headers: { Accept: 'application/json' } });
    if (!response.ok) return;
    lesson = (await response.json()) as Lesson;
    if (typeof lesson.title !== 'string') return;
  } catch {
    return;
  }
  heading.textContent = lesson.title;
  document.title = `${lesson.title} · Classcast`;
  detail.textContent = [lesson.schoolName, lesson.classroomName, lessonTimeRange(lesson.startsAt, lesson.endsAt, new Date())].filter(Boolean).join(' · ');
  detail.hidden = false;
}
