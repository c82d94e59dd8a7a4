// Database over a real PostgreSQL through a `pg` pool (DATABASE_URL=postgres://...).
import pg from 'pg';
import type { Database, Queryable, Row } from './database.ts';

export async function openPgDatabase(url: string): Promise<Database> {
  const pool = new pg.Pool({ connectionString: url, max: 10 });
  // An idle client losing its connection (server restart) must not crash the process; the pool
  // replaces it on the next query.
  pool.on('error', () => {});
  // Fail at start-up, with the server's message, rather than on the first request.
  const probe = await pool.connect().catch(async (error: Error) => {
    await pool.end();
    throw new Error(`cannot connect to PostgreSQL at ${redact(url)}: ${error.message}`);
  });
  probe.release();
  const run = async <R extends Row>(client: pg.Pool | pg.PoolClient, sql: string, params?: readonly unknown[]) =>
    (await client.query<R>(sql, params as unknown[] | undefined)).rows;
  return {
    kind: 'postgres',
    query: (sql, params) => run(pool, sql, params),
    exec: async (sql) => void (await pool.query(sql)),
    async executeSql(sql, values) {
      // Without values pg sends a script as one simple query and answers each statement's result.
      const result = (await pool.query(sql, values as unknown[] | undefined)) as pg.QueryResult<Row> | Array<pg.QueryResult<Row>>;
      return { rows: (Array.isArray(result) ? result.at(-1)?.rows : result.rows) ?? [] };
    },
    async transaction(work) {
      const client = await pool.connect();
      const tx: Queryable = { query: (sql, params) => run(client, sql, params), exec: async (sql) => void (await client.query(sql)) };
      let broken: Error | undefined;
      try {
        await client.query('begin');
        const result = await work(tx);
        await client.query('commit');
        return result;
      } catch (error) {
        await client.query('rollback').catch((rollbackError: Error) => (broken = rollbackError));
        throw error;
      } finally {
        // A connection that cannot even roll back is closed, not handed to the next caller
        // mid-transaction.
        client.release(broken);
      }
    },
    close: () => pool.end(),
  };
}

/** The URL without its password, for messages and logs. */
export function redact(url: string): string {
  try {
    const parsed = new URL(url);
    if (parsed.password) parsed.password = '***';
    return parsed.toString();
  } catch {
    return '(unparseable URL)';
  }
}
