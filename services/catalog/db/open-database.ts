// Opens the catalog's database from the configuration and brings its schema up to date:
// DATABASE_URL=postgres://... uses PostgreSQL, memory:// an in-memory PGlite, and no URL a PGlite
// under <dataDir>/catalog.
import { join, resolve } from 'node:path';
import type { Logger } from '../../core/log.ts';
import type { Database } from './database.ts';
import { migrate } from './migrate.ts';
import { openPgDatabase, redact } from './pg-database.ts';
import { openPgliteDatabase } from './pglite-database.ts';

export async function openDatabase(options: { databaseUrl?: string | undefined; dataDir: string }, log: Logger): Promise<Database> {
  const url = options.databaseUrl;
  let db: Database;
  if (url && /^postgres(ql)?:/.test(url)) db = await openPgDatabase(url);
  else if (url === undefined || url === 'memory://') db = await openPgliteDatabase(url ?? join(resolve(options.dataDir), 'catalog'));
  else throw new Error(`databaseUrl must be postgres://..., postgresql://... or memory:// (got ${redact(url)})`);
  try {
    const applied = await migrate(db);
    log.info('catalog database ready', { database: db.kind === 'postgres' ? redact(url!) : (url ?? 'embedded PGlite'), migrationsApplied: applied });
  } catch (error) {
    await db.close();
    throw error;
  }
  return db;
}
