// Where this node's finished replays go (storage.kind): with 'local' they stay under dataDir/vod and
// nothing runs; with 's3' the bucket is opened and the uploader moves them there in the background.
import type { StorageConfig } from '../../core/config/schema.ts';
import type { Logger } from '../../core/log.ts';
import { openReplayBucket, type ReplayBucket } from '../../replay/replay-bucket.ts';
import type { Queryable } from '../db/database.ts';
import { startReplayUploader, type ReplayUploader } from './replay-uploader.ts';

export type ReplayStorage = {
  /** Undefined with local storage. */
  bucket: ReplayBucket | undefined;
  uploader: ReplayUploader | undefined;
  /** A lesson's replays were just written: move them soon. */
  replaysWritten(): void;
  close(): Promise<void>;
};

/** The bucket alone, for the catalog (serving MP4s, deleting): undefined with local storage. */
export function replayBucketFrom(storage: StorageConfig): ReplayBucket | undefined {
  return storage.kind === 's3' && storage.s3 ? openReplayBucket(storage.s3) : undefined;
}

export function startReplayStorage(storage: StorageConfig, db: Queryable, vodDir: string, log: Logger): ReplayStorage {
  const bucket = replayBucketFrom(storage);
  const uploader =
    bucket &&
    startReplayUploader({
      db,
      vodDir,
      bucket,
      log: log.child({ part: 'replay-upload' }),
      retrySeconds: storage.uploadRetrySeconds,
      retryMaxSeconds: storage.uploadRetryMaxSeconds,
      concurrency: storage.s3?.uploadConcurrency ?? 8,
    });
  if (bucket) log.info('finished replays move to object storage', { store: bucket.describe });
  return {
    bucket,
    uploader,
    replaysWritten: () => uploader?.kick(),
    async close() {
      await uploader?.close();
      bucket?.close();
    },
  };
}
