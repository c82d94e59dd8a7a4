-- What a classroom's source is missing to be served as it is sent (services/transcode/
-- source-fitness.ts), in words with the fix, for the school page: "keyframe interval 8.3 s: set 2 s
-- in your encoder (OBS: Output > Keyframe Interval = 2)". Null while the source is fit, or unknown.
alter table encoder_status add column advice text null;

-- Each ingest node's load, written with its heartbeat (node-heartbeat.ts), so a classroom is
-- assigned to the least loaded up node (classroom-assignment.ts) and the dashboard shows which node
-- sheds renditions. cpu_busy: the node's busy CPU share over its last ~10 s (0 to 1; null until its
-- first report). renditions_shed: renditions its lessons shed now for want of CPU. shedding_since:
-- the database's time of the first heartbeat of the current spell with renditions shed (null: none
-- shed), so how long a node has been shedding is measured on one clock.
alter table ingest_nodes add column cpu_busy real null;
alter table ingest_nodes add column renditions_shed integer not null default 0;
alter table ingest_nodes add column shedding_since timestamptz null;
