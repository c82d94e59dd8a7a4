// Retention: deletes the recordings kept longer than their school's retention (schools.
// recording_retention_days, or the platform default when the school sets none or the lesson's
// classroom has no school), counted from when the recording stopped. Pinned recordings stay, and so
// does every recording of a lesson that is live: the check is part of the delete, so a lesson that
// goes live while the sweep runs is never touched. The row goes first, then the replay's folder, as
// an operator's delete does (recordings-routes.ts): a folder left by a failure is never listed again.
// With replays in a bucket, the same statement queues each deleted recording's bucket folder
// (bucket_deletions), so a store that is unreachable now has it emptied at a later sweep.
import { rm } from 'node:fs/promises';
import type { Logger } from '../../core/log.ts';
import { resolveMediaPath } from '../../core/media-path.ts';
import type { ReplayBucket } from '../../replay/replay-bucket.ts';
import type { Queryable } from '../db/database.ts';
import { finishBucketDeletion, pendingBucketDeletions } from '../queries/replay-locations.ts';

export const retentionDefaults = { days: 180, sweepMinutes: 60 };

export type SweepOptions = {
  /** Days a recording is kept when its school sets nothing. */
  defaultDays?: number;
  log?: Logger;
  /** Where replays moved to (storage.kind 's3'); their folders there are deleted too. */
  bucket?: ReplayBucket;
};

/** Deletes what retention allows at `now`; returns the deleted recordings' ids. */
export async function sweepRecordings(db: Queryable, now: Date, vodDir: string, options: SweepOptions = {}): Promise<string[]> {
  const defaultDays = options.defaultDays ?? retentionDefaults.days;
  const deleted = await db.query<{ id: string; lesson_id: string }>(
    `with deleted as (
       delete from recordings g
        using lessons l left join classrooms r on r.id = l.classroom_id left join schools s on s.id = r.school_id
        where l.id = g.lesson_id
          and not g.pinned
          and g.state in ('ready', 'failed')
          and g.ended_at is not null
          and l.state <> 'live'
          and g.ended_at < $1::timestamptz - make_interval(days => coalesce(s.recording_retention_days, $2::integer))
        returning g.id, g.lesson_id, g.storage_path
     ), queued as (
       insert into bucket_deletions (storage_path) select storage_path from deleted where $3::boolean on conflict (storage_path) do nothing
     )
     select id, lesson_id from deleted`,
    [now, defaultDays, options.bucket !== undefined],
  );
  for (const { id, lesson_id: lessonId } of deleted) {
    await rm(resolveMediaPath(vodDir, [id]), { recursive: true, force: true });
    options.log?.info('recording deleted by retention', { recording: id, lesson: lessonId });
  }
  if (options.bucket) await emptyDeletedFolders(db, options.bucket, options.log);
  return deleted.map((row) => row.id);
}

/**
 * Empties the bucket folders of deleted recordings; one the store refuses stays queued, with why,
 * for the next sweep, and so do the ones after it. `only`: these queued folders, not every one. Returns how many were emptied.
 */
export async function emptyDeletedFolders(db: Queryable, bucket: ReplayBucket, log?: Logger, only?: readonly string[]): Promise<number> {
  let emptied = 0;
  for (const storagePath of only ?? (await pendingBucketDeletions(db))) {
    try {
      const objects = await bucket.deleteFolder(`${storagePath}/`);
      await finishBucketDeletion(db, storagePath);
      emptied += 1;
      log?.info('replay deleted from the bucket', { storagePath, objects });
    } catch (error) {
      log?.warn('replay not deleted from the bucket yet; tried again at the next sweep', { storagePath, error: (error as Error).message });
      await finishBucketDeletion(db, storagePath, (error as Error).message);
      // The store is most likely down: the rest wait for the next sweep rather than each time out now.
      break;
    }
  }
  return emptied;
}

export type RetentionSweeper = { close(): Promise<void> };

/** Sweeps now and then every `sweepMinutes`; a failed sweep is logged and tried again next time. */
export function startRetentionSweeper(db: Queryable, vodDir: string, options: SweepOptions & { sweepMinutes?: number; log: Logger }): RetentionSweeper {
  let running: Promise<unknown> = Promise.resolve();
  const sweep = () => {
    running = running
      .then(() => sweepRecordings(db, new Date(), vodDir, options))
      .catch((error: unknown) => options.log.error('retention sweep failed', { error }));
  };
  sweep();
  const timer = setInterval(sweep, (options.sweepMinutes ?? retentionDefaults.sweepMinutes) * 60_000);
  timer.unref();
  return {
    async close() {
      clearInterval(timer);
      await running;
    },
  };
}
