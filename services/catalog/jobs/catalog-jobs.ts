// The catalog's background work (once per province, not per ingest node), on the durable queue:
// - retention sweeps: every catalog process asks for one each catalog.retentionSweepMinutes, as a
//   singleton for that slot, so however many catalogs run, one sweep runs per slot, on whichever
//   takes it (in the bucket too);
// - the storage policy (which renditions replays keep as they age), likewise one per
//   storage.renditionPolicy.sweepMinutes slot, on the replays where this catalog's storage keeps them;
// - MP4 preparations, sent by POST /recordings/:id/mp4 (recordings-routes.ts), one per recording
//   at a time; a preparation whose process died is taken again once it expires;
// - forgetting ingest nodes gone for good (a single idempotent statement, so it needs no queue).
import { join, resolve } from 'node:path';
import type { Config } from '../../core/config/schema.ts';
import type { Logger } from '../../core/log.ts';
import type { Database } from '../db/database.ts';
import { startNodeSweeper } from '../ingest/node-sweep.ts';
import { runMp4Job, type Mp4Recording } from '../recordings/mp4-job.ts';
import { applyRenditionPolicy } from '../recordings/rendition-policy-job.ts';
import { replayBucketFrom } from '../recordings/replay-storage.ts';
import { sweepRecordings } from '../recordings/retention-sweep.ts';
import { bucketReplayFiles, localReplayFiles } from '../../replay/replay-files.ts';
import type { JobQueue } from './job-queue.ts';

export type CatalogJobs = { close(): Promise<void> };

export async function startCatalogJobs(db: Database, config: Config, log: Logger, queue: JobQueue): Promise<CatalogJobs> {
  const bucket = replayBucketFrom(config.storage);
  const vodDir = join(resolve(config.dataDir), 'vod');
  const sweepSeconds = config.catalog.retentionSweepMinutes * 60;
  await queue.work('retention-sweep', async () => {
    await sweepRecordings(db, new Date(), vodDir, { defaultDays: config.catalog.recordingRetentionDays, log, ...(bucket ? { bucket } : {}) });
  });
  await queue.work<Mp4Recording>('mp4-prepare', async (job) => {
    // The last attempt records its failure, so the replay's MP4 shows failed rather than preparing for ever.
    await runMp4Job(db, config, log, job.data, { recordFailure: job.lastAttempt });
  });
  const policy = config.storage.renditionPolicy;
  const policySeconds = policy.sweepMinutes * 60;
  const files = bucket ? bucketReplayFiles(bucket) : localReplayFiles(resolve(config.dataDir));
  await queue.work('storage-policy', async () => {
    await applyRenditionPolicy(db, new Date(), { files, defaultSteps: policy.steps, graceMinutes: policy.graceMinutes, log });
  });
  const askForSweep = () =>
    void queue.send('retention-sweep', {}, { singletonKey: 'retention', singletonSeconds: sweepSeconds }).catch((error: unknown) => log.error('retention sweep not queued; asked again at the next slot', { error }));
  const askForPolicy = () =>
    void queue.send('storage-policy', {}, { singletonKey: 'storage-policy', singletonSeconds: policySeconds }).catch((error: unknown) => log.error('storage policy sweep not queued; asked again at the next slot', { error }));
  askForSweep();
  askForPolicy();
  const timer = setInterval(askForSweep, Math.min(sweepSeconds, 300) * 1000);
  timer.unref();
  const policyTimer = setInterval(askForPolicy, Math.min(policySeconds, 300) * 1000);
  policyTimer.unref();
  const nodes = startNodeSweeper(db, { forgetMinutes: config.ingest.nodeForgetMinutes, sweepSeconds: config.ingest.nodeSweepSeconds, log });
  return {
    async close() {
      clearInterval(timer);
      clearInterval(policyTimer);
      await nodes.close();
      bucket?.close();
    },
  };
}
