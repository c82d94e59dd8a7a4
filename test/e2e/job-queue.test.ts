// The durable job queue (services/catalog/jobs/, pg-boss over the catalog's database) on a real
// PostgreSQL: a job whose process is killed with SIGKILL mid-run is taken again by another process
// once it expires and completes there; two nodes working one queue never run the same job; a
// singleton (the retention sweep's slot) is queued once however many nodes ask. And on PGlite, the
// embedded catalog, the same queue runs a job through, and an MP4 asked for twice waits once.
import assert from 'node:assert/strict';
import { spawn, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { setTimeout as sleep } from 'node:timers/promises';
import { after, describe, test } from 'node:test';
import type { Database } from '../../services/catalog/db/database.ts';
import { openDatabase } from '../../services/catalog/db/open-database.ts';
import { jobCounts } from '../../services/catalog/jobs/job-counts.ts';
import { startJobQueue, type JobQueue } from '../../services/catalog/jobs/job-queue.ts';
import { createLogger, setLogLevel } from '../../services/core/log.ts';
import { freshPostgresUrl, stopTestPostgres } from '../helpers/databases.ts';
import { testQueueOptions } from '../helpers/queue-test-options.ts';
import { waitFor } from '../helpers/wait-for.ts';

setLogLevel('warn');
const log = createLogger({ role: 'test' });
after(() => stopTestPostgres());

const workerScript = new URL('../helpers/queue-worker-process.ts', import.meta.url).pathname;

/** A worker process; resolves once it works the queue. */
async function startWorker(url: string, mode: 'hang' | 'finish'): Promise<ChildProcess> {
  const child = spawn(process.execPath, ['--import', 'tsx', workerScript, url, mode], { stdio: ['ignore', 'pipe', 'inherit'] });
  let output = '';
  child.stdout!.setEncoding('utf8').on('data', (chunk: string) => (output += chunk));
  await waitFor(`the ${mode} worker to start`, () => output.includes('working') || (child.exitCode !== null && Promise.reject(new Error(`worker exited with ${child.exitCode}`))), 30_000);
  return child;
}

const jobState = async (db: Database, id: string) => (await db.query<{ state: string; retry_count: number }>('select state::text as state, retry_count from pgboss.job where id = $1', [id]))[0];

describe('the job queue on PostgreSQL', { timeout: 120_000 }, () => {
  test('a job survives a kill -9 of the process running it: another process takes it once it expires, and it completes', async () => {
    const url = await freshPostgresUrl();
    const db = await openDatabase({ databaseUrl: url, dataDir: '/nonexistent' }, log);
    let sender: JobQueue | undefined;
    const children: ChildProcess[] = [];
    try {
      await db.query('create table queue_test_runs (job_id uuid not null, worker text not null, attempt integer not null, at timestamptz not null default now())');
      sender = await startJobQueue(db, log, testQueueOptions);
      const first = await startWorker(url, 'hang');
      children.push(first);
      const id = (await sender.send('mp4-prepare', { n: 1 }))!;
      await waitFor('the first worker to take the job', async () => (await jobState(db, id))?.state === 'active');
      assert.deepEqual((await jobCounts(db)).find((queue) => queue.queue === 'mp4-prepare'), { queue: 'mp4-prepare', queued: 0, running: 1, failed: 0 }, 'the dashboard counts it running');
      first.kill('SIGKILL');
      await once(first, 'exit');
      children.push(await startWorker(url, 'finish'));
      await waitFor('the job to complete on the second worker', async () => (await jobState(db, id))?.state === 'completed', 30_000);
      const runs = await db.query<{ worker: string; attempt: number }>('select worker, attempt from queue_test_runs where job_id = $1 order by at', [id]);
      assert.equal(runs.length, 2, JSON.stringify(runs));
      assert.match(runs[0]!.worker, /^hang-/);
      assert.match(runs[1]!.worker, /^finish-/);
      assert.equal(runs[1]!.attempt, 2, 'the second run is the retry of the expired first');
    } finally {
      for (const child of children) if (child.exitCode === null) child.kill('SIGKILL');
      await sender?.close();
      await db.close();
    }
  });

  test('two nodes working one queue never run the same job; a singleton is queued once however many nodes ask', async () => {
    const url = await freshPostgresUrl();
    const nodes = [await openDatabase({ databaseUrl: url, dataDir: '/nonexistent' }, log), await openDatabase({ databaseUrl: url, dataDir: '/nonexistent' }, log)];
    const queues: JobQueue[] = [];
    try {
      for (const db of nodes) queues.push(await startJobQueue(db, log, testQueueOptions));
      const runs: Array<{ id: string; node: number }> = [];
      for (const [node, queue] of queues.entries()) {
        await queue.work('retention-sweep', async (job) => {
          runs.push({ id: job.id, node });
          await sleep(30);
        });
      }
      const sent = await Promise.all(Array.from({ length: 24 }, (_, n) => queues[n % 2]!.send('retention-sweep', { n })));
      await waitFor('every job to run', () => new Set(runs.map((run) => run.id)).size === sent.length, 30_000);
      await sleep(1500);
      const byJob = new Map<string, number>();
      for (const run of runs) byJob.set(run.id, (byJob.get(run.id) ?? 0) + 1);
      assert.deepEqual([...byJob.values()].filter((times) => times !== 1), [], 'each job ran exactly once');
      assert.deepEqual([...byJob.keys()].sort(), [...sent].map(String).sort());

      // A week: the longest slot catalog.retentionSweepMinutes allows.
      const slot = { singletonKey: 'retention', singletonSeconds: 10_080 * 60 };
      const asked = await Promise.all([queues[0]!.send('retention-sweep', {}, slot), queues[1]!.send('retention-sweep', {}, slot), queues[0]!.send('retention-sweep', {}, slot)]);
      assert.equal(asked.filter((id) => id !== null).length, 1, `one sweep queued for the slot: ${JSON.stringify(asked)}`);
    } finally {
      for (const queue of queues) await queue.close();
      for (const db of nodes) await db.close();
    }
  });
});

describe('the job queue on PGlite', { timeout: 60_000 }, () => {
  test('the embedded catalog runs the same queue: a job is sent, run and completed, and counted', async () => {
    const db = await openDatabase({ databaseUrl: 'memory://', dataDir: '/nonexistent' }, log);
    const queue = await startJobQueue(db, log, testQueueOptions);
    try {
      const done: string[] = [];
      // Both sent before any worker looks, so the first is still waiting when the second is sent.
      const id = (await queue.send('mp4-prepare', { recording: 'lesson-1-rec1' }, { singletonKey: 'lesson-1-rec1' }))!;
      assert.equal(await queue.send('mp4-prepare', { recording: 'lesson-1-rec1' }, { singletonKey: 'lesson-1-rec1' }), null, 'an MP4 already waiting is not queued twice');
      await queue.work<{ recording: string }>('mp4-prepare', async (job) => void done.push(job.data.recording));
      await waitFor('the job to complete', async () => (await jobState(db, id))?.state === 'completed');
      assert.deepEqual(done, ['lesson-1-rec1']);
      assert.deepEqual((await jobCounts(db)).map((counts) => counts.queue), ['mp4-prepare', 'retention-sweep', 'storage-policy']);
    } finally {
      await queue.close();
      await db.close();
    }
  });
});
