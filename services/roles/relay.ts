// `classcast relay --upstream URL [--upstream URL ...]`: a city or school relay, with the P2P
// tracker for its viewers at /tracker on the same port (on a thread of its own: tracker-thread.ts),
// /metrics, and its viewers' player reports at /api/v1/qoe (stored in the catalog when the process
// has one, as `all` does).
import type { Config } from '../core/config/schema.ts';
import { startHttpServer } from '../core/http-server.ts';
import type { Logger } from '../core/log.ts';
import { playbackSettingsFrom, type PlaybackSettings } from '../core/config/playback-settings.ts';
import type { Queryable } from '../catalog/db/database.ts';
import { withoutPathToken } from '../origin/path-token.ts';
import { startRelay, type Relay } from '../relay/start-relay.ts';
import { createViewedLessons } from '../relay/viewed-lessons.ts';
import type { Tracker, TrackerSettings } from '../tracker/tracker-server.ts';
import { startTrackerThread } from '../tracker/tracker-thread.ts';
import { createMetricsRegistry } from '../stats/metrics-registry.ts';
import { metricsRoute } from '../stats/metrics-route.ts';
import { qoeService, type QoeOptions } from '../stats/qoe-routes.ts';
import { registerRelayMetrics } from '../stats/relay-metrics.ts';
import { registerTrackerMetrics } from '../stats/tracker-metrics.ts';
import { protectedPlaceholder } from '../stats/lesson-label.ts';
import { createLessonFetchers } from '../stats/lesson-fetchers.ts';
import type { RunningRole } from './running-role.ts';

export type RelayRole = RunningRole & { relay: Relay; tracker?: Tracker; httpPort: number };

export type RelayRoleOptions = {
  /** `all` runs its city relay on relay.port beside the province's HTTP port; default http.port. */
  port?: number;
  /** Tracker settings other than the defaults (tests use short times and small limits). */
  tracker?: Partial<TrackerSettings>;
  /** A catalog the caller owns (`all`): viewers' finished sessions are stored there. */
  db?: Queryable;
  /** Player report limits other than the defaults (tests use small ones). */
  qoeLimits?: QoeOptions['limits'];
  /** Signed playback settings (secrets, this relay's city); by default the configuration's. */
  playback?: PlaybackSettings;
};

export async function startRelayRole(config: Config, log: Logger, options: RelayRoleOptions = {}): Promise<RelayRole> {
  const playback = options.playback ?? playbackSettingsFrom(config);
  const relay = startRelay(config, log, playback);
  // A lesson counts as viewed here for as long as the tracker keeps an idle peer, and a little more.
  const viewed = createViewedLessons(relay.store, 10 * 60 * 1000);
  const fetchers = createLessonFetchers();
  const viewedLesson = (id: string) => [...viewed.lessons()].find((lesson) => lesson.scope === 'live' && lesson.lessonId === id);
  let tracker: Tracker | undefined;
  const metrics = createMetricsRegistry('relay', config.node.id);
  registerRelayMetrics(metrics, relay);
  registerTrackerMetrics(metrics, () => tracker);
  const qoe = qoeService({
    register: metrics,
    node: config.node.id,
    log: log.child({ part: 'qoe' }),
    // The lessons viewers play through this relay; reports of any other would only add series.
    knownLesson: (id) => viewedLesson(id) !== undefined,
    playback,
    lessonProtected: (id) => viewedLesson(id)?.protected ?? true,
    // A relay knows a lesson's protection from its master playlist, not its classroom.
    labelOf: (id) => (viewedLesson(id)?.protected === false ? id : protectedPlaceholder),
    fetchers,
    ...(options.db ? { db: options.db } : {}),
    ...(options.qoeLimits ? { limits: options.qoeLimits } : {}),
  });
  const http = await startHttpServer({
    host: config.http.host,
    port: options.port ?? config.http.port,
    trustProxy: config.http.trustProxy,
    log,
    routers: [metricsRoute(metrics), qoe.router, relay.router],
    fastPath: (request, response) => {
      const plain = request.url === undefined ? undefined : withoutPathToken(request.url);
      viewed.note(plain);
      fetchers.note(plain, request.socket.remoteAddress);
      return relay.fastPath(request, response);
    },
    health: () => ({ role: 'relay', node: config.node.id, ...relay.health(), ...(tracker ? { tracker: tracker.stats() } : {}) }),
  }).catch(async (error: unknown) => {
    await qoe.close();
    relay.close();
    throw error;
  });
  if (config.p2p.enabled) {
    tracker = await startTrackerThread(http.server, { knownLessons: viewed.lessons, log: log.child({ part: 'tracker' }), settings: options.tracker ?? {}, playback }).catch(async (error: unknown) => {
      await http.close();
      await qoe.close();
      relay.close();
      throw error;
    });
  }
  return {
    relay,
    ...(tracker ? { tracker } : {}),
    httpPort: http.port,
    urls: { relay: `http://127.0.0.1:${http.port}/`, ...(tracker ? { tracker: `ws://127.0.0.1:${http.port}/tracker` } : {}) },
    async close() {
      tracker?.close();
      relay.close();
      await http.close();
      await qoe.close();
    },
  };
}
