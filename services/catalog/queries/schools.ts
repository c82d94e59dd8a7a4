// Schools: each belongs to a city and owns classrooms, courses and accounts.
import { queryOne, type Queryable } from '../db/database.ts';
import type { Visibility } from './lessons.ts';
import { conditions, listPage, type Listed, type PageWindow } from './sql-helpers.ts';

/**
 * `recordingRetentionDays`: how long its lessons' recordings are kept; null: the platform default.
 * `recordLessons`: whether its lessons are recorded by default (a lesson may override it).
 * `defaultVisibility`: the visibility its classrooms' ad-hoc lessons take (a classroom may override it).
 */
export type School = {
  id: number;
  cityId: number;
  cityName: string;
  name: string;
  classroomCount: number;
  recordingRetentionDays: number | null;
  recordLessons: boolean;
  defaultVisibility: Visibility;
};
export type SchoolFilter = { cityId?: number | undefined };

type SchoolRow = {
  id: number;
  city_id: number;
  city_name: string;
  name: string;
  classroom_count: number;
  recording_retention_days: number | null;
  record_lessons: boolean;
  default_visibility: Visibility;
};

const select =
  'select s.id, s.city_id, c.name as city_name, s.name, s.recording_retention_days, s.record_lessons, s.default_visibility, (select count(*)::int from classrooms r where r.school_id = s.id) as classroom_count';
const from = 'from schools s join cities c on c.id = s.city_id';

const toSchool = (row: SchoolRow): School => ({
  id: row.id,
  cityId: row.city_id,
  cityName: row.city_name,
  name: row.name,
  classroomCount: row.classroom_count,
  recordingRetentionDays: row.recording_retention_days,
  recordLessons: row.record_lessons,
  defaultVisibility: row.default_visibility,
});

export function listSchools(db: Queryable, filter: SchoolFilter, window: PageWindow): Promise<Listed<School>> {
  const where = conditions();
  if (filter.cityId !== undefined) where.add('s.city_id = $?', filter.cityId);
  return listPage(db, { select, from, where, orderBy: 'c.name, s.name, s.id' }, window, toSchool);
}

export async function getSchool(db: Queryable, id: number): Promise<School | undefined> {
  const row = await queryOne<SchoolRow>(db, `${select} ${from} where s.id = $1`, [id]);
  return row && toSchool(row);
}

export async function createSchool(
  db: Queryable,
  input: { cityId: number; name: string; recordLessons?: boolean | undefined; defaultVisibility?: Visibility | undefined },
): Promise<School> {
  const row = await queryOne<{ id: number }>(
    db,
    "insert into schools (city_id, name, record_lessons, default_visibility) values ($1, $2, $3, coalesce($4, 'public')) returning id",
    [input.cityId, input.name, input.recordLessons ?? true, input.defaultVisibility ?? null],
  );
  return (await getSchool(db, row!.id))!;
}

export type SchoolChanges = {
  cityId?: number | undefined;
  name?: string | undefined;
  recordingRetentionDays?: number | null | undefined;
  recordLessons?: boolean | undefined;
  defaultVisibility?: Visibility | undefined;
};

/** Changes what is given; `recordingRetentionDays: null` goes back to the platform default. */
export async function updateSchool(db: Queryable, id: number, changes: SchoolChanges): Promise<School | undefined> {
  const row = await queryOne<{ id: number }>(
    db,
    `update schools set city_id = coalesce($2, city_id), name = coalesce($3, name),
       recording_retention_days = case when $4 then $5::integer else recording_retention_days end,
       record_lessons = coalesce($6, record_lessons), default_visibility = coalesce($7, default_visibility), updated_at = now()
      where id = $1 returning id`,
    [
      id,
      changes.cityId ?? null,
      changes.name ?? null,
      changes.recordingRetentionDays !== undefined,
      changes.recordingRetentionDays ?? null,
      changes.recordLessons ?? null,
      changes.defaultVisibility ?? null,
    ],
  );
  return row && getSchool(db, row.id);
}

export async function deleteSchool(db: Queryable, id: number): Promise<boolean> {
  return (await db.query('delete from schools where id = $1 returning id', [id])).length > 0;
}

/** What still refers to a school, so a delete can be refused with a reason rather than a constraint name. */
export async function schoolDependents(db: Queryable, id: number): Promise<{ classrooms: number; courses: number; accounts: number }> {
  const row = await queryOne<{ classrooms: number; courses: number; accounts: number }>(
    db,
    `select (select count(*)::int from classrooms where school_id = $1) as classrooms,
            (select count(*)::int from courses where school_id = $1) as courses,
            (select count(*)::int from accounts where school_id = $1) as accounts`,
    [id],
  );
  return row!;
}
