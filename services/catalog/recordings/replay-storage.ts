// Where this node's finished replays go (storage.kind): with 'local' they stay under dataDir/vod and
// nothing runs; with 's3' the bucket is opened and the uploader moves them there in the background.
import type { StorageConfig } from '../../core/config/schema.ts';
import type { Logger } from '../../core/log.ts';
import { openReplayBucket, type ReplayBucket } from '../../replay/replay-bucket.ts';
import type { Queryable } from '../db/database.ts';
import type { JobQueue } from '../jobs/job-queue.ts';
import { startReplayUploader } from './replay-uploader.ts';

export type ReplayStorage = {
  /** Undefined with local storage. */
  bucket: ReplayBucket | undefined;
  /** A lesson's replays were just written: move them soon. */
  replaysWritten(): void;
  close(): Promise<void>;
};

/** The bucket alone, for the catalog (serving MP4s, deleting): undefined with local storage. */
export function replayBucketFrom(storage: StorageConfig): ReplayBucket | undefined {
  return storage.kind === 's3' && storage.s3 ? openReplayBucket(storage.s3) : undefined;
}

/** `queue`: the durable job queue and this node's id, where the uploads run (replay-uploader.ts); needed with 's3'. */
export async function startReplayStorage(storage: StorageConfig, db: Queryable, vodDir: string, log: Logger, queue?: { jobs: JobQueue; node: string }): Promise<ReplayStorage> {
  const bucket = replayBucketFrom(storage);
  if (bucket && !queue) {
    bucket.close();
    throw new Error("storage.kind 's3' needs the job queue for its uploads: the ingest role starts one");
  }
  const uploader =
    bucket &&
    queue &&
    (await startReplayUploader({
      db,
      vodDir,
      bucket,
      log: log.child({ part: 'replay-upload' }),
      retrySeconds: storage.uploadRetrySeconds,
      retryMaxSeconds: storage.uploadRetryMaxSeconds,
      concurrency: storage.s3?.uploadConcurrency ?? 8,
      queue,
    }));
  if (bucket) log.info('finished replays move to object storage', { store: bucket.describe });
  return {
    bucket,
    replaysWritten: () => uploader?.kick(),
    async close() {
      await uploader?.close();
      bucket?.close();
    },
  };
}
