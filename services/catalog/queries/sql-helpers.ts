// Small pieces every catalog query file shares: a WHERE clause assembled from fixed SQL fragments
// with numbered parameters (values never enter the SQL text), LIKE escaping for free-text search,
// the page window of list queries, and timestamps as ISO strings for the JSON answers.
import type { Queryable } from '../db/database.ts';

/** Which slice of a list to return. */
export type PageWindow = { limit: number; offset: number };
/** One page of a list and how many rows the whole list has. */
export type Listed<T> = { items: T[]; total: number };

export type Conditions = {
  /** Adds a fixed fragment whose `$?` placeholders take `values` in order, as `$1`, `$2`... */
  add(fragment: string, ...values: unknown[]): void;
  /** Adds a parameter that a fragment written elsewhere refers to; returns its `$n`. */
  param(value: unknown): string;
  /** `where a and b`, or '' when nothing was added. */
  sql(): string;
  params: unknown[];
};

export function conditions(): Conditions {
  const clauses: string[] = [];
  const params: unknown[] = [];
  const param = (value: unknown) => `$${params.push(value)}`;
  return {
    add(fragment, ...values) {
      let next = 0;
      clauses.push(
        fragment.replace(/\$\?/g, () => {
          if (next >= values.length) throw new Error(`fragment "${fragment}" has more placeholders than values`);
          return param(values[next++]);
        }),
      );
      if (next !== values.length) throw new Error(`fragment "${fragment}" has fewer placeholders than values`);
    },
    param,
    sql: () => (clauses.length > 0 ? `where ${clauses.join(' and ')}` : ''),
    params,
  };
}

/** Runs the count and the page of one filtered list; `from` is the FROM..JOIN text, `where` its conditions. */
export async function listPage<R extends Record<string, unknown>, T>(
  db: Queryable,
  query: { select: string; from: string; where: Conditions; orderBy: string },
  window: PageWindow,
  map: (row: R) => T,
): Promise<Listed<T>> {
  const whereSql = query.where.sql();
  const [counted] = await db.query<{ total: number }>(`select count(*)::int as total ${query.from} ${whereSql}`, query.where.params);
  const limit = `$${query.where.params.length + 1}`;
  const offset = `$${query.where.params.length + 2}`;
  const rows = await db.query<R>(`${query.select} ${query.from} ${whereSql} order by ${query.orderBy} limit ${limit} offset ${offset}`, [
    ...query.where.params,
    window.limit,
    window.offset,
  ]);
  return { items: rows.map(map), total: counted?.total ?? 0 };
}

/** Makes `%`, `_` and `\` in user text match themselves in `ilike ... escape '\'`. */
export function escapeLike(text: string): string {
  return text.replace(/[\\%_]/g, (character) => `\\${character}`);
}

/** A timestamptz column as an ISO 8601 string, or null. */
export function iso(value: unknown): string | null {
  if (value === null || value === undefined) return null;
  return (value instanceof Date ? value : new Date(String(value))).toISOString();
}

/** A numeric column that pg may return as a string (bigint, numeric) as a number, or null. */
export function numberOrNull(value: unknown): number | null {
  return value === null || value === undefined ? null : Number(value);
}
