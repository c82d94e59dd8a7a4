-- The catalog: province -> cities -> schools -> classrooms; courses and the lessons of the
-- timetable; lesson sessions (what actually went live, on which ingest node); accounts and their
-- login sessions. Ids of classrooms and lessons are text because they appear in RTMP and media URLs.

create table provinces (
  id serial primary key,
  name text not null unique,
  created_at timestamptz not null default now()
);
insert into provinces (name) values ('Province');

create table cities (
  id serial primary key,
  province_id integer not null references provinces (id),
  name text not null,
  created_at timestamptz not null default now(),
  updated_at timestamptz not null default now(),
  constraint cities_name_unique unique (province_id, name)
);

create table schools (
  id serial primary key,
  city_id integer not null references cities (id),
  name text not null,
  created_at timestamptz not null default now(),
  updated_at timestamptz not null default now(),
  constraint schools_name_unique unique (city_id, name)
);

-- Keys are kept readable because a school admin must be able to copy them into an encoder;
-- ingest compares them as SHA-256 digests in constant time. school_id is null only for
-- classrooms created from the command line (--classroom ID:KEY) before an operator places them.
create table classrooms (
  id text primary key check (id ~ '^[a-z0-9][a-z0-9-]{0,62}$'),
  school_id integer references schools (id),
  name text not null,
  primary_key text not null unique check (primary_key ~ '^[A-Za-z0-9_-]{8,128}$'),
  backup_key text unique check (backup_key ~ '^[A-Za-z0-9_-]{8,128}$'),
  keys_rotated_at timestamptz not null default now(),
  created_at timestamptz not null default now(),
  updated_at timestamptz not null default now(),
  constraint classrooms_name_unique unique (school_id, name),
  constraint classrooms_keys_differ check (backup_key is null or backup_key <> primary_key)
);

create table accounts (
  id serial primary key,
  username text not null check (username ~ '^[A-Za-z0-9_.@-]{3,64}$'),
  display_name text not null,
  password_hash text not null,
  role text not null check (role in ('operator', 'school_admin', 'teacher', 'student')),
  school_id integer references schools (id),
  disabled boolean not null default false,
  created_at timestamptz not null default now(),
  updated_at timestamptz not null default now(),
  -- Operators belong to the province; school admins and teachers to one school.
  constraint accounts_school_for_role check (role in ('operator', 'student') or school_id is not null)
);
create unique index accounts_username_unique on accounts (lower(username));

-- Login sessions: only a SHA-256 of the token is stored, so a database leak gives no logins.
create table auth_sessions (
  token_hash text primary key,
  account_id integer not null references accounts (id) on delete cascade,
  created_at timestamptz not null default now(),
  expires_at timestamptz not null
);
create index auth_sessions_account on auth_sessions (account_id);

create table courses (
  id serial primary key,
  school_id integer not null references schools (id),
  title text not null,
  subject text not null,
  grade text not null,
  teacher_account_id integer references accounts (id) on delete set null,
  teacher_name text not null default '',
  description text not null default '',
  created_at timestamptz not null default now(),
  updated_at timestamptz not null default now(),
  constraint courses_title_unique unique (school_id, title)
);

create table courseware_files (
  id serial primary key,
  course_id integer not null references courses (id) on delete cascade,
  name text not null,
  content_type text not null,
  size_bytes integer not null,
  stored_name text not null,
  created_at timestamptz not null default now(),
  constraint courseware_name_unique unique (course_id, name)
);

-- A lesson is a timetable entry (scheduled) or an ad-hoc lesson opened by a publish outside any
-- scheduled window (no course, no planned end).
create table lessons (
  id text primary key check (id ~ '^[a-z0-9][a-z0-9-]{0,95}$'),
  course_id integer references courses (id),
  classroom_id text not null references classrooms (id),
  title text not null,
  starts_at timestamptz not null,
  ends_at timestamptz,
  latency_mode text not null default 'normal' check (latency_mode in ('low', 'normal', 'high')),
  visibility text not null default 'public' check (visibility in ('public', 'school', 'protected')),
  state text not null default 'scheduled' check (state in ('scheduled', 'live', 'ended')),
  ad_hoc boolean not null default false,
  went_live_at timestamptz,
  ended_at timestamptz,
  created_at timestamptz not null default now(),
  updated_at timestamptz not null default now(),
  constraint lessons_scheduled_have_end check (ad_hoc or ends_at is not null),
  constraint lessons_end_after_start check (ends_at is null or ends_at > starts_at)
);
create index lessons_starts_at on lessons (starts_at);
create index lessons_classroom_starts_at on lessons (classroom_id, starts_at);
create index lessons_state on lessons (state) where state <> 'ended';

-- Each time a lesson went live on an ingest node (a reconnect inside the grace period stays in one).
create table lesson_sessions (
  id serial primary key,
  lesson_id text not null references lessons (id) on delete cascade,
  ingest_node text not null,
  started_at timestamptz not null default now(),
  ended_at timestamptz
);
create index lesson_sessions_lesson on lesson_sessions (lesson_id);

-- What each classroom's encoder is doing, written by the ingest node carrying it, so the school
-- page can show it whichever process serves the page.
create table encoder_status (
  classroom_id text primary key references classrooms (id) on delete cascade,
  ingest_node text not null,
  lesson_id text,
  connected boolean not null,
  remote_address text,
  key_kind text check (key_kind in ('primary', 'backup')),
  bitrate_kbps real,
  fps real,
  width integer,
  height integer,
  updated_at timestamptz not null default now()
);

-- Change counters other processes poll to refresh their caches (ingest's stream keys): cheaper
-- than reloading the table, and the same on PostgreSQL and PGlite.
create table catalog_versions (
  name text primary key,
  version bigint not null default 0
);
insert into catalog_versions (name) values ('classrooms'), ('lessons');

create function bump_catalog_version() returns trigger language plpgsql as $$
begin
  update catalog_versions set version = version + 1 where name = tg_argv[0];
  return null;
end $$;

create trigger classrooms_changed after insert or update or delete on classrooms
  for each statement execute function bump_catalog_version('classrooms');
create trigger lessons_changed after insert or update or delete on lessons
  for each statement execute function bump_catalog_version('lessons');
