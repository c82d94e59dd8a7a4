// Where the school page tells a classroom's encoder to push: the node the assignment API would
// name (classroom-assignment.ts) if asked now, read without assigning, since a page view must not
// move a classroom. That is its assigned node while it is up, else the least loaded up node (the
// assignment's order, ingest-nodes.ts leastLoadedOrderSql). With nodes known but none up, the
// assigned node, else the least loaded known one: a URL that will work once nodes come back beats the catalog's own host, which has no
// RTMP. No node row at all (nodes not started yet, or all stopped cleanly): `node` is undefined and
// the caller shows its own RTMP address. One query for any number of classrooms.
import type { Queryable } from '../db/database.ts';
import { ingestNodeOf, leastLoadedOrderSql, nodeIsUpSql, type IngestNode, type IngestNodeRow } from './ingest-nodes.ts';

export type AdvertisedIngest = {
  /** The classroom's assigned node id, up or not (null: none). */
  ingestNode: string | null;
  /** The node an encoder would be sent to now; undefined when no ingest node is known. */
  node: IngestNode | undefined;
};

// No node row at all leaves the lateral join's columns null.
type AdvertisedRow = { classroom_id: string; ingest_node: string | null } & (IngestNodeRow | { id: null; rtmp_url: null; http_url: null });

/** Per classroom id; ids not in the catalog are absent from the map. */
export async function advertisedIngest(db: Queryable, classroomIds: readonly string[], downSeconds: number): Promise<Map<string, AdvertisedIngest>> {
  if (classroomIds.length === 0) return new Map();
  const rows = await db.query<AdvertisedRow>(
    `with nodes as (
       select n.id, n.rtmp_url, n.http_url, ${nodeIsUpSql('n', '$2')} as up, n.renditions_shed, n.cpu_busy,
              (select count(*) from classrooms x where x.ingest_node = n.id) as classrooms
         from ingest_nodes n)
     select c.id as classroom_id, c.ingest_node, chosen.id, chosen.rtmp_url, chosen.http_url
       from classrooms c
       left join lateral (
         select n.id, n.rtmp_url, n.http_url from nodes n
          order by n.up desc, (n.id = c.ingest_node) is true desc, ${leastLoadedOrderSql('n', 'n.classrooms')}
          limit 1) chosen on true
      where c.id = any($1::text[])`,
    [classroomIds, downSeconds],
  );
  return new Map(
    rows.map((row) => [
      row.classroom_id,
      {
        ingestNode: row.ingest_node,
        node: row.id === null ? undefined : ingestNodeOf(row),
      },
    ]),
  );
}
