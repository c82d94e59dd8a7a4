// Applies migrations/NNN_name.sql in order, recording each in schema_migrations. One transaction
// carries the whole run, so a failing migration leaves the schema as it was before the run. An
// advisory lock held by that transaction makes two processes starting at once take turns: the
// second finds the work done and applies nothing.
import { readdirSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import type { Database } from './database.ts';

const migrationsDir = fileURLToPath(new URL('./migrations/', import.meta.url));
/** Any fixed number: it names the lock both processes wait on. */
export const migrationLockId = 724_100_001;

export type Migration = { version: number; name: string; sql: string };

export function loadMigrations(dir = migrationsDir): Migration[] {
  const migrations = readdirSync(dir)
    .filter((file) => file.endsWith('.sql'))
    .sort()
    .map((file) => {
      const match = /^(\d+)_([a-z0-9_]+)\.sql$/.exec(file);
      if (!match) throw new Error(`migration file ${file} must be named NNN_name.sql`);
      return { version: Number(match[1]), name: match[2]!, sql: readFileSync(`${dir}${file}`, 'utf8') };
    });
  // Two branches that each add the next number meet in a merge: one must be renumbered (the one not
  // yet deployed), or the second would be skipped as applied, or fail on schema_migrations' key.
  migrations.forEach((migration, index) => {
    const before = migrations[index - 1];
    if (before?.version === migration.version) throw new Error(`migrations ${migrationFile(before)} and ${migrationFile(migration)} share version ${migration.version}: renumber the newer one`);
  });
  return migrations;
}

/** Brings the schema up to date; returns how many migrations this call applied. */
export async function migrate(db: Database, migrations = loadMigrations()): Promise<number> {
  // The lock is taken inside a transaction (pg_advisory_xact_lock) so it is held on the same
  // connection as the work and released by commit, whatever pool the database uses.
  return db.transaction(async (tx) => {
    await tx.query('select pg_advisory_xact_lock($1)', [migrationLockId]);
    await tx.query(`create table if not exists schema_migrations (
      version integer primary key, name text not null, applied_at timestamptz not null default now())`);
    const done = new Set((await tx.query<{ version: number }>('select version from schema_migrations')).map((row) => row.version));
    let applied = 0;
    for (const migration of migrations) {
      if (done.has(migration.version)) continue;
      await tx.exec(migration.sql).catch((error: Error) => {
        throw new Error(`migration ${migrationFile(migration)} failed, nothing was applied: ${error.message}`, { cause: error });
      });
      await tx.query('insert into schema_migrations (version, name) values ($1, $2)', [migration.version, migration.name]);
      applied++;
    }
    return applied;
  });
}

const migrationFile = (migration: Migration) => `${String(migration.version).padStart(3, '0')}_${migration.name}.sql`;
