// Migrations on both databases: applying them again changes nothing, two migrators at once (two
// pools, two processes) take turns under the advisory lock, a broken migration leaves nothing
// behind and says which one broke, and an on-disk PGlite keeps its data and schema across restarts.
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, test } from 'node:test';
import pg from 'pg';
import type { Database } from '../../services/catalog/db/database.ts';
import { queryOne } from '../../services/catalog/db/database.ts';
import { loadMigrations, migrate, migrationLockId, type Migration } from '../../services/catalog/db/migrate.ts';
import { openDatabase } from '../../services/catalog/db/open-database.ts';
import { openPgDatabase } from '../../services/catalog/db/pg-database.ts';
import { openPgliteDatabase } from '../../services/catalog/db/pglite-database.ts';
import { createLogger, setLogSink } from '../../services/core/log.ts';
import { freshPostgresUrl, stopTestPostgres, type CatalogDatabaseName } from '../helpers/databases.ts';
import { waitFor } from '../helpers/wait-for.ts';

const migrations = loadMigrations();
const versions = migrations.map((migration) => migration.version);
const broken: Migration = { version: 999, name: 'broken', sql: 'create table half_done (x integer); select nonsense from nowhere' };

// openDatabase reports each start in a log line; the tests read those lines instead of stderr.
const logLines: string[] = [];
setLogSink((line) => logLines.push(line));
const log = createLogger({ role: 'test' });
const readyEvents = () => logLines.map((line) => JSON.parse(line) as { event: string; migrationsApplied?: number }).filter((entry) => entry.event === 'catalog database ready');

after(() => stopTestPostgres());

/** A database of that kind with nothing in it, not yet migrated. */
async function emptyDatabase(name: CatalogDatabaseName): Promise<Database> {
  return name === 'pglite' ? openPgliteDatabase('memory://') : openPgDatabase(await freshPostgresUrl());
}

async function appliedVersions(db: Database): Promise<number[]> {
  return (await db.query<{ version: number }>('select version from schema_migrations order by version')).map((row) => row.version);
}

async function tableExists(db: Database, table: string): Promise<boolean> {
  return (await queryOne<{ found: boolean }>(db, 'select to_regclass($1) is not null as found', [table]))!.found;
}

test('the migrations are numbered 1 to N, each number once (main\'s 011-013 keep theirs; the replay storage follows as 14, the live classroom as 15, the encoder sent figures 16, city routing 17, the storage policy 18)', async () => {
  assert.deepEqual(versions, migrations.map((_, index) => index + 1));
  assert.deepEqual(
    migrations.slice(10).map((migration) => `${migration.version}_${migration.name}`),
    ['11_lesson_end_requests', '12_account_locale', '13_platform_settings', '14_replay_storage', '15_classroom_qa', '16_encoder_sent', '17_city_routing', '18_rendition_policy'],
  );
  const dir = await mkdtemp(join(tmpdir(), 'migrations-'));
  try {
    await writeFile(join(dir, '011_one.sql'), 'select 1');
    await writeFile(join(dir, '011_other.sql'), 'select 1');
    assert.throws(() => loadMigrations(`${dir}/`), /011_one\.sql and 011_other\.sql share version 11/);
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
});

for (const name of ['pglite', 'postgres'] as const) {
  describe(`migrations on ${name}`, () => {
    test('applying them a second time applies nothing and keeps the data', async () => {
      const db = await emptyDatabase(name);
      try {
        assert.equal(await migrate(db), migrations.length);
        await db.query(`insert into cities (province_id, name) values (1, 'Tabriz')`);
        assert.equal(await migrate(db), 0);
        assert.deepEqual(await appliedVersions(db), versions);
        assert.deepEqual(await db.query('select name from cities'), [{ name: 'Tabriz' }]);
        // The first migration seeds one province; running it again would add a second or fail.
        assert.deepEqual(await db.query('select count(*)::int as n from provinces'), [{ n: 1 }]);
      } finally {
        await db.close();
      }
    });

    test('a broken migration rolls back entirely and names itself', async () => {
      const db = await emptyDatabase(name);
      try {
        await assert.rejects(migrate(db, [...migrations, broken]), (error: Error) => {
          assert.match(error.message, /migration 999_broken\.sql failed/);
          assert.match(error.message, /nowhere/);
          // The server's error stays reachable, SQLSTATE included (42P01: undefined table).
          assert.equal((error.cause as { code?: string }).code, '42P01');
          return true;
        });
        // The whole run is one transaction: not even the good migrations before it stayed.
        assert.equal(await tableExists(db, 'classrooms'), false);
        assert.equal(await tableExists(db, 'schema_migrations'), false);

        assert.equal(await migrate(db), migrations.length, 'the database is usable after the failure');
        await assert.rejects(migrate(db, [...migrations, broken]), /999_broken/);
        assert.equal(await tableExists(db, 'half_done'), false, 'the broken migration left a table behind');
        assert.deepEqual(await appliedVersions(db), versions);
      } finally {
        await db.close();
      }
    });
  });
}

test('pglite: two migrations at once on one database apply each version once', async () => {
  const db = await emptyDatabase('pglite');
  try {
    const applied = await Promise.all([migrate(db), migrate(db)]);
    assert.deepEqual(applied.sort(), [0, migrations.length]);
    assert.deepEqual(await appliedVersions(db), versions);
  } finally {
    await db.close();
  }
});

describe('postgres: concurrent migrators take turns under the advisory lock', () => {
  /**
   * Holds the migration lock from a separate connection while `start` launches the migrators, waits
   * until `waiters` of them are blocked on it, then lets them go: so they really did run at once.
   */
  async function raceUnderLock<T>(url: string, waiters: number, start: () => Promise<T>): Promise<T> {
    const holder = new pg.Client({ connectionString: url });
    await holder.connect();
    try {
      await holder.query('select pg_advisory_lock($1)', [migrationLockId]);
      const running = start();
      // Surfaces a migrator failing while the lock is still held, instead of waiting for nothing.
      running.catch(() => {});
      await waitFor(`${waiters} migrators waiting on the lock`, async () => {
        const blocked = await holder.query<{ n: number }>(`select count(*)::int as n from pg_locks where locktype = 'advisory' and objid = $1 and not granted`, [migrationLockId]);
        return blocked.rows[0]!.n === waiters;
      });
      await holder.query('select pg_advisory_unlock($1)', [migrationLockId]);
      return await running;
    } finally {
      await holder.end();
    }
  }

  test('two pools in one process', async () => {
    const url = await freshPostgresUrl();
    const [first, second] = [await openPgDatabase(url), await openPgDatabase(url)];
    try {
      const applied = await raceUnderLock(url, 2, () => Promise.all([migrate(first), migrate(second)]));
      assert.deepEqual(applied.sort(), [0, migrations.length]);
      assert.deepEqual(await appliedVersions(first), versions);
    } finally {
      await Promise.all([first.close(), second.close()]);
    }
  });

  test('two separate processes', async () => {
    const url = await freshPostgresUrl();
    const script = new URL('../helpers/migrate-once.ts', import.meta.url).pathname;
    const runMigrator = () =>
      new Promise<number>((resolve, reject) => {
        const child = spawn(process.execPath, ['--import', 'tsx', script, url], { stdio: ['ignore', 'pipe', 'pipe'] });
        let stdout = '';
        let stderr = '';
        child.stdout.on('data', (chunk: Buffer) => (stdout += chunk));
        child.stderr.on('data', (chunk: Buffer) => (stderr += chunk));
        child.on('error', reject);
        child.on('close', (code) => (code === 0 ? resolve((JSON.parse(stdout) as { applied: number }).applied) : reject(new Error(`migrate-once exited with ${code}: ${stderr}`))));
      });
    const applied = await raceUnderLock(url, 2, () => Promise.all([runMigrator(), runMigrator()]));
    assert.deepEqual(applied.sort(), [0, migrations.length]);
    const db = await openPgDatabase(url);
    try {
      assert.deepEqual(await appliedVersions(db), versions);
    } finally {
      await db.close();
    }
  });

  test('opening the same database again migrates nothing', async () => {
    const url = await freshPostgresUrl();
    logLines.length = 0;
    await (await openDatabase({ databaseUrl: url, dataDir: tmpdir() }, log)).close();
    await (await openDatabase({ databaseUrl: url, dataDir: tmpdir() }, log)).close();
    assert.deepEqual(readyEvents().map((entry) => entry.migrationsApplied), [migrations.length, 0]);
  });
});

test('pglite on disk keeps its data and schema across a restart', async () => {
  const dataDir = await mkdtemp(join(tmpdir(), 'classcast-pglite-'));
  try {
    logLines.length = 0;
    const first = await openDatabase({ dataDir }, log);
    await first.query(`insert into cities (province_id, name) values (1, 'Mashhad')`);
    const appliedAt = await first.query('select version, applied_at from schema_migrations order by version');
    await first.close();

    const second = await openDatabase({ dataDir }, log);
    try {
      assert.deepEqual(await second.query('select name from cities'), [{ name: 'Mashhad' }]);
      assert.deepEqual(await second.query('select version, applied_at from schema_migrations order by version'), appliedAt);
      assert.deepEqual(readyEvents().map((entry) => entry.migrationsApplied), [migrations.length, 0]);
    } finally {
      await second.close();
    }
  } finally {
    await rm(dataDir, { recursive: true, force: true });
  }
});
