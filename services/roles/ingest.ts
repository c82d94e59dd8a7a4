// `classcast ingest`: the province ingest node: RTMP in, HLS origin out (/live, /api/v1/lessons).
import type { Config } from '../core/config/schema.ts';
import { startHttpServer } from '../core/http-server.ts';
import type { Logger } from '../core/log.ts';
import { startIngest, type Ingest } from '../ingest/start-ingest.ts';
import { lessonsApi } from '../origin/lessons-api.ts';
import { liveRoutes } from '../origin/live-routes.ts';
import type { Router } from 'express';
import type { RunningRole } from './running-role.ts';

export type IngestRole = RunningRole & { ingest: Ingest; httpPort: number };

export async function startIngestRole(config: Config, log: Logger, extraRouters: Router[] = []): Promise<IngestRole> {
  const ingest = await startIngest(config, log);
  const lessonFor = (id: string) => {
    const lesson = ingest.lessons.get(id);
    return lesson && { segmentSeconds: lesson.segmentSeconds, ended: lesson.state === 'ended' };
  };
  let http;
  try {
    http = await startHttpServer({
      host: config.http.host,
      port: config.http.port,
      log,
      routers: [liveRoutes(ingest.liveDir, lessonFor), lessonsApi(() => ingest.lessons.list()), ...extraRouters],
      health: () => ({ role: 'ingest', node: config.node.id, liveLessons: ingest.lessons.list().filter((lesson) => lesson.state !== 'ended').length }),
    });
  } catch (error) {
    await ingest.close();
    throw error;
  }
  return {
    ingest,
    httpPort: http.port,
    urls: { http: `http://127.0.0.1:${http.port}/`, rtmp: `rtmp://127.0.0.1:${ingest.rtmpPort}/live/<stream key>` },
    async close() {
      await ingest.close();
      await http.close();
    },
  };
}
