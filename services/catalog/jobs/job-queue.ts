// Background work on a durable queue in the catalog's database, through pg-boss: a job is a row, so
// it survives restarts; a worker takes it with FOR UPDATE SKIP LOCKED, so across nodes it runs
// once; a failed or expired one (its process killed mid-job) is retried with backoff. pg-boss
// speaks to the database through the catalog's own Database (its `db` adapter), which works alike on
// PostgreSQL and on embedded PGlite, so `classcast all` and a province run the same path.
import PgBoss from 'pg-boss';
import type { Logger } from '../../core/log.ts';
import type { Database } from '../db/database.ts';
import { queueNames, queuePolicies, type QueueName, type QueuePolicy } from './queues.ts';

/** What a handler is given: the job, and whether this is its last attempt (then it should record the failure itself). */
export type QueuedJob<T> = { id: string; data: T; attempt: number; lastAttempt: boolean };

export type SendOptions = {
  /** With a 'stately' queue: at most one job with this key waiting and one running (pg-boss singletonKey). */
  singletonKey?: string;
  /** With singletonKey: at most one job per this many seconds, across every node that sends it. */
  singletonSeconds?: number;
};

/** The catalog's queues (queues.ts), or one made with `ensureQueue` (a node's upload queue). */
type AnyQueue = QueueName | (string & {});

export type JobQueue = {
  /** Makes a queue of this node's own (created once, across restarts and nodes). */
  ensureQueue(queue: string, policy: QueuePolicy): Promise<void>;
  /** Returns the job's id, or null when a singleton already covers it. */
  send<T extends object>(queue: AnyQueue, data: T, options?: SendOptions): Promise<string | null>;
  /** Takes this queue's jobs on this node, one at a time; a handler that throws has its job retried. */
  work<T>(queue: AnyQueue, handler: (job: QueuedJob<T>) => Promise<void>): Promise<void>;
  /** Takes no more of this queue's jobs here (a job under way runs on: its caller waits for it). */
  stopWorking(queue: AnyQueue): Promise<void>;
  close(): Promise<void>;
};

export type JobQueueOptions = {
  /** How often expired jobs are failed (and so retried) and old ones archived; pg-boss's default is 2 minutes. */
  maintenanceIntervalSeconds?: number;
  /** How often an idle worker looks for new jobs. */
  pollingIntervalSeconds?: number;
  /** Queue policies other than queues.ts's (tests use short expiries). */
  policies?: Partial<typeof queuePolicies>;
};

/** 8 days: longer than the longest retention sweep slot (7 days). */
export const archiveSeconds = 8 * 86_400;

export async function startJobQueue(db: Database, log: Logger, options: JobQueueOptions = {}): Promise<JobQueue> {
  const boss = new PgBoss({
    db: { executeSql: (text: string, values: unknown[]) => db.executeSql(text, values) },
    schema: 'pgboss',
    supervise: true,
    schedule: false,
    migrate: true,
    maintenanceIntervalSeconds: options.maintenanceIntervalSeconds ?? 30,
    // Finished jobs stay in the job table this long (then archived). pg-boss refuses a singleton
    // slot longer than it, and the retention sweep's slot may be a week (catalog.retentionSweepMinutes).
    archiveCompletedAfterSeconds: archiveSeconds,
  });
  boss.on('error', (error: Error) => log.error('job queue error', { error }));
  await boss.start();
  const policies = new Map<string, QueuePolicy>(Object.entries({ ...queuePolicies, ...options.policies }) as Array<[string, QueuePolicy]>);
  const ensureQueue = async (name: string, policy: QueuePolicy) => {
    policies.set(name, policy);
    const settings = { name, retryLimit: policy.retryLimit, retryDelay: policy.retryDelaySeconds, retryBackoff: true, expireInSeconds: policy.expireInSeconds };
    // Created once (every node starts with this); changed retry settings are applied to the queue
    // (its policy is fixed when it is created).
    if (await boss.getQueue(name)) await boss.updateQueue(name, settings);
    else await boss.createQueue(name, { ...settings, policy: policy.policy }).catch(async (error: Error) => {
      // Another node created it between the two calls.
      if (!(await boss.getQueue(name))) throw error;
    });
  };
  for (const name of queueNames) await ensureQueue(name, policies.get(name)!);
  let closed = false;
  return {
    ensureQueue,
    async send(queue, data, sendOptions = {}) {
      return boss.send(queue, data, {
        ...(sendOptions.singletonKey ? { singletonKey: sendOptions.singletonKey } : {}),
        ...(sendOptions.singletonSeconds ? { singletonSeconds: sendOptions.singletonSeconds } : {}),
      });
    },
    async work(queue, handler) {
      const policy = policies.get(queue);
      if (!policy) throw new Error(`no job queue ${queue}: ensureQueue it first`);
      const limit = policy.retryLimit;
      await boss.work(queue, { includeMetadata: true, batchSize: 1, pollingIntervalSeconds: options.pollingIntervalSeconds ?? 2 }, async ([job]) => {
        if (!job || closed) return;
        const attempt = job.retryCount + 1;
        try {
          await handler({ id: job.id, data: job.data as never, attempt, lastAttempt: job.retryCount >= limit });
        } catch (error) {
          log.warn('job failed', { queue, job: job.id, attempt, willRetry: job.retryCount < limit, error: (error as Error).message });
          throw error;
        }
      });
    },
    async stopWorking(queue) {
      await boss.offWork(queue);
    },
    async close() {
      closed = true;
      // Waits for running jobs; one that outlasts the wait is retried elsewhere once it expires.
      await boss.stop({ graceful: true, wait: true, timeout: 20_000 });
    },
  };
}
