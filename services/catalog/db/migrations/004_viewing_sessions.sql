-- Finished viewing sessions, reported by the watch page through the tier it played from, for the
-- operators' history: how long a viewer watched a lesson, how much of it stalled, and where the
-- bytes came from. City and school are the lesson's (its classroom's school), looked up when stored.
-- No viewer identity is kept.
create table viewing_sessions (
  id bigserial primary key,
  lesson_id text not null references lessons (id) on delete cascade,
  city_id integer references cities (id) on delete set null,
  school_id integer references schools (id) on delete set null,
  -- The node that took the viewer's reports (a relay, or the origin).
  node text not null,
  started_at timestamptz not null,
  -- Playing plus stalled time; fluency = 1 - stall_seconds / watch_seconds, null when nothing played.
  watch_seconds real not null check (watch_seconds >= 0),
  stall_seconds real not null check (stall_seconds >= 0),
  fluency real check (fluency between 0 and 1),
  http_bytes bigint not null check (http_bytes >= 0),
  p2p_bytes bigint not null check (p2p_bytes >= 0),
  created_at timestamptz not null default now()
);
create index viewing_sessions_lesson on viewing_sessions (lesson_id);
create index viewing_sessions_created_at on viewing_sessions (created_at);
