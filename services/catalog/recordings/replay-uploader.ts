// Moves an ingest node's finished replays to the bucket (storage.kind 's3'): each pass looks at the
// replay folders on this node's disk and, for those the catalog says are ready and still local,
// sends an upload job to this node's queue on the durable job queue (replay-upload.<node>, shown on
// the dashboard; one waiting per replay); the job uploads (replay-upload.ts checks every object),
// marks the recording 'bucket', and only then removes the local copy.
// A failed upload changes nothing on disk: the failure and the time of the next try go to the
// catalog (doubling per failure), where the dashboard's alarm reads them, and a later pass tries
// again, after a restart too, since the folder itself is the to-do list. Runs after every lesson
// end (`kick`) and every storage.uploadRetrySeconds.
import { readdir, rm } from 'node:fs/promises';
import type { Logger } from '../../core/log.ts';
import { isSafePathPart, resolveMediaPath } from '../../core/media-path.ts';
import type { ReplayBucket } from '../../replay/replay-bucket.ts';
import { uploadReplayFolder } from '../../replay/replay-upload.ts';
import type { Queryable } from '../db/database.ts';
import type { JobQueue } from '../jobs/job-queue.ts';
import { uploadQueueName, uploadQueuePolicy } from '../jobs/queues.ts';
import { markUploaded, markUploadFailed, requestBucketDeletion, uploadCandidates, type UploadCandidate } from '../queries/replay-locations.ts';

export type UploaderOptions = {
  db: Queryable;
  vodDir: string;
  bucket: ReplayBucket;
  log: Logger;
  retrySeconds: number;
  retryMaxSeconds: number;
  concurrency: number;
  /** True once the node is stopping: the pass ends after the replay under way. */
  stopping?: () => boolean;
  /** The durable job queue and this node's id (its upload queue). */
  queue: { jobs: JobQueue; node: string };
};

export type ReplayUploader = {
  /** Runs a pass soon (a lesson just ended); passes never overlap. */
  kick(): void;
  close(): Promise<void>;
};

export async function startReplayUploader(options: UploaderOptions): Promise<ReplayUploader> {
  const name = uploadQueueName(options.queue.node);
  let running: Promise<void> = Promise.resolve();
  let queued = false;
  let closed = false;
  // The upload under way, which closing waits for before the bucket goes.
  let uploading: Promise<unknown> = Promise.resolve();
  await options.queue.jobs.ensureQueue(name, uploadQueuePolicy);
  await options.queue.jobs.work<{ recording: string }>(name, async (job) => {
    // A job taken while stopping is left for the next start: the replay is still local, so the scan sends it again.
    if (closed) return;
    const [candidate] = await uploadCandidates(options.db, [job.data.recording]);
    if (!candidate?.uploadable) return;
    const outcome = uploadOne(options, candidate);
    uploading = outcome;
    if ((await outcome) === 'failed') throw new Error(`upload of ${candidate.id} failed; tried again when due`);
  });
  const kick = () => {
    if (queued || closed) return;
    queued = true;
    running = running.then(async () => {
      queued = false;
      await uploadPass({ ...options, stopping: () => closed }).catch((error: unknown) => options.log.error('replay upload pass failed', { error }));
    });
  };
  kick();
  const timer = setInterval(kick, options.retrySeconds * 1000);
  timer.unref();
  return {
    kick,
    async close() {
      closed = true;
      clearInterval(timer);
      await running;
      await options.queue.jobs.stopWorking(name);
      await uploading;
    },
  };
}

/** One look at the node's replay folders: an upload job for each replay due to move. */
async function uploadPass(options: UploaderOptions): Promise<void> {
  const { db, vodDir } = options;
  const names = await readdir(vodDir).catch((error: NodeJS.ErrnoException) => {
    if (error.code === 'ENOENT') return [] as string[];
    throw error;
  });
  for (const candidate of await uploadCandidates(db, names.filter(isSafePathPart))) {
    const folder = resolveMediaPath(vodDir, [candidate.id]);
    // Uploaded and marked before a crash took the node down ahead of removing its copy.
    if (candidate.location === 'bucket') {
      await rm(folder, { recursive: true, force: true });
      continue;
    }
    if (!candidate.uploadable) continue;
    if (options.stopping?.()) break;
    await options.queue.jobs.send(uploadQueueName(options.queue.node), { recording: candidate.id }, { singletonKey: candidate.id });
  }
}

/** Uploads one replay, then marks it and removes the local copy; a failure is recorded with its next try. */
async function uploadOne(options: UploaderOptions, candidate: UploadCandidate): Promise<'moved' | 'gone' | 'busy' | 'failed'> {
  const { db, vodDir, bucket, log } = options;
  const folder = resolveMediaPath(vodDir, [candidate.id]);
  const started = Date.now();
  try {
    const summary = await uploadReplayFolder(bucket, folder, candidate.storagePath, options.concurrency);
    const outcome = await markUploaded(db, candidate.id);
    if (outcome === 'busy') return outcome;
    if (outcome === 'gone') await requestBucketDeletion(db, candidate.storagePath);
    await rm(folder, { recursive: true, force: true });
    const seconds = (Date.now() - started) / 1000;
    log.info(outcome === 'moved' ? 'replay moved to the bucket' : 'replay uploaded after its recording was deleted; its objects are queued for deletion', {
      recording: candidate.id,
      files: summary.files,
      bytes: summary.bytes,
      seconds: Math.round(seconds * 10) / 10,
      mbPerSecond: Math.round((summary.bytes / 1e6 / Math.max(seconds, 0.001)) * 10) / 10,
    });
    return outcome;
  } catch (error) {
    const failure = `upload to ${bucket.describe} failed: ${(error as Error).message}`;
    log.warn('replay upload failed; the replay stays on this node and is tried again', { recording: candidate.id, error: failure });
    await markUploadFailed(db, candidate.id, failure, { retrySeconds: options.retrySeconds, maxSeconds: options.retryMaxSeconds });
    return 'failed';
  }
}
