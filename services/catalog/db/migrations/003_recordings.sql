-- Recordings: every lesson session is recorded by default (from the moment it goes live, or from
-- its scheduled start when the encoder pushed early), and a teacher or operator can stop and start
-- recording by hand, so a lesson may have several. When the lesson ends, each of its recordings
-- becomes a replay under /vod/<id>/ (state ready), or failed when it held no media.
create sequence recording_numbers;

create table recordings (
  id text primary key check (id ~ '^[a-z0-9][a-z0-9-]{0,127}$'),
  -- A lesson with recordings can't be deleted: delete its recordings first (their files go with them).
  lesson_id text not null references lessons (id),
  state text not null default 'recording' check (state in ('recording', 'ready', 'failed')),
  started_at timestamptz not null,
  -- Set when recording stops (by hand, or when the lesson ends); null while it is still recording.
  ended_at timestamptz,
  duration_seconds real,
  size_bytes bigint,
  segment_count integer,
  renditions text[] not null default '{}',
  pinned boolean not null default false,
  -- Where the replay is, relative to the data directory (vod/<id>).
  storage_path text not null,
  failure text,
  mp4_state text not null default 'none' check (mp4_state in ('none', 'preparing', 'ready', 'failed')),
  mp4_progress real not null default 0,
  mp4_size_bytes bigint,
  mp4_failure text,
  manual boolean not null default false,
  created_at timestamptz not null default now(),
  updated_at timestamptz not null default now(),
  constraint recordings_end_after_start check (ended_at is null or ended_at >= started_at)
);
create index recordings_lesson on recordings (lesson_id, started_at);
-- At most one recording of a lesson is running at a time.
create unique index recordings_one_running on recordings (lesson_id) where state = 'recording' and ended_at is null;
