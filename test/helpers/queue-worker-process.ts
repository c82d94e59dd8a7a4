// One "node" of the job queue test (test/e2e/job-queue.test.ts), as its own process so the test
// can kill -9 it mid-job: it works the mp4-prepare queue with short expiries, writing a line to
// queue_test_runs when it takes a job, then either never finishes it ('hang') or finishes it ('finish').
// Usage: node --import tsx queue-worker-process.ts <DATABASE_URL> hang|finish
import { openDatabase } from '../../services/catalog/db/open-database.ts';
import { startJobQueue } from '../../services/catalog/jobs/job-queue.ts';
import { createLogger, setLogLevel } from '../../services/core/log.ts';
import { testQueueOptions } from './queue-test-options.ts';

const [url, mode] = process.argv.slice(2);
if (!url || (mode !== 'hang' && mode !== 'finish')) throw new Error('usage: queue-worker-process.ts <DATABASE_URL> hang|finish');
setLogLevel('warn');
const log = createLogger({ role: 'test-worker', node: `${mode}-${process.pid}` });
const db = await openDatabase({ databaseUrl: url, dataDir: '/nonexistent' }, log);
const queue = await startJobQueue(db, log, testQueueOptions);
await queue.work<{ n: number }>('mp4-prepare', async (job) => {
  await db.query('insert into queue_test_runs (job_id, worker, attempt) values ($1, $2, $3)', [job.id, `${mode}-${process.pid}`, job.attempt]);
  if (mode === 'hang') await new Promise(() => {});
});
process.stdout.write('working\n');
