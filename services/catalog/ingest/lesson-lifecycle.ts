// A lesson's life in the catalog as ingest drives it: scheduled -> live -> ended. A publish inside a
// scheduled lesson's window (opened early by catalog.earlyStartMinutes) takes that lesson; a publish
// outside every window opens an ad-hoc lesson. Taking a lesson sets it live at once, inside a
// transaction that locks the row, so two ingest nodes can never both carry it; a publish that then
// produces no media gives it back (abandonLesson).
import type { LatencyMode } from '../../core/config/schema.ts';
import { newLessonId } from '../../ingest/lessons.ts';
import type { Database, Queryable } from '../db/database.ts';
import { isUniqueViolation } from '../db/db-errors.ts';
import type { Visibility } from '../queries/lessons.ts';

/** `visibility` goes with the lesson to the ingest node, whose origin then guards its files without the catalog. */
export type PublishLesson = { id: string; latencyMode: LatencyMode; title: string; adHoc: boolean; visibility: Visibility };

export type AdHocOptions = {
  latencyMode: LatencyMode;
  /** Ids in use outside the catalog (lesson folders already on disk). */
  taken?: (id: string) => boolean;
};

/** Ad-hoc ids are made from the start second; two nodes racing for one id retry with the next suffix. */
const adHocAttempts = 3;

export async function lessonForPublish(db: Database, classroomId: string, now: Date, earlyMinutes: number, adHoc: AdHocOptions): Promise<PublishLesson> {
  const scheduled = await db.transaction(async (tx) => {
    const row = (
      await tx.query<{ id: string; latency_mode: LatencyMode; title: string; visibility: Visibility }>(
        `select id, latency_mode, title, visibility from lessons
          where classroom_id = $1 and state = 'scheduled'
            and starts_at - make_interval(secs => $3) <= $2 and ends_at > $2
          order by starts_at
          limit 1
          for update`,
        [classroomId, now, earlyMinutes * 60],
      )
    )[0];
    if (!row) return undefined;
    await tx.query("update lessons set state = 'live', updated_at = now() where id = $1", [row.id]);
    return { id: row.id, latencyMode: row.latency_mode, title: row.title, adHoc: false, visibility: row.visibility };
  });
  return scheduled ?? openAdHocLesson(db, classroomId, now, adHoc);
}

async function openAdHocLesson(db: Queryable, classroomId: string, now: Date, options: AdHocOptions): Promise<PublishLesson> {
  const classroom = (await db.query<{ name: string }>('select name from classrooms where id = $1', [classroomId]))[0];
  if (!classroom) throw new Error(`classroom ${classroomId} is not in the catalog`);
  const title = `${classroom.name} (unscheduled)`;
  for (let attempt = 1; ; attempt++) {
    const existing = new Set(
      (await db.query<{ id: string }>("select id from lessons where id like $1 || '%'", [newLessonId(classroomId, () => false, now)])).map((row) => row.id),
    );
    const id = newLessonId(classroomId, (candidate) => existing.has(candidate) || (options.taken?.(candidate) ?? false), now);
    try {
      await db.query(
        `insert into lessons (id, classroom_id, title, starts_at, latency_mode, state, ad_hoc)
         values ($1, $2, $3, $4, $5, 'live', true)`,
        [id, classroomId, title, now, options.latencyMode],
      );
      return { id, latencyMode: options.latencyMode, title, adHoc: true, visibility: 'public' };
    } catch (error) {
      if (!isUniqueViolation(error) || attempt >= adHocAttempts) throw error;
    }
  }
}

/** The lesson's first media is out: record when it went live, and on which node it runs now. */
export async function markLive(db: Queryable, lessonId: string, node: string): Promise<void> {
  await db.query(
    `with lesson as (
       update lessons set state = 'live', went_live_at = coalesce(went_live_at, now()), updated_at = now()
        where id = $1 returning id)
     insert into lesson_sessions (lesson_id, ingest_node) select id, $2 from lesson`,
    [lessonId, node],
  );
}

/**
 * The lesson is over (its encoder stayed away past the grace period, or the node shut down): its
 * sessions end, and so does its running recording (recording-lifecycle.ts then makes the replays).
 */
export async function markEnded(db: Queryable, lessonId: string): Promise<void> {
  await db.query(
    `with sessions as (
       update lesson_sessions set ended_at = now() where lesson_id = $1 and ended_at is null),
     recording as (
       update recordings set ended_at = greatest(now(), started_at), updated_at = now()
        where lesson_id = $1 and state = 'recording' and ended_at is null)
     update lessons set state = 'ended', ended_at = coalesce(ended_at, now()), updated_at = now()
      where id = $1 and state <> 'ended'`,
    [lessonId],
  );
}

/**
 * A publish took the lesson but never produced media (no keyframe, wrong codec, gone at once): a
 * scheduled lesson goes back to the timetable, an ad-hoc one disappears. A lesson that went live
 * is left alone.
 */
export async function abandonLesson(db: Queryable, lessonId: string): Promise<void> {
  await db.query("delete from lessons where id = $1 and ad_hoc and went_live_at is null", [lessonId]);
  await db.query("update lessons set state = 'scheduled', updated_at = now() where id = $1 and state = 'live' and went_live_at is null", [lessonId]);
}

export type OrphanedLesson = { id: string; classroomId: string; title: string; latencyMode: LatencyMode; visibility: Visibility; wentLiveAt: Date | null };

/**
 * At start-up, the lessons this node was carrying when it stopped without ending them (a crash):
 * their sessions are still open. The node continues each one whose classroom comes back within the
 * grace period, and ends the others (markEnded).
 */
export async function orphanedLessons(db: Queryable, node: string): Promise<OrphanedLesson[]> {
  const rows = await db.query<{ id: string; classroom_id: string; title: string; latency_mode: LatencyMode; visibility: Visibility; went_live_at: Date | string | null }>(
    `select l.id, l.classroom_id, l.title, l.latency_mode, l.visibility, l.went_live_at from lessons l
      where exists (select 1 from lesson_sessions s where s.lesson_id = l.id and s.ingest_node = $1 and s.ended_at is null)
      order by l.id`,
    [node],
  );
  return rows.map((row) => ({
    id: row.id,
    classroomId: row.classroom_id,
    title: row.title,
    latencyMode: row.latency_mode,
    visibility: row.visibility,
    wentLiveAt: row.went_live_at === null ? null : new Date(row.went_live_at),
  }));
}
