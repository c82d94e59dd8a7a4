// Runs one replay's MP4 preparation in this process and keeps the catalog's copy of its progress
// up to date (written at most about once a second), so any catalog process can answer how far it is.
// A replay still on disk gets its MP4 beside it (the uploader takes both to the bucket later); a
// replay already in the bucket has its best rendition fetched into a scratch folder, and the MP4 is
// uploaded (and checked) beside the replay's objects. Where the replay is, is read after the claim
// (claimMp4), which stops the uploader from moving the folder meanwhile (replay-locations.ts).
import { randomUUID } from 'node:crypto';
import { mkdir, rm } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import type { Config } from '../../core/config/schema.ts';
import { findMediaTool } from '../../core/ffmpeg-binary.ts';
import type { Logger } from '../../core/log.ts';
import { downloadBestRendition } from '../../replay/bucket-rendition.ts';
import { exportMp4, mp4FileName } from '../../replay/mp4-export.ts';
import type { ReplayBucket } from '../../replay/replay-bucket.ts';
import type { Queryable } from '../db/database.ts';
import { finishMp4, setMp4Progress } from '../queries/recordings.ts';
import { locationOf } from '../queries/replay-locations.ts';
import { replayBucketFrom } from './replay-storage.ts';

const progressWriteMs = 1000;

/** Where a recording's files are: its storage path under the data directory. */
export const recordingDir = (config: Config, storagePath: string) => join(resolve(config.dataDir), storagePath);

export type Mp4Recording = { id: string; storagePath: string; durationSeconds: number };

/** Starts the job in this process and returns at once; the outcome goes to the catalog (ready or failed). */
export function startMp4Job(db: Queryable, config: Config, log: Logger, recording: Mp4Recording): void {
  void runMp4Job(db, config, log, recording, { recordFailure: true });
}

/**
 * Prepares the MP4 and records it ready. A failure is recorded (and the promise resolves) when
 * `recordFailure`; otherwise it is thrown, for the job queue to try again (jobs/catalog-jobs.ts).
 */
export async function runMp4Job(db: Queryable, config: Config, log: Logger, recording: Mp4Recording, options: { recordFailure: boolean }): Promise<void> {
  let lastWrite = 0;
  let writing = Promise.resolve();
  const exportIn = async (replayDir: string) => {
    const sizeBytes = await exportMp4({
      ffmpegPath: findMediaTool('ffmpeg', config.ffmpegPath),
      replayDir,
      recordingId: recording.id,
      durationSeconds: recording.durationSeconds,
      onProgress(percent) {
        if (Date.now() - lastWrite < progressWriteMs) return;
        lastWrite = Date.now();
        writing = writing.then(() => setMp4Progress(db, recording.id, percent)).catch((error: unknown) => log.warn('mp4 progress not written', { recording: recording.id, error }));
      },
    });
    await writing;
    return sizeBytes;
  };
  const job = async () => {
    if ((await locationOf(db, recording.id)) === 'bucket') {
      const bucket = bucketOrExplain(config, recording.id);
      try {
        return await exportFromBucket(bucket, config, recording, exportIn);
      } finally {
        bucket.close();
      }
    }
    return exportIn(recordingDir(config, recording.storagePath));
  };
  const started = Date.now();
  let sizeBytes: number;
  try {
    sizeBytes = await job();
  } catch (error) {
    if (!options.recordFailure) throw error;
    log.error('replay mp4 failed', { recording: recording.id, error });
    await finishMp4(db, recording.id, { failure: (error as Error).message }).catch((dbError: unknown) => log.error('mp4 failure not written', { recording: recording.id, error: dbError }));
    return;
  }
  await finishMp4(db, recording.id, { sizeBytes });
  log.info('replay mp4 ready', { recording: recording.id, sizeBytes, seconds: Math.round((Date.now() - started) / 100) / 10 });
}

/** The replay's best rendition fetched into a scratch folder under dataDir/tmp, exported there, and the MP4 put in the bucket. */
async function exportFromBucket(bucket: ReplayBucket, config: Config, recording: { id: string; storagePath: string }, exportIn: (dir: string) => Promise<number>): Promise<number> {
  const scratch = join(resolve(config.dataDir), 'tmp', `mp4-${recording.id}-${randomUUID()}`);
  await mkdir(scratch, { recursive: true });
  try {
    await downloadBestRendition(bucket, recording.storagePath, scratch);
    await exportIn(scratch);
    const name = mp4FileName(recording.id);
    return await bucket.putFile(`${recording.storagePath}/${name}`, join(scratch, name), 'video/mp4');
  } finally {
    await rm(scratch, { recursive: true, force: true });
  }
}

/** The bucket a replay moved to; an error that says what to configure when this process has none. */
export function bucketOrExplain(config: Config, recordingId: string): ReplayBucket {
  const bucket = replayBucketFrom(config.storage);
  if (!bucket) throw new Error(`recording ${recordingId} is in object storage, but this process has storage.kind 'local': give it the same storage section as the ingest nodes`);
  return bucket;
}
