-- Peer-to-peer delivery per lesson: an operator or the school can turn it off for one lesson (for
-- example an exam stream, or a network that blocks WebRTC) while the platform keeps it on.
alter table lessons add column p2p_enabled boolean not null default true;
