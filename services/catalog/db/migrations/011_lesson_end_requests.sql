-- "End lesson now" (POST /api/v1/lessons/:id/end): when it was asked for (who asked is in the audit
-- log). The ingest node carrying the lesson sees the request within catalog.keyRefreshSeconds and
-- ends it at once, without the reconnect grace. A lesson ended this way is never continued by a
-- later publish inside its window, and for a while its classroom's pushes are refused
-- (lesson-lifecycle.ts), so an encoder that reconnects by itself does not put the classroom back on air.
alter table lessons add column end_requested_at timestamptz null;
