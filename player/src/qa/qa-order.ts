// How the Q&A panels order what they show: pinned items first (newest pin on top), then questions
// by votes (ties: the older first) or by time (newest first), and comments newest first. Pure, so
// it is tested without a browser.
import type { QaFeedItem } from './qa-types.ts';

export type QuestionOrder = 'votes' | 'time';

export type QaSections<T extends QaFeedItem> = { pinned: T[]; questions: T[]; comments: T[] };

export function qaSections<T extends QaFeedItem>(items: readonly T[], order: QuestionOrder): QaSections<T> {
  const newestFirst = (a: T, b: T) => b.id - a.id;
  const pinned = items.filter((item) => item.pinned).sort(newestFirst);
  const questions = items.filter((item) => !item.pinned && item.kind === 'question');
  const comments = items.filter((item) => !item.pinned && item.kind === 'comment').sort(newestFirst);
  questions.sort(order === 'votes' ? (a, b) => b.votes - a.votes || a.id - b.id : newestFirst);
  return { pinned, questions, comments };
}

/** "m:ss" or "h:mm:ss" of a time into the lesson. */
export function lessonClock(seconds: number): string {
  const whole = Math.max(0, Math.floor(seconds));
  const h = Math.floor(whole / 3600);
  const m = Math.floor((whole % 3600) / 60);
  const s = String(whole % 60).padStart(2, '0');
  return h > 0 ? `${h}:${String(m).padStart(2, '0')}:${s}` : `${m}:${s}`;
}

/** The replay moment being watched: the last one at or before `position` seconds, or undefined. */
export function currentMoment<T extends { atSeconds: number | null }>(moments: readonly T[], position: number): T | undefined {
  let found: T | undefined;
  for (const moment of moments) if (moment.atSeconds !== null && moment.atSeconds <= position) found = moment;
  return found;
}
