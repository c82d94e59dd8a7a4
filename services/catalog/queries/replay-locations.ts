// Where each recording's files are ('local' on its node, or 'bucket') and how its upload is going
// (migrations/014_replay_storage.sql), and the bucket folders of deleted recordings still to empty.
import type { Queryable } from '../db/database.ts';

export type ReplayLocation = 'local' | 'bucket';

export type UploadCandidate = { id: string; storagePath: string; location: ReplayLocation; uploadable: boolean };

/**
 * The rows of these recordings (those whose folders a node has on disk). `uploadable`: a finished
 * replay, still local, whose last failed upload has waited long enough, and whose MP4 is not being
 * written into its folder right now.
 */
export async function uploadCandidates(db: Queryable, ids: readonly string[]): Promise<UploadCandidate[]> {
  if (ids.length === 0) return [];
  const rows = await db.query<{ id: string; storage_path: string; location: ReplayLocation; uploadable: boolean }>(
    `select id, storage_path, location,
            (state = 'ready' and location = 'local' and mp4_state <> 'preparing' and (upload_retry_at is null or upload_retry_at <= now())) as uploadable
       from recordings where id = any($1::text[]) order by ended_at nulls last, id`,
    [ids],
  );
  return rows.map((row) => ({ id: row.id, storagePath: row.storage_path, location: row.location, uploadable: row.uploadable }));
}

/**
 * After a checked upload: 'moved' when the row now says 'bucket'; 'gone' when the recording was
 * deleted meanwhile (its objects must go too); 'busy' when its MP4 is being prepared in the local
 * folder (the upload is done again once it is ready, with the MP4). An MP4 preparation claims the
 * row before it looks where the files are (mp4-job.ts), so the two never both use the folder.
 */
export async function markUploaded(db: Queryable, id: string): Promise<'moved' | 'gone' | 'busy'> {
  const rows = await db.query(
    `update recordings set location = 'bucket', upload_failure = null, upload_retry_at = null, updated_at = now()
      where id = $1 and location = 'local' and mp4_state <> 'preparing' returning id`,
    [id],
  );
  if (rows.length > 0) return 'moved';
  const left = await db.query<{ location: ReplayLocation }>('select location from recordings where id = $1', [id]);
  if (left.length === 0) return 'gone';
  return left[0]!.location === 'bucket' ? 'moved' : 'busy';
}

/** A failed upload: why, and when to try again (`retrySeconds` doubled per earlier failure, at most `maxSeconds`). */
export async function markUploadFailed(db: Queryable, id: string, failure: string, retry: { retrySeconds: number; maxSeconds: number }): Promise<void> {
  await db.query(
    `update recordings set upload_attempts = upload_attempts + 1, upload_failure = $2,
            upload_retry_at = now() + make_interval(secs => least($4::float8, $3::float8 * power(2, least(upload_attempts, 30))))
      where id = $1`,
    [id, failure.slice(0, 2000), retry.retrySeconds, retry.maxSeconds],
  );
}

export type FailingUpload = { id: string; lessonId: string; attempts: number; failure: string; failingSince: number };

/** Replays whose last upload failed: they wait on their node's disk (the dashboard's alarm). */
export async function failingUploads(db: Queryable): Promise<FailingUpload[]> {
  const rows = await db.query<{ id: string; lesson_id: string; upload_attempts: number; upload_failure: string; ended_at: Date }>(
    "select id, lesson_id, upload_attempts, upload_failure, ended_at from recordings where location = 'local' and upload_failure is not null order by ended_at, id limit 100",
  );
  return rows.map((row) => ({ id: row.id, lessonId: row.lesson_id, attempts: row.upload_attempts, failure: row.upload_failure, failingSince: new Date(row.ended_at).getTime() }));
}

export async function locationOf(db: Queryable, id: string): Promise<ReplayLocation | undefined> {
  const rows = await db.query<{ location: ReplayLocation }>('select location from recordings where id = $1', [id]);
  return rows[0]?.location;
}

/** A bucket folder to empty: its recording's row is gone. */
export async function requestBucketDeletion(db: Queryable, storagePath: string): Promise<void> {
  await db.query('insert into bucket_deletions (storage_path) values ($1) on conflict (storage_path) do nothing', [storagePath]);
}

export async function pendingBucketDeletions(db: Queryable): Promise<string[]> {
  return (await db.query<{ storage_path: string }>('select storage_path from bucket_deletions order by requested_at limit 1000')).map((row) => row.storage_path);
}

export async function finishBucketDeletion(db: Queryable, storagePath: string, failure?: string): Promise<void> {
  if (failure === undefined) await db.query('delete from bucket_deletions where storage_path = $1', [storagePath]);
  else await db.query('update bucket_deletions set attempts = attempts + 1, failure = $2 where storage_path = $1', [storagePath, failure.slice(0, 2000)]);
}
