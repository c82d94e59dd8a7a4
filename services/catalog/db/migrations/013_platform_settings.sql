-- Settings an operator changes while the platform runs, one row each: for now `time_zone`, the
-- province's time zone (an IANA name) the pages show times in and the timetable's days follow. No
-- row: the configuration's web.timeZone.
create table platform_settings (
  name text primary key,
  value text not null,
  updated_at timestamptz not null default now()
);
