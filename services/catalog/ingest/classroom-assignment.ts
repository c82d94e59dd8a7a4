// Which ingest node carries each classroom (classrooms.ingest_node). A classroom keeps its node
// while that node is up (so reconnects land where the lesson is); otherwise it goes to the least
// loaded up node (ingest-nodes.ts leastLoadedOrderSql: not shedding renditions, then the least busy
// CPU in steps of 0.1, then the fewest classrooms, then by id). Encoders ask before each (re)connect (POST
// /api/v1/ingest/assignment), and a node admits a publish only for a classroom it is assigned,
// that nobody is assigned, or whose node is down (it then takes the classroom). Both run in one
// transaction with the classroom's row locked, so two callers never assign one classroom twice.
import { queryOne, type Database, type Queryable } from '../db/database.ts';
import { ingestNodeOf, leastLoadedOrderSql, nodeIsUpSql, type IngestNode, type IngestNodeRow } from './ingest-nodes.ts';

export type Assignment = { classroomId: string; node: IngestNode } | { classroomId: string; node: undefined };

/** The classroom a stream key (primary or backup) belongs to, or undefined. */
export async function classroomForStreamKey(db: Queryable, streamKey: string): Promise<string | undefined> {
  const row = await queryOne<{ id: string }>(db, 'select id from classrooms where primary_key = $1 or backup_key = $1', [streamKey]);
  return row?.id;
}

/**
 * The node the classroom's encoder should push to, assigning one if its node is missing or down;
 * `node` is undefined when no node is up. Throws if the classroom is not in the catalog.
 */
export async function assignClassroom(db: Database, classroomId: string, downSeconds: number): Promise<Assignment> {
  return db.transaction(async (tx) => {
    const assigned = await lockedAssignment(tx, classroomId);
    if (assigned) {
      const current = await upNode(tx, assigned, downSeconds);
      if (current) return { classroomId, node: current };
    }
    // Load first, count after: a node short of CPU takes new classrooms last, whatever its count,
    // and the count settles nodes about as busy (see leastLoadedOrderSql for why).
    const least = await queryOne<IngestNodeRow>(
      tx,
      `select n.id, n.rtmp_url, n.http_url from ingest_nodes n
        where ${nodeIsUpSql('n', '$1')}
        order by ${leastLoadedOrderSql('n', '(select count(*) from classrooms c where c.ingest_node = n.id)')}
        limit 1`,
      [downSeconds],
    );
    if (!least) return { classroomId, node: undefined };
    await tx.query('update classrooms set ingest_node = $2 where id = $1', [classroomId, least.id]);
    return { classroomId, node: ingestNodeOf(least) };
  });
}

export type Admission = { admitted: true; previous: string | null } | { admitted: false; holder: IngestNode };

/**
 * May node `nodeId` carry the classroom's publish? Yes when the classroom is assigned to it, to
 * nobody, or to a node that is down (the classroom is then assigned to `nodeId`); no when another
 * node that is up holds it (`holder`). Throws if the classroom is not in the catalog.
 */
export async function admitClassroom(db: Database, classroomId: string, nodeId: string, downSeconds: number): Promise<Admission> {
  return db.transaction(async (tx) => {
    const assigned = await lockedAssignment(tx, classroomId);
    if (assigned && assigned !== nodeId) {
      const holder = await upNode(tx, assigned, downSeconds);
      if (holder) return { admitted: false, holder };
    }
    if (assigned !== nodeId) await tx.query('update classrooms set ingest_node = $2 where id = $1', [classroomId, nodeId]);
    return { admitted: true, previous: assigned };
  });
}

/** The classroom's assigned node id (null: none), its row locked until the transaction ends. */
async function lockedAssignment(tx: Queryable, classroomId: string): Promise<string | null> {
  const row = await queryOne<{ ingest_node: string | null }>(tx, 'select ingest_node from classrooms where id = $1 for update', [classroomId]);
  if (!row) throw new Error(`classroom ${classroomId} is not in the catalog`);
  return row.ingest_node;
}

async function upNode(tx: Queryable, nodeId: string, downSeconds: number): Promise<IngestNode | undefined> {
  const row = await queryOne<IngestNodeRow>(tx, `select n.id, n.rtmp_url, n.http_url from ingest_nodes n where n.id = $1 and ${nodeIsUpSql('n', '$2')}`, [nodeId, downSeconds]);
  return row && ingestNodeOf(row);
}
