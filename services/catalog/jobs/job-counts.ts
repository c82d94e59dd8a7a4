// How many jobs each queue holds now, for the dashboard: waiting (new, or waiting to retry),
// running, and failed for good (kept until pg-boss archives them, after 8 days: job-queue.ts). Read from
// pg-boss's own table, which is part of its documented schema; a catalog whose queue has not
// started yet (no pgboss schema) has none.
import type { Queryable } from '../db/database.ts';
import { queueNames } from './queues.ts';

export type QueueCounts = { queue: string; queued: number; running: number; failed: number };

export async function jobCounts(db: Queryable): Promise<QueueCounts[]> {
  const [schema] = await db.query<{ present: boolean }>("select to_regclass('pgboss.job') is not null as present");
  if (!schema?.present) return [];
  const rows = await db.query<{ name: string; state: string; jobs: number | string }>(
    "select name, state::text as state, count(*) as jobs from pgboss.job where state in ('created', 'retry', 'active', 'failed') group by name, state",
  );
  const counts = new Map<string, QueueCounts>(queueNames.map((queue) => [queue, { queue, queued: 0, running: 0, failed: 0 }]));
  for (const row of rows) {
    const entry = counts.get(row.name) ?? { queue: row.name, queued: 0, running: 0, failed: 0 };
    const jobs = Number(row.jobs);
    if (row.state === 'active') entry.running += jobs;
    else if (row.state === 'failed') entry.failed += jobs;
    else entry.queued += jobs;
    counts.set(row.name, entry);
  }
  return [...counts.values()].sort((a, b) => a.queue.localeCompare(b.queue));
}
