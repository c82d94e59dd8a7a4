// Opens the catalog's database from the configuration and brings its schema up to date:
// DATABASE_URL=postgres://... uses PostgreSQL, memory:// an in-memory PGlite, and no URL a PGlite
// under <dataDir>/catalog.
import { join, resolve } from 'node:path';
import type { Logger } from '../../core/log.ts';
import type { Database } from './database.ts';
import { migrate } from './migrate.ts';
import { openPgDatabase, redact } from './pg-database.ts';
import { openPgliteDatabase, type PgliteTemplate } from './pglite-database.ts';

// Making a PGlite data directory (its initdb) takes seconds; loading a saved one, well under one.
// In-memory catalogs (tests, throwaway runs) start from a migrated empty copy made once per process.
let memoryTemplate: Promise<PgliteTemplate | undefined> | undefined;

export async function openDatabase(options: { databaseUrl?: string | undefined; dataDir: string }, log: Logger): Promise<Database> {
  const url = options.databaseUrl;
  if (url && /^postgres(ql)?:/.test(url)) return migrated(await openPgDatabase(url), redact(url), log);
  if (url === undefined) return migrated(await openPgliteDatabase(join(resolve(options.dataDir), 'catalog')), 'embedded PGlite', log);
  if (url !== 'memory://') throw new Error(`databaseUrl must be postgres://..., postgresql://... or memory:// (got ${redact(url)})`);
  const fromTemplate = memoryTemplate !== undefined;
  const db = await openPgliteDatabase(url, await memoryTemplate);
  await migrated(db, url, log);
  if (!fromTemplate) memoryTemplate ??= db.dump().catch(() => undefined);
  return db;
}

async function migrated(db: Database, name: string, log: Logger): Promise<Database> {
  try {
    const applied = await migrate(db);
    log.info('catalog database ready', { database: name, migrationsApplied: applied });
    return db;
  } catch (error) {
    await db.close();
    throw error;
  }
}
