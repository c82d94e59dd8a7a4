// `classcast ingest`: the province ingest node: RTMP in, HLS origin out (/live, and this node's own
// lesson list at /api/v1/ingest/lessons), stream keys and lessons from the catalog, the P2P
// tracker at /tracker for viewers who play straight from the origin, /metrics, and the player
// reports of those viewers at /api/v1/qoe. Its heartbeat in the catalog tells encoders and other
// nodes it is up, and how loaded (services/catalog/ingest/node-heartbeat.ts, ingest/node-load.ts).
import type { Server } from 'node:http';
import { Router as ExpressRouter, type Request, type Router } from 'express';
import type { Registry } from 'prom-client';
import type { Config } from '../core/config/schema.ts';
import { startHttpServer } from '../core/http-server.ts';
import type { Logger } from '../core/log.ts';
import { isLoopbackUrl } from '../core/loopback-host.ts';
import { playbackSettingsFrom, type PlaybackSettings } from '../core/config/playback-settings.ts';
import type { Database } from '../catalog/db/database.ts';
import { openDatabase } from '../catalog/db/open-database.ts';
import { startJobQueue, type JobQueue } from '../catalog/jobs/job-queue.ts';
import { startNodeHeartbeat, type NodeHeartbeat } from '../catalog/ingest/node-heartbeat.ts';
import { ingestCatalogPort } from '../catalog/ingest/ingest-port.ts';
import { startReplayStorage, type ReplayStorage } from '../catalog/recordings/replay-storage.ts';
import { ingestLoad } from '../ingest/node-load.ts';
import { ingestDirs, startIngest, type Ingest } from '../ingest/start-ingest.ts';
import { lessonsApi } from '../origin/lessons-api.ts';
import { privateWhenProtected } from '../origin/cache-policy.ts';
import { liveRoutes } from '../origin/live-routes.ts';
import { createQaFeedSource } from '../catalog/qa/qa-feed-source.ts';
import { withoutPathToken } from '../origin/path-token.ts';
import { createPlaybackGuard } from '../origin/playback-guard.ts';
import { vodRoutes } from '../origin/vod-routes.ts';
import { createEgressMeter } from '../origin/egress-meter.ts';
import { registerOriginMetrics } from '../stats/origin-metrics.ts';
import { registerQaMetrics } from '../stats/qa-metrics.ts';
import { originLessons } from '../tracker/origin-lessons.ts';
import { mountTracker, type Tracker, type TrackerSettings } from '../tracker/tracker-server.ts';
import { startTrackerThread } from '../tracker/tracker-thread.ts';
import { registerIngestMetrics } from '../stats/ingest-metrics.ts';
import { scrapedViewerFigures, type ViewerFiguresSource } from '../stats/lesson-viewers.ts';
import { configuredTiers } from '../stats/dashboard-tiers.ts';
import { createMetricsRegistry } from '../stats/metrics-registry.ts';
import { metricsRoute } from '../stats/metrics-route.ts';
import { qoeService, type QoeOptions } from '../stats/qoe-routes.ts';
import { registerTrackerMetrics } from '../stats/tracker-metrics.ts';
import { lessonLabel } from '../stats/lesson-label.ts';
import { createLessonFetchers, type LessonFetchers } from '../stats/lesson-fetchers.ts';
import { readSessionToken } from '../catalog/auth/session-cookie.ts';
import { findSessionAccount } from '../catalog/auth/sessions.ts';
import type { RunningRole } from './running-role.ts';

export type IngestRole = RunningRole & {
  ingest: Ingest;
  db: Database;
  /** Where the node's finished replays go (storage.kind): the bucket, if any, and the uploader moving them there. */
  replayStorage: ReplayStorage;
  tracker?: Tracker;
  httpPort: number;
};

export type IngestRoleOptions = {
  /** More routes on the same HTTP server (`all` adds the catalog API and the pages). */
  routers?: Router[];
  /** A catalog the caller opened and will close; otherwise the role opens its own from the config. */
  db?: Database;
  /** Tracker settings other than the defaults (tests use short times and small limits). */
  tracker?: Partial<TrackerSettings>;
  /** Player report limits other than the defaults (tests use small ones). */
  qoeLimits?: QoeOptions['limits'];
  /** Signed playback settings; by default the configuration's (playback-settings.ts). */
  playback?: PlaybackSettings;
  /** A job queue the caller started and will close (`all` shares the catalog's); otherwise, with storage.kind 's3', the role starts its own for its uploads. */
  jobs?: JobQueue;
  /** Where the lessons' viewer counts come from (`all`: its dashboard); by default this node's /metrics and dashboard.tiers, read every few seconds. */
  viewerFigures?: ViewerFiguresSource;
  /** More on the same HTTP server once it listens (`all` adds the raised-hand signalling), with the role's metrics registry; closed before the server. */
  withServer?: (server: Server, metrics: Registry) => { close(): void };
  /** False mounts the tracker on the node's own event loop, as before tracker-thread.ts: only the tracker-flood benchmark compares the two. */
  trackerThread?: boolean;
};

export async function startIngestRole(config: Config, log: Logger, options: IngestRoleOptions = {}): Promise<IngestRole> {
  const ownsDb = !options.db;
  const db = options.db ?? (await openDatabase(config, log));
  const ownQueue =
    !options.jobs && config.storage.kind === 's3'
      ? await startJobQueue(db, log.child({ part: 'jobs' })).catch(async (error: unknown) => {
          if (ownsDb) await db.close();
          throw error;
        })
      : undefined;
  const jobs = options.jobs ?? ownQueue;
  const { vodDir } = ingestDirs(config);
  const replayStorage = await startReplayStorage(config.storage, db, vodDir, log, jobs ? { jobs, node: config.node.id } : undefined).catch(async (error: unknown) => {
    await ownQueue?.close();
    if (ownsDb) await db.close();
    throw error;
  });
  // After the ingest has closed: an upload under way finishes (or fails, and is tried again after the
  // restart); then the queue it runs on, then the database.
  const closeDb = async () => {
    await replayStorage.close();
    await ownQueue?.close();
    if (ownsDb) await db.close();
  };
  const playback = options.playback ?? playbackSettingsFrom(config);
  const guard = createPlaybackGuard(playback);
  const disk = { minFreeBytes: config.ingest.diskMinFreeBytes, minFreeRatio: config.ingest.diskMinFreePercent / 100, checkSeconds: config.ingest.diskCheckSeconds };
  const ingest = await startIngest(config, log, ingestCatalogPort(db), { disk, replays: replayStorage }).catch(async (error: unknown) => {
    await closeDb();
    throw error;
  });
  const lessonFor = (id: string) => {
    const lesson = ingest.lessons.get(id);
    return lesson && { segmentSeconds: lesson.segmentSeconds, ended: lesson.state === 'ended', protected: lesson.protected, classroomId: lesson.classroomId };
  };
  // The figure the operator dashboard shows: the viewers every tier it reads reports (lesson-viewers.ts).
  let httpPort = 0;
  const viewerFigures =
    options.viewerFigures ??
    scrapedViewerFigures([{ tier: 'ingest', url: () => `http://${ownHost(config.http.host)}:${httpPort}/metrics` }, ...configuredTiers(config.dashboard)], config.dashboard.scrapeTimeoutSeconds * 1000);
  let http;
  let tracker: Tracker | undefined;
  const metrics = createMetricsRegistry('ingest', config.node.id);
  registerIngestMetrics(metrics, { lessons: () => ingest.lessons.list() });
  registerTrackerMetrics(metrics, () => tracker);
  const egress = createEgressMeter();
  registerOriginMetrics(metrics, egress.totals);
  registerQaMetrics(metrics);
  const fetchers = createLessonFetchers();
  const qoe = qoeService({
    register: metrics,
    node: config.node.id,
    log: log.child({ part: 'qoe' }),
    // Ended lessons the node still lists are replayed from here too.
    knownLesson: (id) => ingest.lessons.get(id) !== undefined,
    playback,
    lessonProtected: (id) => ingest.lessons.get(id)?.protected ?? false,
    labelOf: (id) => {
      const lesson = ingest.lessons.get(id);
      return lesson ? lessonLabel(lesson) : id;
    },
    fetchers,
    db,
    ...(options.qoeLimits ? { limits: options.qoeLimits } : {}),
  });
  try {
    http = await startHttpServer({
      host: config.http.host,
      port: config.http.port,
      trustProxy: config.http.trustProxy,
      log,
      routers: [metricsRoute(metrics), qoe.router, egress.router, mediaRequests(fetchers), liveRoutes(ingest.liveDir, lessonFor, guard, createQaFeedSource(db), viewerFigures), vodRoutes(ingest.vodDir, guard, replayStorage.bucket), lessonsApi(() => ingest.lessons.list(), { seesProtected: (request) => isOperator(db, request) }), ...(options.routers ?? [])],
      health: () => ({
        role: 'ingest',
        node: config.node.id,
        liveLessons: ingest.lessons.list().filter((lesson) => lesson.state !== 'ended').length,
        disk: ingest.diskState(),
        ...(tracker ? { tracker: tracker.stats() } : {}),
      }),
    });
  } catch (error) {
    await qoe.close();
    await ingest.close();
    await closeDb();
    throw error;
  }
  httpPort = http.port;
  const rtmpUrl = withNodeId(config.ingest.rtmpUrl ?? `rtmp://127.0.0.1:${ingest.rtmpPort}/live`, config.node.id);
  // The school page shows this address for encoders to push to: a loopback one only works on this machine.
  if (isLoopbackUrl(rtmpUrl)) {
    log.warn('this ingest node advertises a loopback RTMP address: encoders on other machines cannot push to it', {
      rtmpUrl,
      hint: 'set ingest.rtmpUrl in the configuration file (--config) to an address encoders can reach, e.g. rtmp://ingest-1.example.edu:1935/live',
    });
  }
  let heartbeat: NodeHeartbeat;
  try {
    heartbeat = await startNodeHeartbeat(
      db,
      {
        id: config.node.id,
        rtmpUrl,
        httpUrl: withNodeId(config.ingest.httpUrl ?? `http://127.0.0.1:${http.port}`, config.node.id),
      },
      { heartbeatSeconds: config.ingest.heartbeatSeconds, log, load: () => ingestLoad(() => ingest.lessons.list()) },
    );
  } catch (error) {
    await ingest.close();
    await http.close();
    await qoe.close();
    await closeDb();
    throw error;
  }
  if (config.p2p.enabled) {
    const knownLessons = originLessons(() => ingest.lessons.list(), ingest.vodDir);
    const trackerOptions = { knownLessons, log: log.child({ part: 'tracker' }), settings: options.tracker ?? {}, playback };
    if (options.trackerThread === false) tracker = mountTracker(http.server, trackerOptions);
    else tracker = await startTrackerThread(http.server, trackerOptions).catch(async (error: unknown) => {
      await heartbeat.close();
      await ingest.close();
      await http.close();
      await qoe.close();
      await closeDb();
      throw error;
    });
  }
  const extra = options.withServer?.(http.server, metrics);
  return {
    ingest,
    db,
    replayStorage,
    ...(tracker ? { tracker } : {}),
    httpPort: http.port,
    urls: { http: `http://127.0.0.1:${http.port}/`, rtmp: `rtmp://127.0.0.1:${ingest.rtmpPort}/live/<stream key>` },
    async close() {
      // First, so the node's classrooms move at once: encoders that drop below ask again and go elsewhere.
      await heartbeat.close();
      tracker?.close();
      extra?.close();
      await ingest.close();
      await http.close();
      await qoe.close();
      await closeDb();
    },
  };
}

/**
 * `{node}` in ingest.rtmpUrl or ingest.httpUrl stands for the node's id, so replicas sharing one
 * configuration (a Kubernetes StatefulSet: ingest-0, ingest-1) each advertise their own address.
 */
function withNodeId(url: string, nodeId: string): string {
  return url.replaceAll('{node}', nodeId);
}

/** In front of /live and /vod: who fetched each lesson (for the quality reports), and protected files leave `private` (cache-policy.ts). */
function mediaRequests(fetchers: LessonFetchers): Router {
  const router = ExpressRouter();
  router.use((request, _response, next) => {
    fetchers.note(withoutPathToken(request.originalUrl), request.socket.remoteAddress);
    next();
  });
  router.use(privateWhenProtected);
  return router;
}

/** Where this process reaches its own HTTP server: loopback when it listens on every address. */
function ownHost(host: string): string {
  if (host === '0.0.0.0' || host === '::') return '127.0.0.1';
  return host.includes(':') ? `[${host}]` : host;
}

/** Whether the request comes from an operator signed in to the catalog (who may see every lesson). */
async function isOperator(db: Database, request: Request): Promise<boolean> {
  const token = readSessionToken(request);
  return token ? (await findSessionAccount(db, token))?.role === 'operator' : false;
}
