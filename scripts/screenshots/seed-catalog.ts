// A small province to look at: two cities, three schools, classrooms, courses and a day of lessons
// (one starting now, so an encoder pushing to its classroom makes it live).
import type { CatalogClient } from './catalog-client.ts';

type Id = { id: number };

export type SeededCatalog = { liveClassroomId: string; liveLessonId: string; schoolId: number };

export async function seedCatalog(api: CatalogClient, now = new Date()): Promise<SeededCatalog> {
  const at = (minutes: number) => new Date(Math.floor(now.getTime() / 60_000) * 60_000 + minutes * 60_000).toISOString();
  const riverton = await api.request<Id>('POST', '/cities', { name: 'Riverton' });
  const lakeside = await api.request<Id>('POST', '/cities', { name: 'Lakeside' });
  const north = await api.request<Id>('POST', '/schools', { cityId: riverton.id, name: 'North High School' });
  const river = await api.request<Id>('POST', '/schools', { cityId: riverton.id, name: 'Riverside Middle School' });
  const lake = await api.request<Id>('POST', '/schools', { cityId: lakeside.id, name: 'Lakeside Academy' });
  const classrooms: Array<[string, number, string]> = [
    ['north-room-101', north.id, 'Room 101'],
    ['north-lab-2', north.id, 'Science lab 2'],
    ['river-hall', river.id, 'Main hall'],
    ['lake-room-7', lake.id, 'Room 7'],
  ];
  for (const [id, schoolId, name] of classrooms) await api.request('POST', '/classrooms', { id, schoolId, name });
  const course = (schoolId: number, title: string, subject: string, grade: string, teacherName: string) =>
    api.request<Id>('POST', '/courses', { schoolId, title, subject, grade, teacherName, description: `${subject} for grade ${grade}` });
  const algebra = await course(north.id, 'Algebra I', 'Mathematics', '9', 'Ms. Chen');
  const physics = await course(north.id, 'Physics: motion and forces', 'Physics', '10', 'Mr. Okafor');
  const history = await course(river.id, 'World history', 'History', '7', 'Mrs. Alvarez');
  const biology = await course(lake.id, 'Cells and life', 'Biology', '8', 'Dr. Novak');
  const lesson = (classroomId: string, courseId: number, title: string, fromMinutes: number, minutes = 45) =>
    api.request<{ id: string }>('POST', '/lessons', { classroomId, courseId, title, startsAt: at(fromMinutes), endsAt: at(fromMinutes + minutes) });
  const live = await lesson('north-room-101', algebra.id, 'Linear equations in one variable', 0);
  await lesson('north-lab-2', physics.id, "Newton's second law, with experiments", 50);
  await lesson('river-hall', history.id, 'The Silk Road', 90);
  await lesson('lake-room-7', biology.id, 'Inside the cell: organelles', 120);
  await lesson('north-room-101', algebra.id, 'Systems of two equations', 24 * 60);
  return { liveClassroomId: 'north-room-101', liveLessonId: live.id, schoolId: north.id };
}
