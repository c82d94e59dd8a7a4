-- Retention: ended lessons' recordings are deleted once older than their school's retention (or the
-- platform default when a school sets none, or a lesson has no school), unless pinned. The sweeper
-- (services/catalog/recordings/retention-sweep.ts) never deletes a recording of a live lesson.
alter table schools add column recording_retention_days integer null
  check (recording_retention_days is null or recording_retention_days between 1 and 36500);
-- The sweeper looks for old unpinned recordings.
create index recordings_unpinned_by_end on recordings (ended_at) where not pinned;
