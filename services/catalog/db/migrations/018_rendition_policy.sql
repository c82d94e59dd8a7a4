-- The storage policy (services/core/rendition-policy.ts): which renditions a replay keeps as it ages.
-- A school's own steps (null: the platform's, storage.renditionPolicy.steps), as the API checked them:
-- a JSON array of {"afterDays": n, "keep": "all" | ["top", "lowest", "720p", ...]}, by afterDays.
alter table schools add column rendition_steps jsonb null
  check (rendition_steps is null or jsonb_typeof(rendition_steps) = 'array');

-- What the policy did to each replay (services/catalog/recordings/rendition-policy-job.ts). A dropped
-- rendition leaves the master playlist first (`renditions` then lists what is kept) and waits in
-- renditions_leaving, with its size, until renditions_leave_at (the grace, so players holding the old
-- master play on); then its files go, it moves to renditions_dropped and its bytes to policy_freed_bytes.
alter table recordings add column renditions_leaving text[] not null default '{}';
alter table recordings add column renditions_leaving_bytes bigint not null default 0;
alter table recordings add column renditions_leave_at timestamptz null;
alter table recordings add column renditions_dropped text[] not null default '{}';
alter table recordings add column policy_freed_bytes bigint not null default 0;
create index recordings_leaving on recordings (renditions_leave_at) where renditions_leave_at is not null;
-- The step last applied to the replay (as its steps had it): a replay is looked at again only when
-- the step in force for its age differs, so a sweep over a province's replays reads few of them.
alter table recordings add column policy_step jsonb null;
