// The raised-hand signalling on a role's HTTP server (`catalog`, and `all` on its ingest server,
// where the catalog's pages are), with its figures in the role's /metrics.
import type { Server } from 'node:http';
import type { Registry } from 'prom-client';
import type { Database } from '../catalog/db/database.ts';
import type { Config } from '../core/config/schema.ts';
import type { Logger } from '../core/log.ts';
import { registerHandsMetrics } from './hands-metrics.ts';
import { mountHandsSignalling, type HandsLimits, type HandsSignalling } from './hands-signalling.ts';

export function mountHands(server: Server, metrics: Registry, db: Database, config: Config, log: Logger, limits?: Partial<HandsLimits>): HandsSignalling {
  const hands = mountHandsSignalling(server, {
    db,
    log: log.child({ part: 'hands' }),
    settings: config.hands,
    allowedOrigins: config.catalog.allowedOrigins,
    publicUrl: config.http.publicUrl,
    ...(limits ? { limits } : {}),
  });
  registerHandsMetrics(metrics, () => hands);
  return hands;
}
