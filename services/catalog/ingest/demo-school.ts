// `classcast all` pushes a demo lesson; for it to appear in the timetable like any other, the
// catalog holds a demo city, school, classroom and course, named in the platform's default language
// (web.defaultLocale): 示范市 / 示范学校 / 高一(1)班 / 数学 for a Chinese province. Created when
// missing, left alone otherwise (a demo classroom made earlier keeps its school and names).
import { randomBytes } from 'node:crypto';
import type { Locale } from '../../../player/src/i18n/locales.ts';
import type { Queryable } from '../db/database.ts';

export type DemoNames = {
  city: string;
  school: string;
  classroom: string;
  course: { title: string; subject: string; grade: string; teacherName: string };
};

export const demoNames: Record<Locale, DemoNames> = {
  'zh-CN': { city: '示范市', school: '示范学校', classroom: '高一(1)班', course: { title: '高一数学', subject: '数学', grade: '高一', teacherName: '李老师' } },
  en: { city: 'Demo City', school: 'Demo School', classroom: 'Demo classroom', course: { title: 'Mathematics 10', subject: 'Mathematics', grade: '10', teacherName: 'Ms Li' } },
};

/** Returns the demo classroom's primary key, the one the demo encoder must push with. */
export async function ensureDemoClassroom(db: Queryable, classroomId: string, configuredKey?: string, locale: Locale = 'zh-CN'): Promise<string> {
  const existing = (await db.query<{ primary_key: string; school_id: number | null }>('select primary_key, school_id from classrooms where id = $1', [classroomId]))[0];
  if (existing && existing.school_id !== null) return existing.primary_key;
  const names = demoNames[locale];
  const province = (await db.query<{ id: number }>('select id from provinces order by id limit 1'))[0]!;
  await db.query('insert into cities (province_id, name) values ($1, $2) on conflict do nothing', [province.id, names.city]);
  const city = (await db.query<{ id: number }>('select id from cities where province_id = $1 and name = $2', [province.id, names.city]))[0]!;
  await db.query('insert into schools (city_id, name) values ($1, $2) on conflict do nothing', [city.id, names.school]);
  const school = (await db.query<{ id: number }>('select id from schools where city_id = $1 and name = $2', [city.id, names.school]))[0]!;
  const { course } = names;
  await db.query('insert into courses (school_id, title, subject, grade, teacher_name) values ($1, $2, $3, $4, $5) on conflict do nothing', [
    school.id,
    course.title,
    course.subject,
    course.grade,
    course.teacherName,
  ]);
  await db.query(
    'insert into classrooms (id, school_id, name, primary_key) values ($1, $2, $3, $4) on conflict do nothing',
    [classroomId, school.id, classroomId === 'demo-classroom' ? names.classroom : classroomId, configuredKey ?? `demo_${randomBytes(12).toString('hex')}`],
  );
  // A demo classroom created from --classroom before it had a school is placed in the demo school.
  await db.query('update classrooms set school_id = $2, updated_at = now() where id = $1 and school_id is null', [classroomId, school.id]);
  const classroom = (await db.query<{ primary_key: string }>('select primary_key from classrooms where id = $1', [classroomId]))[0];
  if (!classroom) throw new Error(`cannot create the demo classroom ${classroomId} in the catalog (its name or key is taken); set demo.classroomId to another id`);
  return classroom.primary_key;
}
