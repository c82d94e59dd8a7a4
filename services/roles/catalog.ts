// `classcast catalog`: the catalog's JSON API and the web pages on http.port, without ingest (a
// province runs it beside its ingest nodes, all on one PostgreSQL).
import type { Config } from '../core/config/schema.ts';
import { startHttpServer } from '../core/http-server.ts';
import type { Logger } from '../core/log.ts';
import { openDatabase } from '../catalog/db/open-database.ts';
import { buildPlayer } from '../../player/build.ts';
import { playerIsBuilt } from '../web/pages.ts';
import { announceSetup, catalogWebRoutes } from './catalog-web.ts';
import type { RunningRole } from './running-role.ts';

export async function startCatalogRole(config: Config, log: Logger): Promise<RunningRole & { httpPort: number }> {
  if (!playerIsBuilt()) await buildPlayer();
  const db = await openDatabase(config, log);
  let http;
  let setupUrl: { setup?: string } = {};
  try {
    http = await startHttpServer({
      host: config.http.host,
      port: config.http.port,
      log,
      routers: catalogWebRoutes({ db, config, log, rtmpPort: () => config.rtmp.port }),
      health: () => ({ role: 'catalog', node: config.node.id, database: db.kind }),
    });
    setupUrl = await announceSetup(db, config, log, http.port);
  } catch (error) {
    await http?.close();
    await db.close();
    throw error;
  }
  const server = http;
  return {
    httpPort: server.port,
    urls: { http: `http://127.0.0.1:${server.port}/`, watch: `http://localhost:${server.port}/`, ...setupUrl },
    async close() {
      await server.close();
      await db.close();
    },
  };
}
