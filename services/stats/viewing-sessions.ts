// Finished viewing sessions into the catalog (viewing_sessions), with the lesson's city and school
// looked up there; and that lookup on its own, for the metric labels of nodes that have a catalog.
// A lesson the catalog does not know (an ad-hoc lesson of a node without one) stores nothing.
import type { Queryable } from '../catalog/db/database.ts';
import { queryOne } from '../catalog/db/database.ts';
import type { FinishedSession, Place } from './qoe-aggregate.ts';

const placeJoin = `from lessons l join classrooms c on c.id = l.classroom_id left join schools s on s.id = c.school_id where l.id = $1`;

export async function lessonPlace(db: Queryable, lessonId: string): Promise<Place | undefined> {
  const row = await queryOne<{ city_id: number | null; school_id: number | null }>(db, `select s.city_id, c.school_id ${placeJoin}`, [lessonId]);
  return row && { cityId: row.city_id, schoolId: row.school_id };
}

export async function storeViewingSession(db: Queryable, node: string, session: FinishedSession): Promise<void> {
  await db.query(
    `insert into viewing_sessions (lesson_id, city_id, school_id, node, started_at, watch_seconds, stall_seconds, fluency, http_bytes, p2p_bytes)
     select l.id, s.city_id, c.school_id, $2, $3, $4, $5, $6, $7, $8 ${placeJoin}`,
    [session.lessonId, node, new Date(session.startedAt), session.watchSeconds, session.stallSeconds, session.fluency, Math.round(session.httpBytes), Math.round(session.p2pBytes)],
  );
}
