// Database over embedded PGlite (PostgreSQL compiled to WebAssembly), so a newcomer needs nothing
// but Node. One PGlite instance is one connection: it serves one process, and its queries run one
// at a time, which is plenty for one province node's catalog.
import { mkdir } from 'node:fs/promises';
import { PGlite } from '@electric-sql/pglite';
import type { Database, Queryable, Row } from './database.ts';

/** A migrated, empty data directory to start in-memory catalogs from (see openMemoryCatalog). */
export type PgliteTemplate = Blob;

/**
 * `dir` is a folder for the data files, or 'memory://' for a catalog that lives in memory only,
 * started from `template` when given.
 */
export async function openPgliteDatabase(dir: string, template?: PgliteTemplate): Promise<Database & { dump(): Promise<PgliteTemplate> }> {
  if (dir !== 'memory://') await mkdir(dir, { recursive: true });
  const options = template ? { loadDataDir: template } : {};
  const lite = await (dir === 'memory://' ? PGlite.create(options) : PGlite.create(dir)).catch((error: Error) => {
    throw new Error(`cannot open the embedded catalog in ${dir}: ${error.message} (is another Classcast process using it? set DATABASE_URL to share a catalog)`);
  });
  const run = async <R extends Row>(target: Pick<PGlite, 'query'>, sql: string, params?: readonly unknown[]) =>
    (await target.query<R>(sql, params as unknown[] | undefined)).rows;
  const exec = async (target: Pick<PGlite, 'exec'>, sql: string) => void (await target.exec(sql));
  return {
    kind: 'pglite',
    query: (sql, params) => run(lite, sql, params),
    exec: (sql) => exec(lite, sql),
    async executeSql(sql, values) {
      if (values && values.length > 0) return { rows: await run(lite, sql, values) };
      return { rows: ((await lite.exec(sql)).at(-1)?.rows ?? []) as Row[] };
    },
    transaction: (work) => lite.transaction((tx) => work({ query: (sql, params) => run(tx, sql, params), exec: (sql) => exec(tx, sql) } satisfies Queryable)),
    close: () => lite.close(),
    dump: () => lite.dumpDataDir('none'),
  };
}
