// An extra origin for a test: another HTTP server serving the same lesson files (a province
// standby), which a test can kill without stopping the ingest that writes them.
import { createLogger } from '../../services/core/log.ts';
import { startHttpServer, type HttpServer } from '../../services/core/http-server.ts';
import { liveRoutes, type LessonLookup } from '../../services/origin/live-routes.ts';
import { createPlaybackGuard, type PlaybackGuard } from '../../services/media-http/playback-guard.ts';

/** `guard` checks playback tokens of protected lessons; by default with a secret of its own. */
export async function startTestOrigin(
  liveDir: string,
  lessonFor: LessonLookup,
  guard: PlaybackGuard = createPlaybackGuard({ secrets: ['test-origin-secret-of-at-least-32-chars'], tokenTtlSeconds: 3600 }),
): Promise<HttpServer & { baseUrl: string }> {
  const server = await startHttpServer({ host: '127.0.0.1', port: 0, routers: [liveRoutes(liveDir, lessonFor, guard)], log: createLogger({ role: 'origin', node: 'test-origin' }), health: () => ({ role: 'origin' }) });
  return { ...server, baseUrl: `http://127.0.0.1:${server.port}` };
}
