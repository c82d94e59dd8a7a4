// Runs one replay's MP4 preparation in this process and keeps the catalog's copy of its progress
// up to date (written at most about once a second), so any catalog process can answer how far it is.
import { join, resolve } from 'node:path';
import type { Config } from '../../core/config/schema.ts';
import { findMediaTool } from '../../core/ffmpeg-binary.ts';
import type { Logger } from '../../core/log.ts';
import { exportMp4 } from '../../replay/mp4-export.ts';
import type { Queryable } from '../db/database.ts';
import { finishMp4, setMp4Progress } from '../queries/recordings.ts';

const progressWriteMs = 1000;

/** Where a recording's files are: its storage path under the data directory. */
export const recordingDir = (config: Config, storagePath: string) => join(resolve(config.dataDir), storagePath);

/** Starts the job and returns at once; the outcome goes to the catalog (ready or failed). */
export function startMp4Job(db: Queryable, config: Config, log: Logger, recording: { id: string; storagePath: string; durationSeconds: number }): void {
  let lastWrite = 0;
  let writing = Promise.resolve();
  const job = async () => {
    const sizeBytes = await exportMp4({
      ffmpegPath: findMediaTool('ffmpeg', config.ffmpegPath),
      replayDir: recordingDir(config, recording.storagePath),
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
  const started = Date.now();
  void job()
    .then(async (sizeBytes) => {
      await finishMp4(db, recording.id, { sizeBytes });
      log.info('replay mp4 ready', { recording: recording.id, sizeBytes, seconds: Math.round((Date.now() - started) / 100) / 10 });
    })
    .catch(async (error: Error) => {
      log.error('replay mp4 failed', { recording: recording.id, error });
      await finishMp4(db, recording.id, { failure: error.message }).catch((dbError: unknown) => log.error('mp4 failure not written', { recording: recording.id, error: dbError }));
    });
}
