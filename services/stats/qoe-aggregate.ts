// Viewers' reports folded into what the metrics and the catalog need, as plain data and pure
// functions (times passed in): one session per viewer id, what each report adds to the running
// totals, who counts as watching now, and the sessions that finished (the viewer said it left, or
// went silent). Reports carry totals since the page loaded; the increments are worked out here.
import type { QoeReport } from './qoe-report.ts';

/** Where a lesson comes from (its classroom's school and that school's city); null when unknown. */
export type Place = { cityId: number | null; schoolId: number | null };

export type Totals = {
  playingSeconds: number;
  stalledSeconds: number;
  stallCount: number;
  httpBytes: number;
  p2pBytesDown: number;
  p2pBytesUp: number;
  errors: number;
};

export type ViewerSession = Totals & {
  viewerId: string;
  lessonId: string;
  startedAt: number;
  lastReportAt: number;
  startupMs: number | null;
  bitrateKbps: number | null;
};

/** A viewing session that is over, as the catalog keeps it (no viewer id). */
export type FinishedSession = {
  lessonId: string;
  startedAt: number;
  watchSeconds: number;
  stallSeconds: number;
  fluency: number | null;
  httpBytes: number;
  p2pBytes: number;
};

export type QoeState = { viewers: Map<string, ViewerSession> };

export type ReportEffect = {
  /** What this report adds to the lesson's totals. */
  added: Totals;
  /** The viewer's startup time, the first time it is known (observed once per session). */
  startupMs: number | null;
  /** Sessions this report closed: the viewer's own on 'leave', or its previous lesson's. */
  finished: FinishedSession[];
};

const totalFields: Array<keyof Totals> = ['playingSeconds', 'stalledSeconds', 'stallCount', 'httpBytes', 'p2pBytesDown', 'p2pBytesUp', 'errors'];

export function createQoeState(): QoeState {
  return { viewers: new Map() };
}

/** 1 - stalled / watched, where watched is playing plus stalled; null before anything was watched. */
export function fluency(playingSeconds: number, stalledSeconds: number): number | null {
  const watched = playingSeconds + stalledSeconds;
  return watched > 0 ? Math.max(0, Math.min(1, 1 - stalledSeconds / watched)) : null;
}

export function finishSession(session: ViewerSession): FinishedSession {
  return {
    lessonId: session.lessonId,
    startedAt: session.startedAt,
    watchSeconds: session.playingSeconds + session.stalledSeconds,
    stallSeconds: session.stalledSeconds,
    fluency: fluency(session.playingSeconds, session.stalledSeconds),
    httpBytes: session.httpBytes,
    p2pBytes: session.p2pBytesDown,
  };
}

export function applyReport(state: QoeState, report: QoeReport, now: number): ReportEffect {
  const finished: FinishedSession[] = [];
  let session = state.viewers.get(report.viewerId);
  // One page plays one lesson; a viewer id reporting another lesson starts over.
  if (session && session.lessonId !== report.lessonId) {
    finished.push(finishSession(session));
    session = undefined;
  }
  const previous: Totals = session ?? { playingSeconds: 0, stalledSeconds: 0, stallCount: 0, httpBytes: 0, p2pBytesDown: 0, p2pBytesUp: 0, errors: 0 };
  const added = {} as Totals;
  // Totals only grow; a report that went back (out of order) adds nothing and keeps the larger.
  for (const field of totalFields) added[field] = Math.max(0, report[field] - previous[field]);
  const firstStartup = report.startupMs !== null && (session?.startupMs ?? null) === null;
  const next: ViewerSession = {
    viewerId: report.viewerId,
    lessonId: report.lessonId,
    startedAt: session?.startedAt ?? now,
    lastReportAt: now,
    startupMs: session?.startupMs ?? report.startupMs,
    bitrateKbps: report.bitrateKbps,
    ...Object.fromEntries(totalFields.map((field) => [field, Math.max(previous[field], report[field])])),
  } as ViewerSession;
  if (report.event === 'leave') {
    state.viewers.delete(report.viewerId);
    finished.push(finishSession(next));
  } else {
    state.viewers.set(report.viewerId, next);
  }
  return { added, startupMs: firstStartup ? report.startupMs : null, finished };
}

/** Ends the sessions of viewers not heard from within `silentMs` (a page closed without its last report). */
export function expireViewers(state: QoeState, now: number, silentMs: number): FinishedSession[] {
  const finished: FinishedSession[] = [];
  for (const [viewerId, session] of state.viewers) {
    if (now - session.lastReportAt <= silentMs) continue;
    state.viewers.delete(viewerId);
    finished.push(finishSession(session));
  }
  return finished;
}

export type LessonFigures = { lessonId: string; viewers: number; fluency: number | null; bitrateKbps: number | null };

/** Per lesson: viewers heard from within `activeMs`, their fluency so far together, and their mean bitrate. */
export function lessonFigures(state: QoeState, now: number, activeMs: number): LessonFigures[] {
  const byLesson = new Map<string, { viewers: number; playing: number; stalled: number; bitrateSum: number; bitrateCount: number }>();
  for (const session of state.viewers.values()) {
    if (now - session.lastReportAt > activeMs) continue;
    const entry = byLesson.get(session.lessonId) ?? { viewers: 0, playing: 0, stalled: 0, bitrateSum: 0, bitrateCount: 0 };
    entry.viewers++;
    entry.playing += session.playingSeconds;
    entry.stalled += session.stalledSeconds;
    if (session.bitrateKbps !== null) {
      entry.bitrateSum += session.bitrateKbps;
      entry.bitrateCount++;
    }
    byLesson.set(session.lessonId, entry);
  }
  return [...byLesson].map(([lessonId, entry]) => ({
    lessonId,
    viewers: entry.viewers,
    fluency: fluency(entry.playing, entry.stalled),
    bitrateKbps: entry.bitrateCount > 0 ? entry.bitrateSum / entry.bitrateCount : null,
  }));
}

/** Lessons with any session still open (active or not yet expired). */
export function lessonsWithViewers(state: QoeState): Set<string> {
  return new Set([...state.viewers.values()].map((session) => session.lessonId));
}
