// Courses of a school (title, subject, grade, teacher) and their courseware files. The files' bytes
// live on disk (services/catalog/courseware); this file keeps their names and types.
import { queryOne, type Queryable } from '../db/database.ts';
import { conditions, escapeLike, listPage, type Listed, type PageWindow } from './sql-helpers.ts';

export type CoursewareFile = { id: number; name: string; contentType: string; sizeBytes: number; url: string };
export type Course = {
  id: number;
  schoolId: number;
  schoolName: string;
  title: string;
  subject: string;
  grade: string;
  teacherAccountId: number | null;
  teacherName: string;
  description: string;
  files: CoursewareFile[];
};
export type CourseFilter = { schoolId?: number | undefined; subject?: string | undefined; grade?: string | undefined; q?: string | undefined };
export type CourseInput = {
  schoolId: number;
  title: string;
  subject: string;
  grade: string;
  teacherAccountId: number | null;
  teacherName: string;
  description: string;
};
export type StoredFile = { id: number; courseId: number; name: string; contentType: string; sizeBytes: number; storedName: string };

type CourseRow = {
  id: number;
  school_id: number;
  school_name: string;
  title: string;
  subject: string;
  grade: string;
  teacher_account_id: number | null;
  teacher_name: string;
  description: string;
};
type FileRow = { id: number; course_id: number; name: string; content_type: string; size_bytes: number; stored_name: string };

/** The teacher's name as typed on the course, else the name of the teacher's account. */
export const teacherNameSql = "coalesce(nullif(c.teacher_name, ''), t.display_name, '')";
const select = `select c.id, c.school_id, s.name as school_name, c.title, c.subject, c.grade, c.teacher_account_id,
  ${teacherNameSql} as teacher_name, c.description`;
const from = 'from courses c join schools s on s.id = c.school_id left join accounts t on t.id = c.teacher_account_id';

export const coursewareUrl = (courseId: number, fileId: number): string => `/api/v1/courses/${courseId}/files/${fileId}`;

const toFile = (row: FileRow): CoursewareFile => ({
  id: row.id,
  name: row.name,
  contentType: row.content_type,
  sizeBytes: row.size_bytes,
  url: coursewareUrl(row.course_id, row.id),
});

async function withFiles(db: Queryable, rows: CourseRow[]): Promise<Course[]> {
  if (rows.length === 0) return [];
  const files = await db.query<FileRow>('select * from courseware_files where course_id = any($1::int[]) order by name, id', [rows.map((row) => row.id)]);
  return rows.map((row) => ({
    id: row.id,
    schoolId: row.school_id,
    schoolName: row.school_name,
    title: row.title,
    subject: row.subject,
    grade: row.grade,
    teacherAccountId: row.teacher_account_id,
    teacherName: row.teacher_name,
    description: row.description,
    files: files.filter((file) => file.course_id === row.id).map(toFile),
  }));
}

export async function listCourses(db: Queryable, filter: CourseFilter, window: PageWindow): Promise<Listed<Course>> {
  const where = conditions();
  if (filter.schoolId !== undefined) where.add('c.school_id = $?', filter.schoolId);
  if (filter.subject !== undefined) where.add('c.subject = $?', filter.subject);
  if (filter.grade !== undefined) where.add('c.grade = $?', filter.grade);
  if (filter.q !== undefined) {
    const pattern = where.param(`%${escapeLike(filter.q)}%`);
    where.add(`(c.title ilike ${pattern} escape '\\' or c.subject ilike ${pattern} escape '\\' or ${teacherNameSql} ilike ${pattern} escape '\\')`);
  }
  const page = await listPage(db, { select, from, where, orderBy: 's.name, c.title, c.id' }, window, (row: CourseRow) => row);
  return { items: await withFiles(db, page.items), total: page.total };
}

export async function getCourse(db: Queryable, id: number): Promise<Course | undefined> {
  const rows = await db.query<CourseRow>(`${select} ${from} where c.id = $1`, [id]);
  return (await withFiles(db, rows))[0];
}

export async function createCourse(db: Queryable, input: CourseInput): Promise<Course> {
  const row = await queryOne<{ id: number }>(
    db,
    `insert into courses (school_id, title, subject, grade, teacher_account_id, teacher_name, description)
     values ($1, $2, $3, $4, $5, $6, $7) returning id`,
    [input.schoolId, input.title, input.subject, input.grade, input.teacherAccountId, input.teacherName, input.description],
  );
  return (await getCourse(db, row!.id))!;
}

export type CourseChange = Partial<CourseInput>;

/** Changes the fields given; `teacherAccountId: null` unassigns the teacher. */
export async function updateCourse(db: Queryable, id: number, change: CourseChange): Promise<Course | undefined> {
  const row = await queryOne<{ id: number }>(
    db,
    `update courses set title = coalesce($2, title), subject = coalesce($3, subject), grade = coalesce($4, grade),
       teacher_account_id = case when $5::boolean then $6::integer else teacher_account_id end,
       teacher_name = coalesce($7, teacher_name), description = coalesce($8, description), school_id = coalesce($9, school_id),
       updated_at = now()
     where id = $1 returning id`,
    [
      id,
      change.title ?? null,
      change.subject ?? null,
      change.grade ?? null,
      change.teacherAccountId !== undefined,
      change.teacherAccountId ?? null,
      change.teacherName ?? null,
      change.description ?? null,
      change.schoolId ?? null,
    ],
  );
  return row && getCourse(db, row.id);
}

/** Deletes the course and its file records; returns the stored names so the caller can remove the bytes. */
export async function deleteCourse(db: Queryable, id: number): Promise<{ deleted: boolean; storedNames: string[] }> {
  const files = await db.query<{ stored_name: string }>('select stored_name from courseware_files where course_id = $1', [id]);
  const deleted = (await db.query('delete from courses where id = $1 returning id', [id])).length > 0;
  return { deleted, storedNames: files.map((file) => file.stored_name) };
}

export async function countLessonsOfCourse(db: Queryable, id: number): Promise<number> {
  const row = await queryOne<{ count: number }>(db, 'select count(*)::int as count from lessons where course_id = $1', [id]);
  return row?.count ?? 0;
}

/** The account a course names as its teacher, to check it belongs to the course's school. */
export async function getTeacherCandidate(db: Queryable, accountId: number): Promise<{ id: number; role: string; schoolId: number | null; displayName: string } | undefined> {
  const row = await queryOne<{ id: number; role: string; school_id: number | null; display_name: string }>(
    db,
    'select id, role, school_id, display_name from accounts where id = $1 and not disabled',
    [accountId],
  );
  return row && { id: row.id, role: row.role, schoolId: row.school_id, displayName: row.display_name };
}

export async function addCoursewareFile(db: Queryable, input: Omit<StoredFile, 'id'>): Promise<CoursewareFile> {
  const row = await queryOne<FileRow>(
    db,
    'insert into courseware_files (course_id, name, content_type, size_bytes, stored_name) values ($1, $2, $3, $4, $5) returning *',
    [input.courseId, input.name, input.contentType, input.sizeBytes, input.storedName],
  );
  return toFile(row!);
}

export async function getCoursewareFile(db: Queryable, courseId: number, fileId: number): Promise<StoredFile | undefined> {
  const row = await queryOne<FileRow>(db, 'select * from courseware_files where course_id = $1 and id = $2', [courseId, fileId]);
  return row && { id: row.id, courseId: row.course_id, name: row.name, contentType: row.content_type, sizeBytes: row.size_bytes, storedName: row.stored_name };
}

export async function deleteCoursewareFile(db: Queryable, courseId: number, fileId: number): Promise<boolean> {
  return (await db.query('delete from courseware_files where course_id = $1 and id = $2 returning id', [courseId, fileId])).length > 0;
}
