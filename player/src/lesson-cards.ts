// What the lesson list at / shows for each live lesson. Pure, so it is tested without a browser.
import type { LessonSummary } from '../../services/origin/lessons-api.ts';

export type LessonCard = {
  href: string;
  title: string;
  /** "Started 12 min ago · 720p, 480p, 360p" */
  detail: string;
  badge: 'Live' | 'Reconnecting';
};

export function lessonCard(lesson: LessonSummary, now: Date): LessonCard {
  const parts = [`Started ${timeAgo(new Date(lesson.startedAt), now)}`];
  if (lesson.renditions.length > 0) parts.push(lesson.renditions.join(', '));
  return {
    href: lesson.watchUrl,
    title: `Classroom ${lesson.classroomId}`,
    detail: parts.join(' · '),
    badge: lesson.state === 'reconnecting' ? 'Reconnecting' : 'Live',
  };
}

export function timeAgo(then: Date, now: Date): string {
  const minutes = Math.floor((now.getTime() - then.getTime()) / 60_000);
  if (!Number.isFinite(minutes) || minutes < 1) return 'just now';
  if (minutes < 60) return `${minutes} min ago`;
  const hours = Math.floor(minutes / 60);
  const rest = minutes % 60;
  return rest === 0 ? `${hours} h ago` : `${hours} h ${rest} min ago`;
}
