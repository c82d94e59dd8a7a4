// The set-up shared by end-to-end tests of the pages on one ingest node that also carries the
// catalog (as `classcast all` does): a data folder, the configuration (loopback ports, an in-memory
// PGlite catalog, no demo), the catalog database and the ingest's logger. Each test starts its own
// ingest role over these with the routers it needs, and calls close() after stopping it.
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Database } from '../../services/catalog/db/database.ts';
import { openDatabase } from '../../services/catalog/db/open-database.ts';
import { resolveConfig } from '../../services/core/config/load.ts';
import type { Config } from '../../services/core/config/schema.ts';
import { createLogger, setLogLevel, type Logger } from '../../services/core/log.ts';

export type CatalogIngestSetup = { dataDir: string; config: Config; db: Database; log: Logger; close(): Promise<void> };

/** `values`: the test's own configuration (classrooms, ingest and transcode settings) over the shared one. */
export async function catalogIngestSetup(folderPrefix: string, values: Record<string, unknown>): Promise<CatalogIngestSetup> {
  const dataDir = await mkdtemp(join(tmpdir(), folderPrefix));
  setLogLevel((process.env.CLASSCAST_TEST_LOG as 'debug' | 'info' | undefined) ?? 'warn');
  const config = resolveConfig([
    {
      source: 'test',
      values: { dataDir, databaseUrl: 'memory://', http: { host: '127.0.0.1', port: 0 }, rtmp: { host: '127.0.0.1', port: 0 }, demo: { enabled: false }, ...values },
    },
  ]);
  const log = createLogger({ role: 'ingest', node: 'test' });
  const db = await openDatabase(config, log);
  return {
    dataDir,
    config,
    db,
    log,
    async close() {
      await db.close();
      await rm(dataDir, { recursive: true, force: true, maxRetries: 5 }).catch(() => undefined);
    },
  };
}
