-- Where a replay's files are (storage.kind, services/replay/replay-bucket.ts): 'local' under the
-- recording node's dataDir/vod, or 'bucket' once every file has been uploaded to the S3-compatible
-- store and checked (size and MD5). An ingest node with storage.kind 's3' uploads its local replays
-- in the background; a failed upload leaves the replay where it is, says why here, and is tried again
-- after upload_retry_at (the dashboard raises an alarm while any upload is failing).
alter table recordings add column location text not null default 'local' check (location in ('local', 'bucket'));
alter table recordings add column upload_failure text null;
alter table recordings add column upload_attempts integer not null default 0;
alter table recordings add column upload_retry_at timestamptz null;
-- Bucket folders of deleted recordings (by an operator or retention) still to be emptied. The row of
-- the recording goes first, so a replay half deleted is never listed; the folder is emptied after,
-- and while the store is unreachable it waits here and is tried again at the next sweep.
create table bucket_deletions (
  storage_path text primary key,
  requested_at timestamptz not null default now(),
  attempts integer not null default 0,
  failure text null
);
