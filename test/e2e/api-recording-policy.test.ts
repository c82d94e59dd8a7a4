// The recording switch through the real API on both databases: a school's `recordLessons` (set by
// operators and the school's admins only) and a lesson's `record` (set by whoever may change the
// lesson), the effective rule each lesson reports (`recordEffective`: the lesson's own switch, else
// its school's), the default recording that follows it when a lesson goes live, and a manual start
// that still works in a lesson whose switch is off.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { openDefaultRecording } from '../../services/catalog/ingest/recording-lifecycle.ts';
import { catalogDatabaseUrls } from '../helpers/databases.ts';
import { startFixture, type Fixture } from '../helpers/api-fixtures.ts';

const hour = 3600_000;
const at = (ms: number) => new Date(ms).toISOString();

for (const database of await catalogDatabaseUrls()) {
  describe(`the recording switch on ${database.name}`, () => {
    let f: Fixture;
    before(async () => {
      f = await startFixture(database.url);
    });
    after(() => f.catalog.close());

    /** A lesson of a course taught by the school's teacher, starting now. */
    const lessonOf = async (school: Awaited<ReturnType<Fixture['school']>>, body: Record<string, unknown> = {}) => {
      const room = await f.classroom(school.id);
      const course = await f.course(school.id, { teacherAccountId: school.teacherId });
      const start = Date.now() - hour / 4;
      const created = await f.catalog.api('post', '/lessons', {
        token: school.tokens.teacher,
        body: { classroomId: room.id, courseId: course.id, title: f.unique('Lesson'), startsAt: at(start), endsAt: at(start + hour), ...body },
      });
      assert.equal(created.status, 201, JSON.stringify(created.body));
      return created.body as { id: string; record: boolean | null; recordEffective: boolean };
    };
    const getLesson = async (id: string) => (await f.catalog.api('get', `/lessons/${id}`, { token: f.operator })).body;

    test("a school records its lessons by default; its admins and operators switch it, nobody else", async () => {
      const school = await f.school();
      const other = await f.school();
      const patch = (body: unknown, token?: string) => f.catalog.api('patch', `/schools/${school.id}`, { body, ...(token ? { token } : {}) });
      assert.equal((await f.catalog.api('get', `/schools/${school.id}`)).body.recordLessons, true);
      assert.equal((await patch({ recordLessons: false })).status, 401);
      assert.equal((await patch({ recordLessons: false }, school.tokens.teacher)).status, 403);
      assert.equal((await patch({ recordLessons: false }, school.tokens.student)).status, 403);
      assert.equal((await patch({ recordLessons: false }, other.tokens.school_admin)).status, 403);
      const bad = await patch({ recordLessons: 'no' }, f.operator);
      assert.equal(bad.status, 400);
      assert.match(bad.body.error.message, /recordLessons/);
      assert.equal((await f.catalog.api('get', `/schools/${school.id}`)).body.recordLessons, true, 'refused changes changed nothing');

      const byAdmin = await patch({ recordLessons: false }, school.tokens.school_admin);
      assert.equal(byAdmin.status, 200, JSON.stringify(byAdmin.body));
      assert.equal(byAdmin.body.recordLessons, false);
      const renamed = await patch({ name: f.unique('Renamed') }, school.tokens.school_admin);
      assert.equal(renamed.body.recordLessons, false, 'a rename keeps the switch');
      const byOperator = await patch({ recordLessons: true }, f.operator);
      assert.equal(byOperator.body.recordLessons, true);

      const { id: cityId } = await f.city();
      const created = await f.catalog.api('post', '/schools', { token: f.operator, body: { cityId, name: f.unique('School'), recordLessons: false } });
      assert.equal(created.status, 201, JSON.stringify(created.body));
      assert.equal(created.body.recordLessons, false);
      const listed = await f.catalog.api('get', `/schools?cityId=${cityId}`);
      assert.deepEqual(listed.body.items.map((item: { recordLessons: boolean }) => item.recordLessons), [false]);
    });

    test("a lesson follows its school unless it says otherwise; whoever may change the lesson sets its switch", async () => {
      const school = await f.school();
      const other = await f.school();
      const lesson = await lessonOf(school);
      assert.equal(lesson.record, null);
      assert.equal(lesson.recordEffective, true);

      const patch = (body: unknown, token: string) => f.catalog.api('patch', `/lessons/${lesson.id}`, { token, body });
      assert.equal((await patch({ record: false }, school.tokens.student)).status, 403);
      assert.equal((await patch({ record: false }, other.tokens.teacher)).status, 403);
      assert.equal((await patch({ record: false }, other.tokens.school_admin)).status, 403);
      assert.equal((await patch({ record: 'off' }, school.tokens.teacher)).status, 400);
      assert.equal((await getLesson(lesson.id)).record, null, 'refused changes changed nothing');

      const off = await patch({ record: false }, school.tokens.teacher);
      assert.equal(off.status, 200, JSON.stringify(off.body));
      assert.deepEqual([off.body.record, off.body.recordEffective], [false, false]);
      const retitled = await patch({ title: f.unique('Retitled') }, school.tokens.school_admin);
      assert.deepEqual([retitled.body.record, retitled.body.recordEffective], [false, false], 'a change without record keeps it');

      // The school switched off: a lesson that follows it is off, one switched on stays on.
      assert.equal((await f.catalog.api('patch', `/schools/${school.id}`, { token: school.tokens.school_admin, body: { recordLessons: false } })).status, 200);
      const on = await patch({ record: true }, f.operator);
      assert.deepEqual([on.body.record, on.body.recordEffective], [true, true]);
      const follows = await patch({ record: null }, school.tokens.teacher);
      assert.deepEqual([follows.body.record, follows.body.recordEffective], [null, false]);
      const created = await lessonOf(school, { record: true });
      assert.deepEqual([created.record, created.recordEffective], [true, true]);

      // Every listing reports the same effective switch.
      const listed = await f.catalog.api('get', `/lessons?schoolId=${school.id}`, { token: f.operator });
      const effective = Object.fromEntries(listed.body.items.map((item: { id: string; recordEffective: boolean }) => [item.id, item.recordEffective]));
      assert.deepEqual(effective, { [lesson.id]: false, [created.id]: true });
      const timetable = await f.catalog.api('get', `/timetable?schoolId=${school.id}`, { token: f.operator });
      assert.deepEqual(
        Object.fromEntries(timetable.body.items.map((item: { id: string; recordEffective: boolean }) => [item.id, item.recordEffective])),
        effective,
      );
    });

    test('going live opens the default recording only when the switch is on; a manual start works either way', async () => {
      const school = await f.school();
      const recorded = await lessonOf(school);
      const unrecorded = await lessonOf(school, { record: false });
      for (const { id } of [recorded, unrecorded]) await f.catalog.db.query("update lessons set state = 'live', went_live_at = now() where id = $1", [id]);
      const defaultId = await openDefaultRecording(f.catalog.db, recorded.id);
      assert.ok(defaultId);
      assert.equal(await openDefaultRecording(f.catalog.db, unrecorded.id), undefined);
      const recordingsOf = async (lessonId: string) => (await f.catalog.api('get', `/recordings?lessonId=${lessonId}`, { token: f.operator })).body.items.map((item: { id: string }) => item.id);
      assert.deepEqual(await recordingsOf(recorded.id), [defaultId]);
      assert.deepEqual(await recordingsOf(unrecorded.id), []);

      // The teacher's choice wins for this session: a manual start records a lesson switched off.
      assert.equal((await f.catalog.api('post', `/lessons/${unrecorded.id}/recording/start`, { token: school.tokens.student })).status, 403);
      const started = await f.catalog.api('post', `/lessons/${unrecorded.id}/recording/start`, { token: school.tokens.teacher });
      assert.equal(started.status, 201, JSON.stringify(started.body));
      assert.equal(started.body.manual, true);
      assert.deepEqual(await recordingsOf(unrecorded.id), [started.body.id]);
      assert.equal((await getLesson(unrecorded.id)).record, false, 'a manual start does not change the switch');
    });
  });
}
