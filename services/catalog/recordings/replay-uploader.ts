// Moves an ingest node's finished replays to the bucket (storage.kind 's3'): each pass looks at the
// replay folders on this node's disk, uploads those the catalog says are ready and still local
// (replay-upload.ts checks every object), marks them 'bucket', and only then removes the local copy.
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
import { markUploaded, markUploadFailed, requestBucketDeletion, uploadCandidates } from '../queries/replay-locations.ts';

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
};

export type ReplayUploader = {
  /** Runs a pass soon (a lesson just ended); passes never overlap. */
  kick(): void;
  /** Resolves when the passes asked for so far are done (tests, shutdown). */
  settled(): Promise<void>;
  close(): Promise<void>;
};

export function startReplayUploader(options: UploaderOptions): ReplayUploader {
  let running: Promise<void> = Promise.resolve();
  let queued = false;
  let closed = false;
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
    settled: () => running,
    async close() {
      closed = true;
      clearInterval(timer);
      await running;
    },
  };
}

/** One look at the node's replay folders; returns the ids moved to the bucket. */
export async function uploadPass(options: UploaderOptions): Promise<string[]> {
  const { db, vodDir, bucket, log } = options;
  const names = await readdir(vodDir).catch((error: NodeJS.ErrnoException) => {
    if (error.code === 'ENOENT') return [] as string[];
    throw error;
  });
  const moved: string[] = [];
  for (const candidate of await uploadCandidates(db, names.filter(isSafePathPart))) {
    const folder = resolveMediaPath(vodDir, [candidate.id]);
    // Uploaded and marked before a crash took the node down ahead of removing its copy.
    if (candidate.location === 'bucket') {
      await rm(folder, { recursive: true, force: true });
      continue;
    }
    if (!candidate.uploadable) continue;
    if (options.stopping?.()) break;
    const started = Date.now();
    try {
      const summary = await uploadReplayFolder(bucket, folder, candidate.storagePath, options.concurrency);
      const outcome = await markUploaded(db, candidate.id);
      if (outcome === 'busy') continue;
      if (outcome === 'gone') await requestBucketDeletion(db, candidate.storagePath);
      await rm(folder, { recursive: true, force: true });
      if (outcome === 'moved') moved.push(candidate.id);
      const seconds = (Date.now() - started) / 1000;
      log.info(outcome === 'moved' ? 'replay moved to the bucket' : 'replay uploaded after its recording was deleted; its objects are queued for deletion', {
        recording: candidate.id,
        files: summary.files,
        bytes: summary.bytes,
        seconds: Math.round(seconds * 10) / 10,
        mbPerSecond: Math.round((summary.bytes / 1e6 / Math.max(seconds, 0.001)) * 10) / 10,
      });
    } catch (error) {
      const failure = `upload to ${bucket.describe} failed: ${(error as Error).message}`;
      log.warn('replay upload failed; the replay stays on this node and is tried again', { recording: candidate.id, error: failure });
      await markUploadFailed(db, candidate.id, failure, { retrySeconds: options.retrySeconds, maxSeconds: options.retryMaxSeconds });
    }
  }
  return moved;
}
