// The replay page's account of what is playing (/replay/<recording>): the heading names the course
// and the lesson, not the recording id, and a list gives course, teacher, school, when it ran (in
// the province's time zone) and how long the replay really is, with the Download button
// (replay-download.ts). Read from GET /api/v1/recordings/<id>, then its lesson; a viewer who may
// not see the recording gets nothing here (the player says whether signing in would help).
import { t } from './i18n/i18n.ts';
import type { Lesson } from './shared/catalog-types.ts';
import { durationText } from './shared/duration-text.ts';
import { gradeLabel } from './shared/grade-label.ts';
import { lessonTimeRange } from './shared/lesson-times.ts';
import { lessonTitle } from './shared/lesson-title.ts';
import { mountReplayDownload, type ReplayMp4 } from './replay-download.ts';

/** The part of GET /api/v1/recordings/<id> this page shows. */
export type ReplayRecording = { id: string; lessonId: string; lessonTitle: string; startedAt: string; endedAt: string | null; durationSeconds: number | null; mp4: ReplayMp4 };

async function getJson<T>(path: string): Promise<T | null> {
  try {
    const response = await fetch(path, { credentials: 'same-origin', cache: 'no-store', headers: { Accept: 'application/json' } });
    return response.ok ? ((await response.json()) as T) : null;
  } catch {
    return null;
  }
}

/** "Algebra · Linear equations", or the lesson's title alone when it has no course (or the course says the same). */
export function replayTitle(lesson: Pick<Lesson, 'title' | 'adHoc' | 'classroomName' | 'courseTitle'>): string {
  const title = lessonTitle(lesson);
  return lesson.courseTitle && lesson.courseTitle !== title ? `${lesson.courseTitle} · ${title}` : title;
}

export async function showReplayDetails(recordingId: string, heading: HTMLElement, panel: HTMLElement): Promise<void> {
  const recording = await getJson<ReplayRecording>(`/api/v1/recordings/${encodeURIComponent(recordingId)}`);
  if (!recording) return;
  const lesson = await getJson<Lesson>(`/api/v1/lessons/${encodeURIComponent(recording.lessonId)}`);
  const title = lesson ? replayTitle(lesson) : recording.lessonTitle;
  heading.textContent = title;
  document.title = t('page.title', { page: title });

  // "数学 · 7 年级": the subject only where it says more than the course's title.
  const course = lesson && [...new Set([lesson.courseTitle, lesson.subject, lesson.grade && gradeLabel(lesson.grade)].filter(Boolean))].join(' · ');
  const school = lesson && [lesson.schoolName, lesson.cityName, lesson.classroomName].filter(Boolean).join(' · ');
  const facts: Array<[string, string, string | null | undefined]> = [
    ['course', t('replay.course'), course],
    ['teacher', t('replay.teacher'), lesson?.teacherName],
    ['school', t('replay.school'), school],
    ['date', t('replay.date'), lessonTimeRange(recording.startedAt, recording.endedAt, new Date())],
    ['duration', t('replay.duration'), recording.durationSeconds !== null ? durationText(recording.durationSeconds) : null],
  ];
  const list = document.createElement('dl');
  list.className = 'replay-facts';
  for (const [name, label, value] of facts) {
    if (!value) continue;
    const term = document.createElement('dt');
    term.textContent = label;
    const detail = document.createElement('dd');
    detail.textContent = value;
    detail.dataset.fact = name;
    list.append(term, detail);
  }
  panel.replaceChildren(list);
  mountReplayDownload(panel, recording.id, recording.mp4);
  panel.hidden = false;
}
