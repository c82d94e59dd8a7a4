// The ingest nodes the catalog knows, and whether each is up. Every ingest node writes its row when
// it starts and again every ingest.heartbeatSeconds (node-heartbeat.ts); a node whose last heartbeat
// is older than ingest.nodeDownSeconds is down. Ages are measured with the database's clock, so the
// nodes' own clocks never decide who is up. A clean shutdown removes the row and un-assigns the
// node's classrooms, so they move to another node at once instead of after the down bound. Each
// write carries the node's load (busy CPU share, renditions shed now), which the assignment weighs
// (classroom-assignment.ts) and the dashboard shows. A node gone for longer than
// ingest.nodeForgetMinutes is forgotten (its row removed by the catalog's sweep, node-sweep.ts).
import type { Database, Queryable } from '../db/database.ts';

/** An ingest node as encoders and origins reach it. */
export type IngestNode = {
  id: string;
  /** Where encoders push, without the stream key: rtmp://host:port/live. */
  rtmpUrl: string;
  /** The node's origin for the lessons it carries: http://host:port. */
  httpUrl: string;
};

/** What the node reports of its load with each heartbeat. */
export type NodeLoad = {
  /** Busy share of the node's CPU over its last ~10 s, 0 to 1 (1 - node-cpu.ts's idle share). */
  cpuBusy: number;
  /** Renditions its lessons shed now for want of CPU, summed over them (rendition-shedding.ts). */
  renditionsShed: number;
};

export type IngestNodeState = IngestNode & {
  up: boolean;
  startedAt: Date;
  seenAt: Date;
  classrooms: number;
  /** Null until the node reports its load. */
  cpuBusy: number | null;
  renditionsShed: number;
  /** Seconds since the node began shedding (the current spell, by the database's clock); null when it sheds nothing. */
  sheddingSeconds: number | null;
  /** Seconds since its last heartbeat, by the database's clock. */
  seenSecondsAgo: number;
};

/**
 * SQL setting the load columns of ingest_nodes from parameters `$busy` and `$shed`: shedding_since
 * keeps the start of a spell of shedding and goes back to null when nothing is shed.
 */
const loadColumns = (busy: string, shed: string) =>
  `cpu_busy = ${busy}, renditions_shed = ${shed},
   shedding_since = case when ${shed} > 0 then coalesce(ingest_nodes.shedding_since, now()) else null end`;

/**
 * ORDER BY terms putting the least loaded node of ingest_nodes `alias` first, `classrooms` being
 * the SQL counting its classrooms: nodes shedding renditions last (they are short of CPU already),
 * then by busy CPU share rounded to 0.1, then by classroom count, then by id. The share is rounded
 * so that nodes about as busy count as equal and their classroom counts decide: a node's load shows
 * only in its next heartbeat, so a new node (no load reported yet counts as idle) and classrooms
 * assigned between two heartbeats are spread by the count, not all sent to the node that looked
 * idlest a beat ago.
 */
export const leastLoadedOrderSql = (alias: string, classrooms: string): string =>
  `(${alias}.renditions_shed > 0), round(coalesce(${alias}.cpu_busy, 0)::numeric, 1), ${classrooms}, ${alias}.id`;

/** True when the ingest_nodes row `alias` heartbeat within the down bound, given as parameter `$n`. */
export const nodeIsUpSql = (alias: string, downSecondsParam: string): string => `${alias}.seen_at > now() - make_interval(secs => ${downSecondsParam})`;

export type IngestNodeRow = { id: string; rtmp_url: string; http_url: string };

export const ingestNodeOf = (row: IngestNodeRow): IngestNode => ({ id: row.id, rtmpUrl: row.rtmp_url, httpUrl: row.http_url });

/**
 * The node starts (or restarts): its row says so, with fresh URLs and start time, and its load
 * (none reported: null, nothing shed; a restart begins any shedding spell anew).
 */
export async function joinIngestNodes(db: Queryable, node: IngestNode, load?: NodeLoad): Promise<void> {
  await db.query(
    `insert into ingest_nodes (id, rtmp_url, http_url, cpu_busy, renditions_shed, shedding_since)
     values ($1, $2, $3, $4::real, $5::int, case when $5::int > 0 then now() end)
     on conflict (id) do update set rtmp_url = excluded.rtmp_url, http_url = excluded.http_url, started_at = now(), seen_at = now(),
       cpu_busy = excluded.cpu_busy, renditions_shed = excluded.renditions_shed, shedding_since = excluded.shedding_since`,
    [node.id, node.rtmpUrl, node.httpUrl, load?.cpuBusy ?? null, load?.renditionsShed ?? 0],
  );
}

/**
 * The node is alive, with its load now (none given: the load columns stay as they are). Written as
 * an upsert, so a row removed by hand comes back with the next beat.
 */
export async function heartbeatIngestNode(db: Queryable, node: IngestNode, load?: NodeLoad): Promise<void> {
  await db.query(
    `insert into ingest_nodes (id, rtmp_url, http_url, cpu_busy, renditions_shed, shedding_since)
     values ($1, $2, $3, $4::real, coalesce($5::int, 0), case when $5::int > 0 then now() end)
     on conflict (id) do update set rtmp_url = excluded.rtmp_url, http_url = excluded.http_url, seen_at = now(),
       ${loadColumns('coalesce($4::real, ingest_nodes.cpu_busy)', 'coalesce($5::int, ingest_nodes.renditions_shed)')}`,
    [node.id, node.rtmpUrl, node.httpUrl, load?.cpuBusy ?? null, load?.renditionsShed ?? null],
  );
}

/** The node stops cleanly: its row goes and its classrooms are free for the next node they ask. */
export async function leaveIngestNodes(db: Database, nodeId: string): Promise<void> {
  await db.transaction(async (tx) => {
    await tx.query('update classrooms set ingest_node = null where ingest_node = $1', [nodeId]);
    await tx.query('delete from ingest_nodes where id = $1', [nodeId]);
  });
}

/**
 * Forgets the nodes gone for longer than `forgetSeconds` (ingest.nodeForgetMinutes): their rows go,
 * and any classroom still assigned to one is freed, in one statement, so a node that died (and did
 * not leave cleanly) stops showing on the dashboard and in the assignment's candidates for ever.
 * A node that comes back later simply joins again. Returns the forgotten ids.
 */
export async function forgetGoneIngestNodes(db: Queryable, forgetSeconds: number): Promise<string[]> {
  const rows = await db.query<{ id: string }>(
    `with gone as (delete from ingest_nodes where seen_at < now() - make_interval(secs => $1) returning id),
          freed as (update classrooms set ingest_node = null where ingest_node in (select id from gone))
     select id from gone order by id`,
    [forgetSeconds],
  );
  return rows.map((row) => row.id);
}

/** Every known node, up or down, with how many classrooms are assigned to it and its load; by id. */
export async function listIngestNodes(db: Queryable, downSeconds: number): Promise<IngestNodeState[]> {
  const rows = await db.query<
    IngestNodeRow & { up: boolean; started_at: Date | string; seen_at: Date | string; classrooms: number | string; cpu_busy: number | null; renditions_shed: number; shedding_seconds: number | string | null; seen_seconds: number | string }
  >(
    `select n.id, n.rtmp_url, n.http_url, ${nodeIsUpSql('n', '$1')} as up, n.started_at, n.seen_at,
            (select count(*) from classrooms c where c.ingest_node = n.id) as classrooms,
            n.cpu_busy, n.renditions_shed, extract(epoch from now() - n.shedding_since)::float8 as shedding_seconds,
            extract(epoch from now() - n.seen_at)::float8 as seen_seconds
       from ingest_nodes n order by n.id`,
    [downSeconds],
  );
  return rows.map((row) => ({
    ...ingestNodeOf(row),
    up: row.up,
    startedAt: new Date(row.started_at),
    seenAt: new Date(row.seen_at),
    classrooms: Number(row.classrooms),
    cpuBusy: row.cpu_busy === null ? null : Number(row.cpu_busy),
    renditionsShed: Number(row.renditions_shed),
    sheddingSeconds: row.shedding_seconds === null ? null : Math.max(0, Number(row.shedding_seconds)),
    seenSecondsAgo: Math.max(0, Number(row.seen_seconds)),
  }));
}
