// The one query interface the catalog uses, whichever database is underneath: `pg` against a real
// PostgreSQL, or embedded PGlite. Both take `$1`-style parameters and return rows as objects with
// Date for timestamptz, so every query in the catalog runs unchanged on either.
export type Row = Record<string, unknown>;

export type Queryable = {
  query<R extends Row = Row>(sql: string, params?: readonly unknown[]): Promise<R[]>;
  /** Runs a script of several statements without parameters (migrations). */
  exec(sql: string): Promise<void>;
};

export type Database = Queryable & {
  kind: 'postgres' | 'pglite';
  /**
   * Runs SQL as a library that speaks to the database itself hands it (pg-boss's `db` adapter,
   * services/catalog/jobs/job-queue.ts): with values one statement, without values a script whose
   * last statement's rows are returned.
   */
  executeSql(sql: string, values?: readonly unknown[]): Promise<{ rows: Row[] }>;
  /** Runs `work` in one transaction on one connection; rolls back if it throws. */
  transaction<T>(work: (tx: Queryable) => Promise<T>): Promise<T>;
  close(): Promise<void>;
};

/** The first row, or undefined. */
export async function queryOne<R extends Row = Row>(db: Queryable, sql: string, params?: readonly unknown[]): Promise<R | undefined> {
  const rows = await db.query<R>(sql, params);
  return rows[0];
}
