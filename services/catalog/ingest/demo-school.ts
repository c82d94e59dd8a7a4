// `classcast all` pushes a demo lesson; for it to appear in the timetable like any other, the
// catalog holds a demo city, school and classroom. Created when missing, left alone otherwise.
import { randomBytes } from 'node:crypto';
import type { Queryable } from '../db/database.ts';

export const demoCityName = 'Demo City';
export const demoSchoolName = 'Demo School';

/** Returns the demo classroom's primary key, the one the demo encoder must push with. */
export async function ensureDemoClassroom(db: Queryable, classroomId: string, configuredKey?: string): Promise<string> {
  const province = (await db.query<{ id: number }>('select id from provinces order by id limit 1'))[0]!;
  await db.query('insert into cities (province_id, name) values ($1, $2) on conflict do nothing', [province.id, demoCityName]);
  const city = (await db.query<{ id: number }>('select id from cities where province_id = $1 and name = $2', [province.id, demoCityName]))[0]!;
  await db.query('insert into schools (city_id, name) values ($1, $2) on conflict do nothing', [city.id, demoSchoolName]);
  const school = (await db.query<{ id: number }>('select id from schools where city_id = $1 and name = $2', [city.id, demoSchoolName]))[0]!;
  await db.query(
    'insert into classrooms (id, school_id, name, primary_key) values ($1, $2, $3, $4) on conflict do nothing',
    [classroomId, school.id, classroomId === 'demo-classroom' ? 'Demo classroom' : classroomId, configuredKey ?? `demo_${randomBytes(12).toString('hex')}`],
  );
  // A demo classroom created from --classroom before it had a school is placed in the demo school.
  await db.query('update classrooms set school_id = $2, updated_at = now() where id = $1 and school_id is null', [classroomId, school.id]);
  const classroom = (await db.query<{ primary_key: string }>('select primary_key from classrooms where id = $1', [classroomId]))[0];
  if (!classroom) throw new Error(`cannot create the demo classroom ${classroomId} in the catalog (its name or key is taken); set demo.classroomId to another id`);
  return classroom.primary_key;
}
