-- The audit log: who created, changed, rotated or deleted what, and when (docs/api.md "Audit log").
-- One row per change request through the catalog API, written before the change runs and completed
-- with its outcome after, so no change lands without its row. Rows are kept: nothing deletes them.
-- No foreign key to accounts: an entry outlives the account that made it, so the username and role
-- are copied in. `fields` holds the names of the body fields sent, never their values.
create table audit_log (
  id bigint generated always as identity primary key,
  at timestamptz not null default now(),
  account_id integer,
  username text,
  role text,
  action text not null,
  resource text not null,
  resource_id text,
  path text not null,
  fields text[] not null default '{}',
  client_ip text,
  -- The HTTP status the change answered; null while it runs (or if the process died during it).
  status integer
);
create index audit_log_at on audit_log (at desc, id desc);
create index audit_log_account on audit_log (account_id, at desc);
create index audit_log_resource on audit_log (resource, resource_id, at desc);
