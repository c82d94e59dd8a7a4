// POST /api/v1/qoe: where watch pages report to the tier they play through (a relay, or the
// origin). No login: the page of any viewer reports. What keeps it cheap and bounded: a 4 KB body
// limit, rate limits per address (before the body is read) and per viewer, strict validation, and
// reports only for lessons this node carries, so made-up lesson ids never become series. What keeps
// it honest: a report's viewer id must be the one a watch page was drawn with, signed
// (core/viewer-session.ts), a protected lesson's report carries a good playback token for it, the
// address fetched the lesson's playlists here lately (lesson-fetchers.ts), and one address reports
// as a bounded number of viewers at once. Sessions that finish are stored in the catalog where the
// node has one; a relay without one keeps metrics. Metric labels never name a lesson that is not
// public (`labelOf`, lesson-label.ts).
import express, { Router, type NextFunction, type Request, type Response } from 'express';
import type { Registry } from 'prom-client';
import { sendError } from '../core/http-errors.ts';
import type { Logger } from '../core/log.ts';
import type { Queryable } from '../catalog/db/database.ts';
import type { PlaybackSettings } from '../core/config/playback-settings.ts';
import { verifyPlaybackToken } from '../core/playback-token.ts';
import { readViewerSession } from '../core/viewer-session.ts';
import { applyReport, createQoeState, expireViewers, lessonsWithViewers, type FinishedSession, type Place } from './qoe-aggregate.ts';
import { registerQoeMetrics, type ReportOutcome } from './qoe-metrics.ts';
import { parseQoeReport, type QoeReport } from './qoe-report.ts';
import type { LessonFetchers } from './lesson-fetchers.ts';
import { createDistinctLimiter, createKeyedLimiter, defaultReportLimits, type ReportLimitSettings } from './report-limits.ts';
import { lessonPlace, storeViewingSession } from './viewing-sessions.ts';

export const qoePath = '/api/v1/qoe';
export const maxReportBytes = 4 * 1024;
/** A viewer silent this long has left without its last report (closed tab, lost network). */
export const viewerSilentMs = 60_000;

export type QoeOptions = {
  register: Registry;
  node: string;
  log: Logger;
  /** Whether this node carries the lesson now; reports for any other are refused. */
  knownLesson: (lessonId: string) => boolean;
  /** The secrets viewer sessions and playback tokens are signed with, and this tier's city. */
  playback: Pick<PlaybackSettings, 'secrets' | 'city'>;
  /** Whether the lesson needs a playback token (not public): its reports must carry one. */
  lessonProtected: (lessonId: string) => boolean;
  /** The `lesson` label of a lesson's series; a lesson that is not public must not be named. */
  labelOf?: (lessonId: string) => string;
  /** Addresses that fetched each lesson's playlists here (lesson-fetchers.ts): reports from others are refused. */
  fetchers?: LessonFetchers;
  /** The catalog, where the node has one: finished sessions go there, and lessons' places come from it. */
  db?: Queryable;
  limits?: Partial<ReportLimitSettings>;
  /** Lessons with series at once, whatever knownLesson says: a last bound on the labels. */
  maxLessons?: number;
};

export type QoeService = { router: Router; close(): Promise<void> };

export function qoeService(options: QoeOptions): QoeService {
  const { log } = options;
  const limits = { ...defaultReportLimits, ...options.limits };
  const maxLessons = options.maxLessons ?? 1000;
  const state = createQoeState();
  const places = new Map<string, Place>();
  const labelOf = options.labelOf ?? ((lessonId: string) => lessonId);
  const metrics = registerQoeMetrics(options.register, state, places, Date.now, labelOf);
  const perIp = createKeyedLimiter(limits.perIp, limits.maxKeys);
  const perViewer = createKeyedLimiter(limits.perViewer, limits.maxKeys);
  const viewersPerIp = createDistinctLimiter(limits.viewersPerIp, limits.viewerWindowMs, limits.maxIps);

  const writes = new Set<Promise<void>>();
  let failing = false;
  const store = (finished: FinishedSession[]) => {
    metrics.sessionsFinished(finished.length);
    const db = options.db;
    if (!db) return;
    for (const session of finished) {
      const write = storeViewingSession(db, options.node, session).then(
        () => void (failing = false),
        (error: unknown) => {
          if (!failing) log.warn('viewing session not stored in the catalog', { lesson: session.lessonId, error });
          failing = true;
        },
      );
      writes.add(write);
      void write.finally(() => writes.delete(write));
    }
  };
  const expire = (now: number, silentMs: number) => {
    store(expireViewers(state, now, silentMs));
    const watched = lessonsWithViewers(state);
    // Lessons may share a label (a placeholder): its series go with the last of them.
    const watchedLabels = new Set([...watched].map(labelOf));
    for (const lessonId of places.keys()) {
      if (watched.has(lessonId)) continue;
      places.delete(lessonId);
      const label = labelOf(lessonId);
      if (!watchedLabels.has(label)) metrics.forget(label);
    }
  };
  const timer = setInterval(() => expire(Date.now(), viewerSilentMs), 5000);
  timer.unref();

  const placeOf = async (report: QoeReport): Promise<Place> => {
    const reported = { cityId: report.cityId, schoolId: report.schoolId };
    if (!options.db) return reported;
    return (await lessonPlace(options.db, report.lessonId).catch(() => undefined)) ?? reported;
  };

  const refuse = (response: Response, outcome: ReportOutcome, status: number, message: string, hint?: string) => {
    metrics.outcome(outcome);
    sendError(response, status, message, hint);
  };

  const router = Router();
  router.use(qoePath, (request: Request, response: Response, next: NextFunction) => {
    // Pages on the catalog's origin report to a relay on another: allowed from anywhere, no credentials.
    response.set({ 'Access-Control-Allow-Origin': '*', 'Access-Control-Allow-Headers': 'Content-Type', 'Access-Control-Allow-Methods': 'POST', 'Cache-Control': 'no-store' });
    if (request.method === 'OPTIONS') return void response.status(204).end();
    next();
  });
  router.post(
    qoePath,
    (request, response, next) => {
      if (perIp.take(clientAddress(request), Date.now())) return next();
      response.set('Retry-After', '1');
      refuse(response, 'limited', 429, 'too many reports from this address', 'report every 10 s');
    },
    // sendBeacon posts text/plain across origins (no preflight); the body is JSON either way.
    express.json({ limit: maxReportBytes, type: ['application/json', 'text/plain'] }),
    async (request, response) => {
      const parsed = parseQoeReport(request.body);
      if (!parsed.ok) return refuse(response, 'invalid', 400, `invalid report: ${parsed.message}`, 'see docs/api.md, POST /api/v1/qoe');
      const report = parsed.report;
      if (!options.knownLesson(report.lessonId) || (!places.has(report.lessonId) && places.size >= maxLessons)) {
        return refuse(response, 'unknown_lesson', 404, `lessonId: ${report.lessonId} is not a lesson this node carries`, 'report to the tier the lesson plays from');
      }
      const now = Date.now();
      const session = readViewerSession(options.playback.secrets, report.session, Math.floor(now / 1000));
      if (!session.ok || session.viewerId !== report.viewerId) {
        const reason = !session.ok ? (report.session === '' ? 'no viewer session' : session.reason) : 'the session is for another viewer';
        return refuse(response, 'forged', 401, `report refused: ${reason}`, 'report from the watch page, under the viewer session it was drawn with');
      }
      if (options.lessonProtected(report.lessonId)) {
        const verdict = report.token
          ? verifyPlaybackToken(options.playback.secrets, report.token, { scope: 'live', id: report.lessonId, tierCity: options.playback.city }, Math.floor(now / 1000))
          : { ok: false as const, reason: 'no playback token' };
        if (!verdict.ok) return refuse(response, 'forged', 403, `report refused: ${verdict.reason}`, 'a protected lesson is reported with the playback token it plays with');
      }
      // The page plays through the tier it reports to, so its address fetched the lesson's playlists here.
      if (options.fetchers && !options.fetchers.fetched(report.lessonId, request.socket.remoteAddress ?? '', now)) {
        return refuse(response, 'forged', 403, 'report refused: this address has not fetched the lesson here lately', 'report to the tier the page plays the lesson through');
      }
      if (!viewersPerIp.admit(clientAddress(request), report.viewerId, now)) {
        response.set('Retry-After', '60');
        return refuse(response, 'limited', 429, 'too many viewers reporting from this address', 'each address reports for a bounded number of viewers at once');
      }
      if (!perViewer.take(report.viewerId, now)) {
        response.set('Retry-After', '5');
        return refuse(response, 'limited', 429, 'too many reports from this viewer', 'report every 10 s');
      }
      if (!places.has(report.lessonId)) places.set(report.lessonId, await placeOf(report));
      const effect = applyReport(state, report, Date.now());
      metrics.added(report.lessonId, effect);
      metrics.outcome('accepted');
      store(effect.finished);
      response.status(204).end();
    },
  );
  router.use(qoePath, (error: Error & { type?: string }, _request: Request, response: Response, next: NextFunction) => {
    if (error.type === 'entity.too.large') return refuse(response, 'invalid', 413, `invalid report: larger than ${maxReportBytes} bytes`, 'a report is a few hundred bytes; see docs/api.md, POST /api/v1/qoe');
    if (error.type === 'entity.parse.failed') return refuse(response, 'invalid', 400, 'invalid report: not JSON');
    next(error);
  });

  return {
    router,
    async close() {
      clearInterval(timer);
      // Whoever is still watching when the node stops has finished watching here.
      expire(Number.POSITIVE_INFINITY, 0);
      await Promise.all(writes);
    },
  };
}

function clientAddress(request: Request): string {
  return request.ip ?? request.socket.remoteAddress ?? '';
}
