// What viewers read of a lesson's questions and comments: the document served as
// /live/<lesson>/qa.json (origin, relays) and, with the moderation facts, to the teacher's console.
// Pure, so the rules (hidden items never reach viewers, times into the lesson, order) are tested
// without a database. Text is passed as text: pages put it in with textContent, never as HTML.
import type { QaItemRecord, QaKind, QaSettings } from '../queries/qa.ts';

export type QaFeedItem = {
  id: number;
  kind: QaKind;
  body: string;
  author: string;
  votes: number;
  /** When it was posted (ISO), and how far into the lesson (seconds since it went live; null before). */
  at: string;
  atSeconds: number | null;
  pinned: boolean;
  answered: boolean;
  answer: string | null;
};

/** The console's view adds what only moderators see. */
export type QaConsoleItem = QaFeedItem & { hidden: boolean; authorMuted: boolean };

export type QaFeed = {
  lesson: string;
  generatedAt: string;
  settings: QaSettings;
  items: QaFeedItem[];
};

/** The most items a feed carries: a few hundred lines of text stay well under a relay's playlist bound. */
export const feedItemLimit = 300;

export function feedItem(item: QaItemRecord, wentLiveAt: Date | null): QaFeedItem {
  return {
    id: item.id,
    kind: item.kind,
    body: item.body,
    author: item.authorName,
    votes: item.votes,
    at: item.createdAt.toISOString(),
    atSeconds: wentLiveAt ? Math.max(0, Math.round((item.createdAt.getTime() - wentLiveAt.getTime()) / 1000)) : null,
    pinned: item.pinnedAt !== null,
    answered: item.answeredAt !== null,
    answer: item.answer,
  };
}

/** Viewers' feed: hidden items left out, oldest first. */
export function buildQaFeed(lessonId: string, settings: QaSettings, items: readonly QaItemRecord[], wentLiveAt: Date | null, now: Date): QaFeed {
  return {
    lesson: lessonId,
    generatedAt: now.toISOString(),
    settings,
    items: items.filter((item) => item.hiddenAt === null).map((item) => feedItem(item, wentLiveAt)),
  };
}

export function consoleItems(items: readonly QaItemRecord[], wentLiveAt: Date | null, muted: ReadonlySet<string>): QaConsoleItem[] {
  return items.map((item) => ({ ...feedItem(item, wentLiveAt), hidden: item.hiddenAt !== null, authorMuted: muted.has(item.authorKey) }));
}

/** A replay's moments: pinned or answered items, at their time into the recording (seconds from its start). */
export function replayMoments(items: readonly QaItemRecord[], recordingStartedAt: Date, recordingEndedAt: Date | null): QaFeedItem[] {
  return items
    .filter((item) => item.hiddenAt === null && (item.pinnedAt !== null || item.answeredAt !== null))
    .filter((item) => recordingEndedAt === null || item.createdAt.getTime() <= recordingEndedAt.getTime())
    .map((item) => feedItem(item, recordingStartedAt));
}
