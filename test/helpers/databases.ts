// The databases the catalog runs on, for tests that must pass on both: an in-memory PGlite and a
// fresh database on a throwaway PostgreSQL cluster. The cluster is started once per test process,
// on first use, and stopped when the process exits (or by stopTestPostgres in an after() hook).
import { startThrowawayPostgres, type ThrowawayPostgres } from './throwaway-postgres.ts';

export type CatalogDatabaseName = 'pglite' | 'postgres';

let cluster: Promise<ThrowawayPostgres> | undefined;

function testPostgres(): Promise<ThrowawayPostgres> {
  cluster ??= startThrowawayPostgres().catch((error: unknown) => {
    // A failed start is not cached, so the next caller gets a fresh try and the same clear error.
    cluster = undefined;
    throw error;
  });
  return cluster;
}

/** A new empty database on this process's throwaway PostgreSQL. */
export async function freshPostgresUrl(): Promise<string> {
  return (await testPostgres()).createDatabase();
}

/** 'memory://' (PGlite) and a fresh PostgreSQL database; a test loops over both. */
export async function catalogDatabaseUrls(): Promise<Array<{ name: CatalogDatabaseName; url: string }>> {
  return [
    { name: 'pglite', url: 'memory://' },
    { name: 'postgres', url: await freshPostgresUrl() },
  ];
}

/** Stops this process's cluster now rather than at exit; a later call starts a new one. */
export async function stopTestPostgres(): Promise<void> {
  const running = cluster;
  cluster = undefined;
  if (running) await (await running).stop();
}
