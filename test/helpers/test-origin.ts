// An extra origin for a test: another HTTP server serving the same lesson files (a province
// standby), which a test can kill without stopping the ingest that writes them.
import { createLogger } from '../../services/core/log.ts';
import { startHttpServer, type HttpServer } from '../../services/core/http-server.ts';
import { liveRoutes, type LessonLookup } from '../../services/origin/live-routes.ts';

export async function startTestOrigin(liveDir: string, lessonFor: LessonLookup): Promise<HttpServer & { baseUrl: string }> {
  const server = await startHttpServer({ host: '127.0.0.1', port: 0, routers: [liveRoutes(liveDir, lessonFor)], log: createLogger({ role: 'origin', node: 'test-origin' }), health: () => ({ role: 'origin' }) });
  return { ...server, baseUrl: `http://127.0.0.1:${server.port}` };
}
