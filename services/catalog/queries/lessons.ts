// Lessons: timetable entries of a classroom (scheduled -> live -> ended, driven by ingest) and
// ad-hoc lessons opened by a publish outside the timetable. One listing query serves GET /lessons
// and the timetable, always narrowed to what the caller may see.
import { queryOne, type Queryable } from '../db/database.ts';
import type { LatencyMode } from '../../core/config/schema.ts';
import { teacherNameSql } from './courses.ts';
import { conditions, escapeLike, iso, listPage, type Conditions, type Listed, type PageWindow } from './sql-helpers.ts';

export const lessonStates = ['scheduled', 'live', 'ended'] as const;
export type LessonState = (typeof lessonStates)[number];
export const visibilities = ['public', 'school', 'protected'] as const;
export type Visibility = (typeof visibilities)[number];

export type Lesson = {
  id: string;
  title: string;
  courseId: number | null;
  courseTitle: string | null;
  subject: string | null;
  grade: string | null;
  teacherName: string | null;
  classroomId: string;
  classroomName: string;
  schoolId: number | null;
  schoolName: string | null;
  cityId: number | null;
  cityName: string | null;
  startsAt: string;
  endsAt: string | null;
  latencyMode: LatencyMode;
  visibility: Visibility;
  /** Whether viewers may share this lesson's segments peer to peer (if the platform allows it). */
  p2pEnabled: boolean;
  /** Whether its default recording opens when it goes live: null follows the school's `recordLessons`. */
  record: boolean | null;
  /** What applies: `record`, else the school's switch (a lesson of no school is recorded). */
  recordEffective: boolean;
  state: LessonState;
  adHoc: boolean;
  wentLiveAt: string | null;
  endedAt: string | null;
  /** When someone asked to end it ("End lesson now"); null if nobody did. Such a lesson is never continued. */
  endRequestedAt: string | null;
  masterUrl: string;
  watchUrl: string;
};

/** Which lessons a caller may read: everything, public ones plus one school's, or public ones only. */
export type LessonScope = { kind: 'all' } | { kind: 'public-or-school'; schoolId: number } | { kind: 'public' };

export type LessonFilter = {
  state?: LessonState | undefined;
  classroomId?: string | undefined;
  courseId?: number | undefined;
  schoolId?: number | undefined;
  cityId?: number | undefined;
  grade?: string | undefined;
  subject?: string | undefined;
  /** Free text matched against the lesson and course titles, the teacher and the school. */
  q?: string | undefined;
  /** Lessons overlapping [from, to). */
  from?: Date | undefined;
  to?: Date | undefined;
  /** Only lessons not over yet: live, or scheduled to end after now. */
  notOver?: boolean | undefined;
  /** Live lessons before the others (the timetable's order). */
  liveFirst?: boolean | undefined;
};

export type LessonInput = {
  courseId: number | null;
  classroomId: string;
  title: string;
  startsAt: Date;
  /** Null only for ad-hoc lessons, which have no planned end. */
  endsAt: Date | null;
  latencyMode: LatencyMode;
  visibility: Visibility;
  p2pEnabled: boolean;
  record: boolean | null;
};

type LessonRow = {
  id: string;
  title: string;
  course_id: number | null;
  course_title: string | null;
  subject: string | null;
  grade: string | null;
  teacher_name: string | null;
  teacher_account_id: number | null;
  classroom_id: string;
  classroom_name: string;
  school_id: number | null;
  school_name: string | null;
  city_id: number | null;
  city_name: string | null;
  starts_at: Date;
  ends_at: Date | null;
  latency_mode: LatencyMode;
  visibility: Visibility;
  p2p_enabled: boolean;
  record: boolean | null;
  record_effective: boolean;
  state: LessonState;
  ad_hoc: boolean;
  went_live_at: Date | null;
  ended_at: Date | null;
  end_requested_at: Date | null;
};

/** The effective recording switch of lesson `l` (its school joined as `s`); recording-lifecycle.ts applies the same rule. */
export const recordEffectiveSql = 'coalesce(l.record, s.record_lessons, true)';

/**
 * The visibility an ad-hoc lesson in classroom `r` (its school joined as `s`) takes: the classroom's
 * default, else the school's; a classroom in no school without a default of its own is public
 * (009_default_visibility.sql).
 */
export const adHocVisibilitySql = "coalesce(r.default_visibility, s.default_visibility, 'public')";

const select = `select l.id, l.title, l.course_id, c.title as course_title, c.subject, c.grade,
  case when c.id is null then null else ${teacherNameSql} end as teacher_name, c.teacher_account_id,
  l.classroom_id, r.name as classroom_name, r.school_id, s.name as school_name, s.city_id, ci.name as city_name,
  l.starts_at, l.ends_at, l.latency_mode, l.visibility, l.p2p_enabled, l.record,
  ${recordEffectiveSql} as record_effective, l.state, l.ad_hoc, l.went_live_at, l.ended_at, l.end_requested_at`;
const from = `from lessons l join classrooms r on r.id = l.classroom_id left join schools s on s.id = r.school_id
  left join cities ci on ci.id = s.city_id left join courses c on c.id = l.course_id left join accounts t on t.id = c.teacher_account_id`;

function toLesson(row: LessonRow): Lesson {
  return {
    id: row.id,
    title: row.title,
    courseId: row.course_id,
    courseTitle: row.course_title,
    subject: row.subject,
    grade: row.grade,
    teacherName: row.teacher_name,
    classroomId: row.classroom_id,
    classroomName: row.classroom_name,
    schoolId: row.school_id,
    schoolName: row.school_name,
    cityId: row.city_id,
    cityName: row.city_name,
    startsAt: iso(row.starts_at)!,
    endsAt: iso(row.ends_at),
    latencyMode: row.latency_mode,
    visibility: row.visibility,
    p2pEnabled: row.p2p_enabled,
    record: row.record,
    recordEffective: row.record_effective,
    state: row.state,
    adHoc: row.ad_hoc,
    wentLiveAt: iso(row.went_live_at),
    endedAt: iso(row.ended_at),
    endRequestedAt: iso(row.end_requested_at),
    masterUrl: `/live/${row.id}/master.m3u8`,
    watchUrl: `/watch/${row.id}`,
  };
}

function addScope(where: Conditions, scope: LessonScope): void {
  if (scope.kind === 'public') where.add("l.visibility = 'public'");
  if (scope.kind === 'public-or-school') where.add("(l.visibility = 'public' or r.school_id = $?)", scope.schoolId);
}

function addFilter(where: Conditions, filter: LessonFilter): void {
  if (filter.state !== undefined) where.add('l.state = $?', filter.state);
  if (filter.classroomId !== undefined) where.add('l.classroom_id = $?', filter.classroomId);
  if (filter.courseId !== undefined) where.add('l.course_id = $?', filter.courseId);
  if (filter.schoolId !== undefined) where.add('r.school_id = $?', filter.schoolId);
  if (filter.cityId !== undefined) where.add('s.city_id = $?', filter.cityId);
  if (filter.grade !== undefined) where.add('c.grade = $?', filter.grade);
  if (filter.subject !== undefined) where.add('c.subject = $?', filter.subject);
  if (filter.q !== undefined) {
    const pattern = where.param(`%${escapeLike(filter.q)}%`);
    where.add(
      `(l.title ilike ${pattern} escape '\\' or c.title ilike ${pattern} escape '\\' or ${teacherNameSql} ilike ${pattern} escape '\\' or s.name ilike ${pattern} escape '\\')`,
    );
  }
  // A lesson belongs to a window when it overlaps it; one without a planned end (ad hoc) lasts until it ended, or until now.
  if (filter.to !== undefined) where.add('l.starts_at < $?', filter.to);
  if (filter.from !== undefined) where.add('coalesce(l.ends_at, l.ended_at, now()) > $?', filter.from);
  if (filter.notOver) where.add("(l.state = 'live' or (l.state = 'scheduled' and l.ends_at > now()))");
}

export function listLessons(db: Queryable, scope: LessonScope, filter: LessonFilter, window: PageWindow): Promise<Listed<Lesson>> {
  const where = conditions();
  addScope(where, scope);
  addFilter(where, filter);
  const orderBy = `${filter.liveFirst ? "(l.state = 'live') desc, " : ''}l.starts_at, l.id`;
  return listPage(db, { select, from, where, orderBy }, window, toLesson);
}

/** The lesson and the teacher account of its course (who may change it). */
export async function getLesson(db: Queryable, id: string): Promise<{ lesson: Lesson; teacherAccountId: number | null } | undefined> {
  const row = await queryOne<LessonRow>(db, `${select} ${from} where l.id = $1`, [id]);
  return row && { lesson: toLesson(row), teacherAccountId: row.teacher_account_id };
}

/** Ids already taken that start with `base`, for newLessonId's `taken` check. */
export async function lessonIdsStartingWith(db: Queryable, base: string): Promise<Set<string>> {
  const rows = await db.query<{ id: string }>("select id from lessons where id = $1 or id like $2 escape '\\'", [base, `${escapeLike(base)}-%`]);
  return new Set(rows.map((row) => row.id));
}

/** Another scheduled or live lesson of the classroom overlapping [startsAt, endsAt), if any. */
export async function overlappingLesson(
  db: Queryable,
  input: { classroomId: string; startsAt: Date; endsAt: Date; exceptId: string | null },
): Promise<{ id: string; title: string } | undefined> {
  return queryOne<{ id: string; title: string }>(
    db,
    `select id, title from lessons where classroom_id = $1 and state in ('scheduled', 'live') and id is distinct from $4
       and starts_at < $3 and coalesce(ends_at, now()) > $2 order by starts_at limit 1`,
    [input.classroomId, input.startsAt, input.endsAt, input.exceptId],
  );
}

/**
 * Holds a per-classroom lock until the transaction ends, so two requests scheduling the same
 * classroom at once can't both pass the overlap check.
 */
export async function lockClassroomSchedule(tx: Queryable, classroomId: string): Promise<void> {
  await tx.query("select pg_advisory_xact_lock(hashtext('lessons:' || $1::text))", [classroomId]);
}

export async function insertLesson(db: Queryable, id: string, input: LessonInput): Promise<void> {
  await db.query(
    `insert into lessons (id, course_id, classroom_id, title, starts_at, ends_at, latency_mode, visibility, p2p_enabled, record)
     values ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)`,
    [id, input.courseId, input.classroomId, input.title, input.startsAt, input.endsAt, input.latencyMode, input.visibility, input.p2pEnabled, input.record],
  );
}

/** Replaces the editable fields (never the state: ingest drives it). */
export async function updateLesson(db: Queryable, id: string, input: LessonInput): Promise<boolean> {
  const rows = await db.query(
    `update lessons set course_id = $2, classroom_id = $3, title = $4, starts_at = $5, ends_at = $6, latency_mode = $7,
       visibility = $8, p2p_enabled = $9, record = $10, updated_at = now() where id = $1 returning id`,
    [id, input.courseId, input.classroomId, input.title, input.startsAt, input.endsAt, input.latencyMode, input.visibility, input.p2pEnabled, input.record],
  );
  return rows.length > 0;
}

export async function deleteLesson(db: Queryable, id: string): Promise<boolean> {
  return (await db.query('delete from lessons where id = $1 returning id', [id])).length > 0;
}
