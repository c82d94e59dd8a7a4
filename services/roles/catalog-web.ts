// The catalog's side of an HTTP server, shared by `catalog` and `all`: the JSON API under /api/v1
// and the web pages, over one catalog database, plus the first-start setup token.
import type { Request, Router } from 'express';
import type { Config } from '../core/config/schema.ts';
import type { Logger } from '../core/log.ts';
import { catalogApi } from '../catalog/api/catalog-api.ts';
import type { CatalogContext } from '../catalog/api/route-spec.ts';
import { ensureSetupToken } from '../catalog/auth/setup-token.ts';
import type { Database } from '../catalog/db/database.ts';
import { pageRoutes, type MediaBase } from '../web/pages.ts';

export type CatalogWebOptions = {
  db: Database;
  config: Config;
  log: Logger;
  /** The RTMP port encoders reach, read per request: in `all` it is known only once ingest listens. */
  rtmpPort: () => number;
  mediaBase?: MediaBase;
};

export function catalogWebRoutes(options: CatalogWebOptions): Router[] {
  const context: CatalogContext = {
    db: options.db,
    config: options.config,
    log: options.log,
    rtmpBase: (request: Request) => `rtmp://${request.hostname}:${options.rtmpPort()}/live`,
  };
  return [catalogApi(context), pageRoutes(options.mediaBase)];
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
