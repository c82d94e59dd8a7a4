// The operator dashboard of a process that serves the catalog, built here once per role (`catalog`,
// `all`) and handed to the API and the pages as a reader (catalog-web.ts): it reads the catalog, the
// tiers the configuration lists (dashboard.tiers, or everything from dashboard.prometheusUrl) and the
// tiers the role itself runs, and evaluates the alarms. The role starts it (its timer) and closes it.
import type { Config } from '../core/config/schema.ts';
import type { Logger } from '../core/log.ts';
import type { Queryable } from '../catalog/db/database.ts';
import { createDashboard, type Dashboard, type DashboardOptions } from '../stats/dashboard-service.ts';
import { dashboardSources } from '../stats/dashboard-tiers.ts';
import type { MetricsSource } from '../stats/scrape-metrics.ts';

export type OwnTiers = {
  /** The /metrics of tiers this process runs (`all`: its ingest and city relay), read as a Prometheus would. */
  metrics?: MetricsSource[];
  /** The ingest disks this process can see (`all`: its own). */
  disks?: DashboardOptions['disks'];
};

export function createOperatorDashboard(config: Config, db: Queryable, log: Logger, own: OwnTiers = {}): Dashboard {
  return createDashboard({
    db,
    log: log.child({ part: 'dashboard' }),
    node: config.node.id,
    settings: config.alarms,
    nodeDownSeconds: config.ingest.nodeDownSeconds,
    // Tiers on other machines (more relays, say) that the operators want to see too are configured;
    // with dashboard.prometheusUrl every tier is read from Prometheus instead.
    ...dashboardSources(config.dashboard, own.metrics),
    scrapeTimeoutMs: config.dashboard.scrapeTimeoutSeconds * 1000,
    ...(own.disks ? { disks: own.disks } : {}),
  });
}
