// The catalog's side of an HTTP server, shared by `catalog` and `all`: the JSON API under /api/v1
// and the web pages (the watch page, and its replay and time-shift forms), over one catalog
// database, plus the first-start setup token, and the operator dashboard's alarms for Prometheus
// at /metrics/alarms. The dashboard is the role's (operator-dashboard.ts): read here, never built.
import { Router, type Request } from 'express';
import type { Config } from '../core/config/schema.ts';
import type { Logger } from '../core/log.ts';
import { catalogApi } from '../catalog/api/catalog-api.ts';
import type { CatalogContext } from '../catalog/api/route-spec.ts';
import { ensureSetupToken } from '../catalog/auth/setup-token.ts';
import type { Database } from '../catalog/db/database.ts';
import { alarmMetricsPath } from '../stats/alarm-metrics.ts';
import type { Dashboard } from '../stats/dashboard-service.ts';
import { playbackSettingsFrom } from '../core/config/playback-settings.ts';
import { pageRoutes, type MediaBase } from '../web/pages.ts';
import type { JobQueue } from '../catalog/jobs/job-queue.ts';
import { createTimeZoneSource } from '../catalog/queries/province-time-zone.ts';
import { createViewerCities } from '../catalog/routing/viewer-city.ts';
import { pageLookups } from '../catalog/queries/page-lookups.ts';

export type CatalogWebOptions = {
  db: Database;
  config: Config;
  log: Logger;
  /** The RTMP port encoders reach, read per request: in `all` it is known only once ingest listens. */
  rtmpPort: () => number;
  /** Where the pages' players fetch media when web.mediaUrls is empty (`all`: its city relay, then its origin). */
  mediaBase?: MediaBase;
  /** The dashboard the role runs (operator-dashboard.ts), read for its figures and alarms; without one, neither is served. */
  dashboard?: Pick<Dashboard, 'snapshot' | 'metrics'>;
  /** The durable job queue (MP4 preparations go there); without one they run in this process. */
  jobs?: JobQueue;
};

export function catalogWebRoutes(options: CatalogWebOptions): Router[] {
  const { dashboard } = options;
  // The pages and the API follow an operator's change of the province's time zone (province-time-zone.ts).
  const timeZone = createTimeZoneSource(options.db, options.config.web.timeZone);
  const context: CatalogContext = {
    db: options.db,
    config: options.config,
    log: options.log,
    rtmpBase: (request: Request) => `rtmp://${request.hostname}:${options.rtmpPort()}/live`,
    ...(dashboard ? { dashboard } : {}),
    timeZone,
    viewerCities: createViewerCities(options.db),
    ...(options.jobs ? { jobs: options.jobs } : {}),
  };
  const alarms = Router();
  if (dashboard) alarms.get(alarmMetricsPath, async (_request, response) => {
    response.set('Cache-Control', 'no-store').type('text/plain; version=0.0.4').send(await dashboard.metrics());
  });
  // The configured media bases win: a province names its origin (and standby) there; each viewer's
  // city's relays come before them (services/catalog/routing/).
  const mediaUrls = options.config.web.mediaUrls;
  const mediaBase = mediaUrls.length > 0 ? () => mediaUrls : options.mediaBase;
  return [catalogApi(context), alarms, pageRoutes(mediaBase, options.config.p2p, { secrets: (context.playback ?? playbackSettingsFrom(options.config)).secrets }, { defaultLocale: options.config.web.defaultLocale, timeZone: timeZone.current }, context.viewerCities, pageLookups(options.db))];
}

/**
 * Logs the setup URL while the catalog has no operator and returns it (the command line prints it
 * beside the other URLs, so a newcomer sees where to create the first operator); `httpPort` is
 * where this server listens.
 */
export async function announceSetup(db: Database, config: Config, log: Logger, httpPort: number): Promise<{ setup?: string }> {
  const base = (config.http.publicUrl ?? `http://localhost:${httpPort}`).replace(/\/$/, '');
  const token = await ensureSetupToken(db, log, base);
  return token ? { setup: `${base}/setup?token=${token}` } : {};
}
