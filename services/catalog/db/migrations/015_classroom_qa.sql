-- The live classroom's questions and comments (issue 19): what viewers post during a lesson, their
-- upvotes, and what the lesson's teacher does with them (answer in text, pin, mark answered, hide,
-- mute the author for the lesson), plus each lesson's Q&A settings (slow mode, questions closed,
-- anonymous posting). Kept with the lesson: replays show its pinned and answered items.
create table lesson_qa_settings (
  lesson_id text primary key references lessons (id) on delete cascade,
  -- Seconds each author waits between two posts in this lesson; 0: no slow mode.
  slow_mode_seconds integer not null default 0 check (slow_mode_seconds between 0 and 3600),
  questions_closed boolean not null default false,
  -- Whether viewers who are not signed in may post and vote, under a display name.
  anonymous_allowed boolean not null default false,
  updated_at timestamptz not null default now()
);

create table qa_items (
  id serial primary key,
  lesson_id text not null references lessons (id) on delete cascade,
  kind text not null check (kind in ('question', 'comment')),
  body text not null check (char_length(body) between 1 and 2000),
  account_id integer references accounts (id) on delete set null,
  -- The name shown: the account's display name, or the one an anonymous viewer gave.
  author_name text not null check (char_length(author_name) between 1 and 120),
  -- Who posted, for mutes and slow mode: 'account:<id>' or 'address:<ip>' (never shown to viewers).
  author_key text not null,
  votes integer not null default 0 check (votes >= 0),
  created_at timestamptz not null default now(),
  pinned_at timestamptz,
  answered_at timestamptz,
  answer text check (answer is null or char_length(answer) <= 2000),
  answered_by integer references accounts (id) on delete set null,
  hidden_at timestamptz
);
create index qa_items_lesson on qa_items (lesson_id, id);
create index qa_items_author on qa_items (lesson_id, author_key, created_at desc);

-- One upvote per voter and question; voter_key as author_key.
create table qa_votes (
  item_id integer not null references qa_items (id) on delete cascade,
  voter_key text not null,
  created_at timestamptz not null default now(),
  primary key (item_id, voter_key)
);

-- Authors the teacher muted for one lesson: their posts and votes there are refused.
create table lesson_qa_mutes (
  lesson_id text not null references lessons (id) on delete cascade,
  author_key text not null,
  muted_by integer references accounts (id) on delete set null,
  created_at timestamptz not null default now(),
  primary key (lesson_id, author_key)
);
