// The ingest nodes the catalog knows, and whether each is up. Every ingest node writes its row when
// it starts and again every ingest.heartbeatSeconds (node-heartbeat.ts); a node whose last heartbeat
// is older than ingest.nodeDownSeconds is down. Ages are measured with the database's clock, so the
// nodes' own clocks never decide who is up. A clean shutdown removes the row and un-assigns the
// node's classrooms, so they move to another node at once instead of after the down bound.
import type { Database, Queryable } from '../db/database.ts';

/** An ingest node as encoders and origins reach it. */
export type IngestNode = {
  id: string;
  /** Where encoders push, without the stream key: rtmp://host:port/live. */
  rtmpUrl: string;
  /** The node's origin for the lessons it carries: http://host:port. */
  httpUrl: string;
};

export type IngestNodeState = IngestNode & { up: boolean; startedAt: Date; seenAt: Date; classrooms: number };

/** True when the ingest_nodes row `alias` heartbeat within the down bound, given as parameter `$n`. */
export const nodeIsUpSql = (alias: string, downSecondsParam: string): string => `${alias}.seen_at > now() - make_interval(secs => ${downSecondsParam})`;

export type IngestNodeRow = { id: string; rtmp_url: string; http_url: string };

export const ingestNodeOf = (row: IngestNodeRow): IngestNode => ({ id: row.id, rtmpUrl: row.rtmp_url, httpUrl: row.http_url });

/** The node starts (or restarts): its row says so, with fresh URLs and start time. */
export async function joinIngestNodes(db: Queryable, node: IngestNode): Promise<void> {
  await db.query(
    `insert into ingest_nodes (id, rtmp_url, http_url) values ($1, $2, $3)
     on conflict (id) do update set rtmp_url = excluded.rtmp_url, http_url = excluded.http_url, started_at = now(), seen_at = now()`,
    [node.id, node.rtmpUrl, node.httpUrl],
  );
}

/** The node is alive. Written as an upsert, so a row removed by hand comes back with the next beat. */
export async function heartbeatIngestNode(db: Queryable, node: IngestNode): Promise<void> {
  await db.query(
    `insert into ingest_nodes (id, rtmp_url, http_url) values ($1, $2, $3)
     on conflict (id) do update set rtmp_url = excluded.rtmp_url, http_url = excluded.http_url, seen_at = now()`,
    [node.id, node.rtmpUrl, node.httpUrl],
  );
}

/** The node stops cleanly: its row goes and its classrooms are free for the next node they ask. */
export async function leaveIngestNodes(db: Database, nodeId: string): Promise<void> {
  await db.transaction(async (tx) => {
    await tx.query('update classrooms set ingest_node = null where ingest_node = $1', [nodeId]);
    await tx.query('delete from ingest_nodes where id = $1', [nodeId]);
  });
}

/** Every known node, up or down, with how many classrooms are assigned to it; by id. */
export async function listIngestNodes(db: Queryable, downSeconds: number): Promise<IngestNodeState[]> {
  const rows = await db.query<IngestNodeRow & { up: boolean; started_at: Date | string; seen_at: Date | string; classrooms: number | string }>(
    `select n.id, n.rtmp_url, n.http_url, ${nodeIsUpSql('n', '$1')} as up, n.started_at, n.seen_at,
            (select count(*) from classrooms c where c.ingest_node = n.id) as classrooms
       from ingest_nodes n order by n.id`,
    [downSeconds],
  );
  return rows.map((row) => ({ ...ingestNodeOf(row), up: row.up, startedAt: new Date(row.started_at), seenAt: new Date(row.seen_at), classrooms: Number(row.classrooms) }));
}
