// Recordings of lessons and their replays: opened when a lesson goes live (or by hand), stopped by
// hand or when the lesson ends, then made ready (a replay under /vod/<id>/) or failed. Reading
// follows the lesson's visibility, so the listing is narrowed with the lesson scope.
import { queryOne, type Queryable } from '../db/database.ts';
import type { LessonScope, LessonState, Visibility } from './lessons.ts';
import { conditions, iso, listPage, numberOrNull, type Listed, type PageWindow } from './sql-helpers.ts';

export const recordingStates = ['recording', 'ready', 'failed'] as const;
export type RecordingState = (typeof recordingStates)[number];
export const mp4States = ['none', 'preparing', 'ready', 'failed'] as const;
export type Mp4State = (typeof mp4States)[number];

export type Recording = {
  id: string;
  lessonId: string;
  lessonTitle: string;
  state: RecordingState;
  startedAt: string;
  endedAt: string | null;
  durationSeconds: number | null;
  sizeBytes: number | null;
  segmentCount: number | null;
  renditions: string[];
  /** Renditions the storage policy removed (files gone), and those leaving (out of the master, files still there for the grace). */
  renditionsDropped: string[];
  renditionsLeaving: string[];
  /** Bytes the storage policy freed (dropped renditions, an MP4 made from one). */
  policyFreedBytes: number;
  pinned: boolean;
  manual: boolean;
  failure: string | null;
  /** The replay's master playlist, once the recording is ready. */
  masterUrl: string | null;
  replayUrl: string | null;
  /** `rendition`: what the MP4 is (or will be) made from, the best rendition the replay keeps. */
  mp4: { state: Mp4State; progress: number; sizeBytes: number | null; failure: string | null; url: string; rendition: string | null };
};

/** What the access rules need to know about a recording's lesson. */
export type RecordingLesson = {
  id: string;
  state: LessonState;
  visibility: Visibility;
  schoolId: number | null;
  courseId: number | null;
  teacherAccountId: number | null;
};

type RecordingRow = {
  id: string;
  lesson_id: string;
  lesson_title: string;
  state: RecordingState;
  started_at: Date;
  ended_at: Date | null;
  duration_seconds: number | null;
  size_bytes: number | string | null;
  segment_count: number | null;
  renditions: string[];
  renditions_dropped: string[];
  renditions_leaving: string[];
  policy_freed_bytes: number | string;
  pinned: boolean;
  manual: boolean;
  failure: string | null;
  storage_path: string;
  mp4_state: Mp4State;
  mp4_progress: number;
  mp4_size_bytes: number | string | null;
  mp4_failure: string | null;
  lesson_state: LessonState;
  visibility: Visibility;
  school_id: number | null;
  course_id: number | null;
  teacher_account_id: number | null;
};

const select = `select g.id, g.lesson_id, l.title as lesson_title, g.state, g.started_at, g.ended_at, g.duration_seconds, g.size_bytes,
  g.segment_count, g.renditions, g.renditions_dropped, g.renditions_leaving, g.policy_freed_bytes, g.pinned, g.manual, g.failure, g.storage_path, g.mp4_state, g.mp4_progress, g.mp4_size_bytes, g.mp4_failure,
  l.state as lesson_state, l.visibility, r.school_id, l.course_id, c.teacher_account_id`;
const from = `from recordings g join lessons l on l.id = g.lesson_id join classrooms r on r.id = l.classroom_id
  left join courses c on c.id = l.course_id`;

function toRecording(row: RecordingRow): Recording {
  const ready = row.state === 'ready';
  return {
    id: row.id,
    lessonId: row.lesson_id,
    lessonTitle: row.lesson_title,
    state: row.state,
    startedAt: iso(row.started_at)!,
    endedAt: iso(row.ended_at),
    durationSeconds: row.duration_seconds,
    sizeBytes: numberOrNull(row.size_bytes),
    segmentCount: row.segment_count,
    renditions: row.renditions,
    renditionsDropped: row.renditions_dropped,
    renditionsLeaving: row.renditions_leaving,
    policyFreedBytes: Number(row.policy_freed_bytes),
    pinned: row.pinned,
    manual: row.manual,
    failure: row.failure,
    masterUrl: ready ? `/vod/${row.id}/master.m3u8` : null,
    replayUrl: ready ? `/replay/${row.id}` : null,
    mp4: {
      state: row.mp4_state,
      progress: row.mp4_progress,
      sizeBytes: numberOrNull(row.mp4_size_bytes),
      failure: row.mp4_failure,
      url: `/api/v1/recordings/${row.id}/mp4`,
      rendition: row.renditions[0] ?? null,
    },
  };
}

function toLesson(row: RecordingRow): RecordingLesson {
  return { id: row.lesson_id, state: row.lesson_state, visibility: row.visibility, schoolId: row.school_id, courseId: row.course_id, teacherAccountId: row.teacher_account_id };
}

export type RecordingFilter = { lessonId?: string | undefined; state?: RecordingState | undefined; schoolId?: number | undefined; pinned?: boolean | undefined };

export function listRecordings(db: Queryable, scope: LessonScope, filter: RecordingFilter, window: PageWindow): Promise<Listed<Recording>> {
  const where = conditions();
  if (scope.kind === 'public') where.add("l.visibility = 'public'");
  if (scope.kind === 'public-or-school') where.add("(l.visibility = 'public' or r.school_id = $?)", scope.schoolId);
  if (filter.lessonId !== undefined) where.add('g.lesson_id = $?', filter.lessonId);
  if (filter.state !== undefined) where.add('g.state = $?', filter.state);
  if (filter.schoolId !== undefined) where.add('r.school_id = $?', filter.schoolId);
  if (filter.pinned !== undefined) where.add('g.pinned = $?', filter.pinned);
  return listPage(db, { select, from, where, orderBy: 'g.started_at desc, g.id' }, window, toRecording);
}

export type StoredRecording = { recording: Recording; lesson: RecordingLesson; storagePath: string };

export async function getRecording(db: Queryable, id: string): Promise<StoredRecording | undefined> {
  const row = await queryOne<RecordingRow>(db, `${select} ${from} where g.id = $1`, [id]);
  return row && { recording: toRecording(row), lesson: toLesson(row), storagePath: row.storage_path };
}

/** The lesson's recording that is still running, if any. */
export async function runningRecording(db: Queryable, lessonId: string): Promise<StoredRecording | undefined> {
  const row = await queryOne<RecordingRow>(db, `${select} ${from} where g.lesson_id = $1 and g.state = 'recording' and g.ended_at is null`, [lessonId]);
  return row && { recording: toRecording(row), lesson: toLesson(row), storagePath: row.storage_path };
}

/**
 * Opens a recording of the lesson from `startsAt` (or now); returns its id. Ids are the lesson's id
 * and a number never used again, so a replay's immutable URLs are never reused for other media.
 */
/**
 * `startsAt`: not before this (a scheduled lesson's start); `from`: when the recorded media begins,
 * if not now (the ingest's first keyframe, which may be seconds before the catalog hears of it).
 */
export async function openRecording(db: Queryable, lessonId: string, options: { manual: boolean; startsAt?: Date; from?: Date }): Promise<string> {
  const [row] = await db.query<{ number: string | number }>("select nextval('recording_numbers') as number");
  const id = `${lessonId}-rec${Number(row!.number)}`;
  await db.query(
    `insert into recordings (id, lesson_id, started_at, storage_path, manual) values ($1, $2, greatest(coalesce($6::timestamptz, now()), $3::timestamptz), $4, $5)`,
    [id, lessonId, options.startsAt ?? null, `vod/${id}`, options.manual, options.from ?? null],
  );
  return id;
}

/** Stops the lesson's running recording now; returns its id, or undefined when none was running. */
export async function stopRecording(db: Queryable, lessonId: string): Promise<string | undefined> {
  const rows = await db.query<{ id: string }>(
    `update recordings set ended_at = greatest(now(), started_at), updated_at = now()
      where lesson_id = $1 and state = 'recording' and ended_at is null returning id`,
    [lessonId],
  );
  return rows[0]?.id;
}

/** `protected`: the lesson is not public now, so its replay will need a playback token. */
export type RecordingToFinish = { id: string; startedAt: Date; endedAt: Date; manual: boolean; protected: boolean };

/** The lesson's recordings not made into replays yet (all stopped once the lesson has ended). */
export async function recordingsToFinish(db: Queryable, lessonId: string): Promise<RecordingToFinish[]> {
  const rows = await db.query<{ id: string; started_at: Date | string; ended_at: Date | string; manual: boolean; visibility: string }>(
    `select r.id, r.started_at, r.ended_at, r.manual, l.visibility from recordings r join lessons l on l.id = r.lesson_id
      where r.lesson_id = $1 and r.state = 'recording' and r.ended_at is not null order by r.started_at`,
    [lessonId],
  );
  return rows.map((row) => ({
    id: row.id,
    startedAt: new Date(row.started_at),
    endedAt: new Date(row.ended_at),
    manual: row.manual,
    protected: row.visibility !== 'public',
  }));
}

export async function markRecordingReady(
  db: Queryable,
  id: string,
  summary: { durationSeconds: number; sizeBytes: number; segmentCount: number; renditions: string[] },
): Promise<void> {
  await db.query(
    `update recordings set state = 'ready', duration_seconds = $2, size_bytes = $3, segment_count = $4, renditions = $5, failure = null, updated_at = now()
      where id = $1`,
    [id, summary.durationSeconds, summary.sizeBytes, summary.segmentCount, summary.renditions],
  );
}

export async function markRecordingFailed(db: Queryable, id: string, failure: string): Promise<void> {
  await db.query("update recordings set state = 'failed', failure = $2, updated_at = now() where id = $1", [id, failure]);
}

export async function setRecordingPinned(db: Queryable, id: string, pinned: boolean): Promise<void> {
  await db.query('update recordings set pinned = $2, updated_at = now() where id = $1', [id, pinned]);
}

export async function deleteRecordingRow(db: Queryable, id: string): Promise<boolean> {
  return (await db.query('delete from recordings where id = $1 returning id', [id])).length > 0;
}

/**
 * Claims the MP4 preparation: true when this caller should start it (nothing prepared, the last
 * attempt failed, or a preparation stopped reporting progress two minutes ago because its process
 * died), false when it is under way or done. Atomic, so two requests start one job.
 */
export async function claimMp4(db: Queryable, id: string): Promise<boolean> {
  const rows = await db.query(
    `update recordings set mp4_state = 'preparing', mp4_progress = 0, mp4_failure = null, updated_at = now()
      where id = $1 and state = 'ready'
        and (mp4_state in ('none', 'failed') or (mp4_state = 'preparing' and updated_at < now() - interval '2 minutes'))
      returning id`,
    [id],
  );
  return rows.length > 0;
}

export async function setMp4Progress(db: Queryable, id: string, progress: number): Promise<void> {
  await db.query("update recordings set mp4_progress = $2, updated_at = now() where id = $1 and mp4_state = 'preparing'", [id, progress]);
}

export async function finishMp4(db: Queryable, id: string, outcome: { sizeBytes: number } | { failure: string }): Promise<void> {
  if ('sizeBytes' in outcome) {
    await db.query("update recordings set mp4_state = 'ready', mp4_progress = 100, mp4_size_bytes = $2, updated_at = now() where id = $1", [id, outcome.sizeBytes]);
  } else {
    await db.query("update recordings set mp4_state = 'failed', mp4_failure = $2, updated_at = now() where id = $1", [id, outcome.failure]);
  }
}

/** A lesson's replay as the timetable lists it: where to watch it and whether its MP4 is downloadable. */
export type LessonReplay = {
  recordingId: string;
  durationSeconds: number | null;
  replayUrl: string;
  mp4: { state: Mp4State; url: string };
};

/**
 * The ready replays of these lessons, oldest first per lesson (a lesson stopped and restarted by
 * hand has several). The caller has already narrowed the lessons to those it may see; a replay is
 * visible like its lesson.
 */
export async function replaysOfLessons(db: Queryable, lessonIds: readonly string[]): Promise<Map<string, LessonReplay[]>> {
  const byLesson = new Map<string, LessonReplay[]>();
  if (lessonIds.length === 0) return byLesson;
  const rows = await db.query<{ id: string; lesson_id: string; duration_seconds: number | null; mp4_state: Mp4State }>(
    "select id, lesson_id, duration_seconds, mp4_state from recordings where lesson_id = any($1::text[]) and state = 'ready' order by started_at, id",
    [lessonIds],
  );
  for (const row of rows) {
    const replay = { recordingId: row.id, durationSeconds: row.duration_seconds, replayUrl: `/replay/${row.id}`, mp4: { state: row.mp4_state, url: `/api/v1/recordings/${row.id}/mp4` } };
    byLesson.set(row.lesson_id, [...(byLesson.get(row.lesson_id) ?? []), replay]);
  }
  return byLesson;
}

/** A school's recordings and the storage they use (replay files and prepared MP4s), with its retention. */
export type SchoolStorage = { schoolId: number; schoolName: string; recordings: number; pinned: number; bytes: number; retentionDays: number | null };

/** Storage per school, biggest first (schoolId: that school only). Recordings of classrooms without a school are not counted. */
export async function storageBySchool(db: Queryable, schoolId?: number): Promise<SchoolStorage[]> {
  const rows = await db.query<{ id: number; name: string; recordings: number; pinned: number; bytes: number | string; retention: number | null }>(
    `select s.id, s.name, count(g.id)::int as recordings, count(g.id) filter (where g.pinned)::int as pinned,
       coalesce(sum(coalesce(g.size_bytes, 0) + coalesce(g.mp4_size_bytes, 0)), 0)::bigint as bytes, s.recording_retention_days as retention
     from schools s left join classrooms r on r.school_id = s.id left join lessons l on l.classroom_id = r.id left join recordings g on g.lesson_id = l.id
     where ($1::integer is null or s.id = $1)
     group by s.id order by bytes desc, s.name, s.id`,
    [schoolId ?? null],
  );
  return rows.map((row) => ({ schoolId: row.id, schoolName: row.name, recordings: row.recordings, pinned: row.pinned, bytes: Number(row.bytes), retentionDays: row.retention }));
}
