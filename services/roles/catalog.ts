// `classcast catalog`: the catalog's JSON API and the web pages on http.port, without ingest (a
// province runs it beside its ingest nodes, all on one PostgreSQL), and /metrics (process metrics).
// Its operator dashboard reads the tiers the configuration lists (dashboard.tiers).
import type { Config } from '../core/config/schema.ts';
import { startHttpServer } from '../core/http-server.ts';
import type { Logger } from '../core/log.ts';
import { openDatabase } from '../catalog/db/open-database.ts';
import { buildPlayer } from '../../player/build.ts';
import { playerIsBuilt } from '../web/pages.ts';
import { createMetricsRegistry } from '../stats/metrics-registry.ts';
import { metricsRoute } from '../stats/metrics-route.ts';
import { registerQaMetrics } from '../stats/qa-metrics.ts';
import { announceSetup, catalogWebRoutes } from './catalog-web.ts';
import { startCatalogJobs } from '../catalog/jobs/catalog-jobs.ts';
import { startJobQueue } from '../catalog/jobs/job-queue.ts';
import { createOperatorDashboard } from './operator-dashboard.ts';
import type { RunningRole } from './running-role.ts';
import { mountHands } from '../hands/mount-hands.ts';

export async function startCatalogRole(config: Config, log: Logger): Promise<RunningRole & { httpPort: number }> {
  if (!playerIsBuilt()) await buildPlayer();
  const db = await openDatabase(config, log);
  const queue = await startJobQueue(db, log.child({ part: 'jobs' })).catch(async (error: unknown) => {
    await db.close();
    throw error;
  });
  // On its own, the dashboard knows what the catalog knows (live lessons, encoders, viewing
  // sessions) and what the tiers it is told of serve at /metrics; it evaluates the alarms on its
  // timer and sends their webhooks.
  const dashboard = createOperatorDashboard(config, db, log);
  let http;
  let setupUrl: { setup?: string } = {};
  const metrics = catalogMetrics(config.node.id);
  try {
    http = await startHttpServer({
      host: config.http.host,
      port: config.http.port,
      trustProxy: config.http.trustProxy,
      log,
      routers: [metricsRoute(metrics), ...catalogWebRoutes({ db, config, log, jobs: queue, rtmpPort: () => config.rtmp.port, dashboard })],
      health: () => ({ role: 'catalog', node: config.node.id, database: db.kind }),
    });
    setupUrl = await announceSetup(db, config, log, http.port);
  } catch (error) {
    await http?.close();
    await queue.close();
    await db.close();
    throw error;
  }
  const server = http;
  const hands = mountHands(server.server, metrics, db, config, log);
  const jobs = await startCatalogJobs(db, config, log, queue);
  dashboard.start();
  return {
    httpPort: server.port,
    urls: { http: `http://127.0.0.1:${server.port}/`, watch: `http://localhost:${server.port}/`, ...setupUrl },
    async close() {
      hands.close();
      await server.close();
      await jobs.close();
      await queue.close();
      await dashboard.close();
      await db.close();
    },
  };
}

/** The catalog's own figures: the process's, and the live classroom's posts, votes and moderation. */
function catalogMetrics(node: string) {
  const register = createMetricsRegistry('catalog', node);
  registerQaMetrics(register);
  return register;
}
