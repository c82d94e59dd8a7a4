// A lesson's life in the catalog as ingest drives it: scheduled -> live -> ended. A publish inside a
// scheduled lesson's window (opened early by catalog.earlyStartMinutes) takes that lesson, even one
// that ended already (its encoder stayed away past the grace period, or its node stopped): it goes
// live again as the same lesson, with its own visibility, and numbered above everything it
// published before. A publish outside every window opens an ad-hoc lesson, with its classroom's (or
// school's) default visibility. Taking a lesson sets it live at once, inside a transaction that
// locks the row, so two ingest nodes can never both carry it; a publish that then produces no media
// gives it back (abandonLesson). A lesson ended with "End lesson now" (lesson-end-requests.ts) is
// never taken again, and its classroom's pushes are refused for a while (endedByHandHoldSeconds):
// an encoder that reconnects by itself must not put the classroom back on air as an ad-hoc lesson.
import type { LatencyMode } from '../../core/config/schema.ts';
import { takeoverNumbering, type TakeoverNumbering } from '../../ingest/takeover-numbering.ts';
import { segmentSecondsFor } from '../../transcode/ladder.ts';
import { queryOne, type Database, type Queryable } from '../db/database.ts';
import { isUniqueViolation } from '../db/db-errors.ts';
import { nodeIsUpSql } from './ingest-nodes.ts';
import { adHocVisibilitySql, type Visibility } from '../queries/lessons.ts';
import { newLessonId } from '../queries/lesson-ids.ts';

/** `visibility` goes with the lesson to the ingest node, whose origin then guards its files without the catalog. */
export type PublishLesson = { id: string; latencyMode: LatencyMode; title: string; adHoc: boolean; visibility: Visibility };

/**
 * A scheduled lesson that had ended and goes live again. `takeover` is where its numbering starts
 * (takeover-numbering.ts): above anything it published before, on this node or another, so no
 * segment name or media sequence of the ended lesson is used again.
 */
export type ContinuedLesson = PublishLesson & { continued: true; takeover: TakeoverNumbering };

export type AdHocOptions = {
  latencyMode: LatencyMode;
  /** Ids in use outside the catalog (lesson folders already on disk). */
  taken?: (id: string) => boolean;
};

/** Ad-hoc ids are made from the start second; two nodes racing for one id retry with the next suffix. */
const adHocAttempts = 3;

/**
 * How long after a lesson ended its replays may still be being written from its folder: a publish
 * in its window waits that out (it is refused, and the encoder tries again) rather than write into
 * the folder meanwhile. Past it, a replay left unwritten (its node stopped while writing) is not
 * waited for.
 */
const replayWritingSeconds = 600;

/**
 * After "End lesson now", the classroom's pushes are refused until the later of the lesson's
 * scheduled end and this long after the request (an ad-hoc lesson has only this): long enough to
 * outlast an encoder's automatic reconnects (OBS keeps trying for minutes), short enough that a
 * class can go live again soon. A lesson whose scheduled time has begun still takes a push.
 */
export const endedByHandHoldSeconds = 300;

/** A publish the catalog turns away on purpose, with a reason meant for the people at the classroom. */
export class PublishRefusal extends Error {}

export async function lessonForPublish(db: Database, classroomId: string, now: Date, earlyMinutes: number, adHoc: AdHocOptions): Promise<PublishLesson | ContinuedLesson> {
  type Row = { id: string; latency_mode: LatencyMode; title: string; visibility: Visibility; state: 'scheduled' | 'ended'; live_seconds: number | string | null; writing_replays: boolean; started: boolean };
  const scheduled = await db.transaction(async (tx): Promise<PublishLesson | ContinuedLesson | undefined> => {
    const held = await endedByHand(tx, classroomId, now);
    // The lesson whose scheduled time holds `now` first (one that ended early goes on), then the
    // earliest whose early window has opened.
    const row = (
      await tx.query<Row>(
        `select id, latency_mode, title, visibility, state, starts_at <= $2 as started,
                extract(epoch from $2::timestamptz - went_live_at)::float8 as live_seconds,
                exists (select 1 from recordings r where r.lesson_id = l.id and r.state = 'recording' and r.ended_at is not null
                         and r.ended_at > $2::timestamptz - make_interval(secs => $4)) as writing_replays
           from lessons l
          where classroom_id = $1 and not ad_hoc and end_requested_at is null
            and (state = 'scheduled' or (state = 'ended' and went_live_at is not null))
            and starts_at - make_interval(secs => $3) <= $2 and ends_at > $2
          order by starts_at <= $2 desc, starts_at
          limit 1
          for update`,
        [classroomId, now, earlyMinutes * 60, replayWritingSeconds],
      )
    )[0];
    if (held && !row?.started) throw new PublishRefusal(held);
    if (!row) return undefined;
    const lesson = { id: row.id, latencyMode: row.latency_mode, title: row.title, adHoc: false, visibility: row.visibility };
    if (row.state === 'scheduled') {
      await tx.query("update lessons set state = 'live', updated_at = now() where id = $1", [row.id]);
      return lesson;
    }
    if (row.writing_replays) throw new Error(`lesson ${row.id} ended moments ago and its replay is still being written; the encoder's next try continues it`);
    await tx.query("update lessons set state = 'live', ended_at = null, updated_at = now() where id = $1", [row.id]);
    return { ...lesson, continued: true, takeover: takeoverNumbering(Number(row.live_seconds ?? 0), segmentSecondsFor[row.latency_mode]) };
  });
  return scheduled ?? openAdHocLesson(db, classroomId, now, adHoc);
}

/** Why the classroom's pushes are refused now after an "End lesson now", or undefined. */
async function endedByHand(db: Queryable, classroomId: string, now: Date): Promise<string | undefined> {
  const row = await queryOne<{ id: string; title: string; until: Date | string }>(
    db,
    `select id, title, greatest(coalesce(ends_at, end_requested_at), end_requested_at + make_interval(secs => $3)) as until
       from lessons
      where classroom_id = $1 and end_requested_at is not null
        and greatest(coalesce(ends_at, end_requested_at), end_requested_at + make_interval(secs => $3)) > $2
      order by end_requested_at desc limit 1`,
    [classroomId, now, endedByHandHoldSeconds],
  );
  if (!row) return undefined;
  const until = new Date(row.until).toISOString();
  return `lesson ${row.id} ("${row.title}") was ended with "End lesson now"; classroom ${classroomId} takes pushes again from ${until} (or for its next scheduled lesson once that starts): stop the encoder`;
}

async function openAdHocLesson(db: Queryable, classroomId: string, now: Date, options: AdHocOptions): Promise<PublishLesson> {
  const classroom = (
    await db.query<{ name: string; visibility: Visibility }>(
      `select r.name, ${adHocVisibilitySql} as visibility from classrooms r left join schools s on s.id = r.school_id where r.id = $1`,
      [classroomId],
    )
  )[0];
  if (!classroom) throw new Error(`classroom ${classroomId} is not in the catalog`);
  const { visibility } = classroom;
  const title = `${classroom.name} (unscheduled)`;
  for (let attempt = 1; ; attempt++) {
    const existing = new Set(
      (await db.query<{ id: string }>("select id from lessons where id like $1 || '%'", [newLessonId(classroomId, () => false, now)])).map((row) => row.id),
    );
    const id = newLessonId(classroomId, (candidate) => existing.has(candidate) || (options.taken?.(candidate) ?? false), now);
    try {
      await db.query(
        `insert into lessons (id, classroom_id, title, starts_at, latency_mode, visibility, state, ad_hoc)
         values ($1, $2, $3, $4, $5, $6, 'live', true)`,
        [id, classroomId, title, now, options.latencyMode, visibility],
      );
      return { id, latencyMode: options.latencyMode, title, adHoc: true, visibility };
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
 * The first media of a lesson this node took over from a node that went down (takeOverLesson) is
 * out: that node's session ends, and so does the recording it was making, which fails with the
 * reason (its segments are on that node's disk); then markLive, and this node's default recording
 * opens as for any lesson going live here (openDefaultRecording).
 */
export async function markTakenOver(db: Database, lessonId: string, node: string): Promise<void> {
  await db.transaction(async (tx) => {
    const others = await tx.query('update lesson_sessions set ended_at = now() where lesson_id = $1 and ended_at is null and ingest_node <> $2 returning id', [lessonId, node]);
    if (others.length > 0) {
      await tx.query(
        `update recordings set state = 'failed', failure = $2, ended_at = greatest(now(), started_at), updated_at = now()
          where lesson_id = $1 and state = 'recording' and ended_at is null`,
        [lessonId, `the ingest node making it went down and ${node} continued the lesson; its media stayed on that node`],
      );
    }
    await markLive(tx, lessonId, node);
  });
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
 * This node is done with the lesson (grace period over, or shutdown): its session ends, and the
 * lesson ends too (markEnded) unless another node has continued it meanwhile (this node was taken
 * for down and the classroom moved). Returns whether the lesson ended.
 */
export async function endLessonHere(db: Database, lessonId: string, node: string): Promise<boolean> {
  return db.transaction(async (tx) => {
    await tx.query('select id from lessons where id = $1 for update', [lessonId]);
    await tx.query('update lesson_sessions set ended_at = now() where lesson_id = $1 and ingest_node = $2 and ended_at is null', [lessonId, node]);
    const elsewhere = await queryOne(tx, 'select 1 from lesson_sessions where lesson_id = $1 and ended_at is null', [lessonId]);
    if (elsewhere) return false;
    await markEnded(tx, lessonId);
    return true;
  });
}

export type TakeoverOptions = { downSeconds: number; graceSeconds: number };

/** A lesson continued from a node that went down, with how long ago it first went live. */
export type TakenOverLesson = PublishLesson & { from: string; liveSeconds: number };

/**
 * The classroom's lesson still live with an open session on another node that is down: this node
 * continues it (markTakenOver ends that node's session when this node's first media is out). A lesson
 * whose node has been gone for longer than it could still have been waiting for its encoder (the
 * reconnect grace on top of the down bound), or whose node left the catalog, or that someone asked
 * to end, is ended instead: it ended on that node in all but the catalog.
 */
export async function takeOverLesson(db: Database, classroomId: string, node: string, options: TakeoverOptions): Promise<TakenOverLesson | undefined> {
  type Row = { id: string; latency_mode: LatencyMode; title: string; ad_hoc: boolean; visibility: Visibility; carrier: string; recent: boolean; live_seconds: number | string; end_requested: boolean };
  return db.transaction(async (tx) => {
    await tx.query("select id from lessons where classroom_id = $1 and state = 'live' for update", [classroomId]);
    // Lessons every open session of which is on another node that is down (or gone from the catalog).
    const rows = await tx.query<Row>(
      `select l.id, l.latency_mode, l.title, l.ad_hoc, l.visibility, max(s.ingest_node) as carrier,
              coalesce(bool_or(n.seen_at > now() - make_interval(secs => $4)), false) as recent,
              extract(epoch from now() - l.went_live_at)::float8 as live_seconds, l.end_requested_at is not null as end_requested
         from lessons l
         join lesson_sessions s on s.lesson_id = l.id and s.ended_at is null
         left join ingest_nodes n on n.id = s.ingest_node
        where l.classroom_id = $1 and l.state = 'live' and l.went_live_at is not null
        group by l.id
       having bool_and(s.ingest_node <> $2 and (n.id is null or not ${nodeIsUpSql('n', '$3')}))
        order by l.went_live_at desc`,
      [classroomId, node, options.downSeconds, options.downSeconds + options.graceSeconds],
    );
    let continued: TakenOverLesson | undefined;
    for (const row of rows) {
      // A lesson someone ended with "End lesson now" is not continued, whatever its node did.
      if (!continued && row.recent && !row.end_requested) {
        continued = { id: row.id, latencyMode: row.latency_mode, title: row.title, adHoc: row.ad_hoc, visibility: row.visibility, from: row.carrier, liveSeconds: Number(row.live_seconds) };
        continue;
      }
      await markEnded(tx, row.id);
      await tx.query(
        "update recordings set state = 'failed', failure = $2, updated_at = now() where lesson_id = $1 and state = 'recording'",
        [row.id, `the ingest node making it (${row.carrier}) went down and did not come back; its media stayed on that node`],
      );
    }
    return continued;
  });
}

/**
 * A publish took the lesson but never produced media (no keyframe, wrong codec, gone at once): a
 * scheduled lesson goes back to the timetable, an ad-hoc one disappears, and an ended lesson the
 * publish was to continue (lessonForPublish) is ended again, as it was. A lesson still carried
 * somewhere (an open session) is left alone.
 */
export async function abandonLesson(db: Queryable, lessonId: string): Promise<void> {
  await db.query("delete from lessons where id = $1 and ad_hoc and went_live_at is null", [lessonId]);
  await db.query("update lessons set state = 'scheduled', updated_at = now() where id = $1 and state = 'live' and went_live_at is null", [lessonId]);
  await db.query(
    `update lessons l set state = 'ended', updated_at = now(),
            ended_at = coalesce((select max(s.ended_at) from lesson_sessions s where s.lesson_id = l.id), now())
      where l.id = $1 and l.state = 'live' and l.went_live_at is not null
        and not exists (select 1 from lesson_sessions s where s.lesson_id = l.id and s.ended_at is null)`,
    [lessonId],
  );
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
