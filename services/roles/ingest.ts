// `classcast ingest`: the province ingest node: RTMP in, HLS origin out (/live, and this node's own
// lesson list at /api/v1/ingest/lessons), stream keys and lessons from the catalog.
import type { Router } from 'express';
import type { Config } from '../core/config/schema.ts';
import { startHttpServer } from '../core/http-server.ts';
import type { Logger } from '../core/log.ts';
import type { Database } from '../catalog/db/database.ts';
import { openDatabase } from '../catalog/db/open-database.ts';
import { startIngest, type Ingest } from '../ingest/start-ingest.ts';
import { lessonsApi } from '../origin/lessons-api.ts';
import { liveRoutes } from '../origin/live-routes.ts';
import type { RunningRole } from './running-role.ts';

export type IngestRole = RunningRole & { ingest: Ingest; db: Database; httpPort: number };

export type IngestRoleOptions = {
  /** More routes on the same HTTP server (`all` adds the catalog API and the pages). */
  routers?: Router[];
  /** A catalog the caller opened and will close; otherwise the role opens its own from the config. */
  db?: Database;
};

export async function startIngestRole(config: Config, log: Logger, options: IngestRoleOptions = {}): Promise<IngestRole> {
  const ownsDb = !options.db;
  const db = options.db ?? (await openDatabase(config, log));
  const closeDb = () => (ownsDb ? db.close() : Promise.resolve());
  const ingest = await startIngest(config, log, db).catch(async (error: unknown) => {
    await closeDb();
    throw error;
  });
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
      routers: [liveRoutes(ingest.liveDir, lessonFor), lessonsApi(() => ingest.lessons.list()), ...(options.routers ?? [])],
      health: () => ({ role: 'ingest', node: config.node.id, liveLessons: ingest.lessons.list().filter((lesson) => lesson.state !== 'ended').length }),
    });
  } catch (error) {
    await ingest.close();
    await closeDb();
    throw error;
  }
  return {
    ingest,
    db,
    httpPort: http.port,
    urls: { http: `http://127.0.0.1:${http.port}/`, rtmp: `rtmp://127.0.0.1:${ingest.rtmpPort}/live/<stream key>` },
    async close() {
      await ingest.close();
      await http.close();
      await closeDb();
    },
  };
}
