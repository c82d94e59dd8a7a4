-- Ingest nodes and which one carries each classroom. Every ingest node writes its row at start and
-- every ingest.heartbeatSeconds (seen_at); a node whose seen_at is older than ingest.nodeDownSeconds
-- is down, and its classrooms move to an up node at their next publish. A clean shutdown removes the
-- row and un-assigns its classrooms at once. Times are the database's, so nodes' clocks don't matter.
create table ingest_nodes (
  id text primary key,
  -- Where encoders push on this node, without the stream key (rtmp://host:port/live).
  rtmp_url text not null,
  -- This node's origin, which serves the lessons it carries (http://host:port).
  http_url text not null,
  started_at timestamptz not null default now(),
  seen_at timestamptz not null default now()
);
-- The classroom's assigned node. No foreign key: nodes come and go, and a classroom assigned to a
-- node that is gone is simply assigned again.
alter table classrooms add column ingest_node text null;
