// Recordings through the real API on both databases: the default recording a live lesson gets,
// manual stop and start by the lesson's teacher, its school's admin or an operator (never a student
// or another school's teacher), pinning and deletion by operators only and never while the lesson
// is live, and recordings visible like their lessons.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { markEnded } from '../../services/catalog/ingest/lesson-lifecycle.ts';
import { openDefaultRecording } from '../../services/catalog/ingest/recording-lifecycle.ts';
import { markRecordingReady } from '../../services/catalog/queries/recordings.ts';
import { catalogDatabaseUrls } from '../helpers/databases.ts';
import { startFixture, type Fixture } from '../helpers/api-fixtures.ts';

const hour = 3600_000;
const at = (ms: number) => new Date(ms).toISOString();

for (const database of await catalogDatabaseUrls()) {
  describe(`recordings on ${database.name}`, () => {
    let f: Fixture;
    before(async () => {
      f = await startFixture(database.url);
    });
    after(() => f.catalog.close());

    /** A lesson of a course taught by the school's teacher, live now with its default recording. */
    const liveLesson = async (visibility: 'public' | 'school' = 'public') => {
      const school = await f.school();
      const room = await f.classroom(school.id);
      const course = await f.course(school.id, { teacherAccountId: school.teacherId });
      const start = Date.now() - hour / 2;
      const created = await f.catalog.api('post', '/lessons', {
        token: f.operator,
        body: { classroomId: room.id, courseId: course.id, title: f.unique('Lesson'), startsAt: at(start), endsAt: at(start + hour), visibility },
      });
      assert.equal(created.status, 201, JSON.stringify(created.body));
      await f.catalog.db.query("update lessons set state = 'live', went_live_at = now() where id = $1", [created.body.id]);
      const recordingId = await openDefaultRecording(f.catalog.db, created.body.id);
      assert.ok(recordingId, 'a lesson is recorded by default');
      return { school, lessonId: created.body.id as string, recordingId };
    };

    test('a live lesson is recorded by default; its teacher, school admin and operators stop and restart it; others may not', async () => {
      const { school, lessonId, recordingId } = await liveLesson();
      const other = await f.school();
      const first = await f.catalog.api('get', `/recordings/${recordingId}`);
      assert.equal(first.status, 200);
      assert.equal(first.body.state, 'recording');
      assert.equal(first.body.manual, false);
      assert.equal(first.body.endedAt, null);
      assert.equal(first.body.masterUrl, null);

      const stop = (token?: string) => f.catalog.api('post', `/lessons/${lessonId}/recording/stop`, token ? { token } : {});
      const start = (token?: string) => f.catalog.api('post', `/lessons/${lessonId}/recording/start`, token ? { token } : {});
      assert.equal((await stop()).status, 401);
      assert.equal((await stop(school.tokens.student)).status, 403);
      assert.equal((await stop(other.tokens.teacher)).status, 403);
      assert.equal((await stop(other.tokens.school_admin)).status, 403);
      const stopped = await stop(school.tokens.teacher);
      assert.equal(stopped.status, 200, JSON.stringify(stopped.body));
      assert.equal(stopped.body.id, recordingId);
      assert.ok(stopped.body.endedAt !== null);
      assert.equal((await stop(school.tokens.teacher)).status, 409);

      assert.equal((await start(school.tokens.student)).status, 403);
      assert.equal((await start(other.tokens.teacher)).status, 403);
      const restarted = await start(school.tokens.school_admin);
      assert.equal(restarted.status, 201, JSON.stringify(restarted.body));
      assert.notEqual(restarted.body.id, recordingId);
      assert.equal(restarted.body.manual, true);
      assert.equal(restarted.body.state, 'recording');
      assert.equal((await start(f.operator)).status, 409);
      assert.equal((await stop(f.operator)).status, 200);

      const listed = await f.catalog.api('get', `/recordings?lessonId=${lessonId}`);
      assert.equal(listed.status, 200);
      assert.equal(listed.body.total, 2);
      assert.deepEqual(new Set(listed.body.items.map((item: { id: string }) => item.id)), new Set([recordingId, restarted.body.id]));
    });

    test('recording starts and stops only while the lesson is live', async () => {
      const { school, lessonId } = await liveLesson();
      await markEnded(f.catalog.db, lessonId);
      const answer = await f.catalog.api('post', `/lessons/${lessonId}/recording/start`, { token: school.tokens.teacher });
      assert.equal(answer.status, 409);
      assert.match(answer.body.error.message, /not live/);
      assert.equal((await f.catalog.api('post', '/lessons/no-such-lesson/recording/stop', { token: f.operator })).status, 404);
    });

    test("operators and the school's admins pin and delete recordings, never while the lesson is live; deleting removes it", async () => {
      const { school, lessonId, recordingId } = await liveLesson();
      const other = await f.school();
      const pin = (token: string) => f.catalog.api('patch', `/recordings/${recordingId}`, { token, body: { pinned: true } });
      assert.equal((await pin(school.tokens.teacher)).status, 403);
      assert.equal((await pin(other.tokens.school_admin)).status, 403, 'a public recording of another school: readable, not theirs to pin');
      assert.equal((await pin(school.tokens.school_admin)).status, 200, "the school's own admin");
      const pinned = await pin(f.operator);
      assert.equal(pinned.status, 200);
      assert.equal(pinned.body.pinned, true);
      assert.equal((await f.catalog.api('patch', `/recordings/${recordingId}`, { token: f.operator, body: { pinned: 'yes' } })).status, 400);

      const remove = (token: string) => f.catalog.api('delete', `/recordings/${recordingId}`, { token });
      assert.equal((await remove(school.tokens.student)).status, 403);
      assert.equal((await remove(school.tokens.teacher)).status, 403);
      assert.equal((await remove(other.tokens.school_admin)).status, 403);
      const whileLive = await remove(f.operator);
      assert.equal(whileLive.status, 409);
      assert.match(whileLive.body.error.message, /is live/);
      await markEnded(f.catalog.db, lessonId);
      // Ended but not yet made into a replay: still refused.
      assert.equal((await remove(f.operator)).status, 409);
      await markRecordingReady(f.catalog.db, recordingId, { durationSeconds: 12, sizeBytes: 1000, segmentCount: 6, renditions: ['360p'] });
      const ready = await f.catalog.api('get', `/recordings/${recordingId}`);
      assert.equal(ready.body.masterUrl, `/vod/${recordingId}/master.m3u8`);
      assert.equal(ready.body.replayUrl, `/replay/${recordingId}`);
      const mp4 = await f.catalog.api('get', `/recordings/${recordingId}/mp4`);
      assert.equal(mp4.status, 404);
      assert.match(mp4.body.error.hint, /POST/);
      assert.deepEqual((await remove(f.operator)).body, { deleted: true });
      assert.equal((await f.catalog.api('get', `/recordings/${recordingId}`)).status, 404);
    });

    test("storage per school (operators all, a school's admin their own) and the list's school and pinned filters", async () => {
      const { school, lessonId, recordingId } = await liveLesson();
      const other = await f.school();
      await markEnded(f.catalog.db, lessonId);
      await markRecordingReady(f.catalog.db, recordingId, { durationSeconds: 12, sizeBytes: 5000, segmentCount: 6, renditions: ['360p'] });
      const storage = async (token: string, query = '') => f.catalog.api('get', `/recordings/storage${query}`, { token });
      const all = await storage(f.operator);
      assert.equal(all.status, 200);
      assert.equal(all.body.defaultRetentionDays, 180);
      const row = all.body.items.find((item: { schoolId: number }) => item.schoolId === school.id);
      assert.deepEqual({ ...row, schoolName: undefined }, { schoolId: school.id, schoolName: undefined, recordings: 1, pinned: 0, bytes: 5000, retentionDays: null });
      const own = await storage(school.tokens.school_admin);
      assert.deepEqual(own.body.items.map((item: { schoolId: number }) => item.schoolId), [school.id]);
      assert.equal((await storage(school.tokens.school_admin, `?schoolId=${other.id}`)).status, 403);
      assert.equal((await storage(school.tokens.teacher)).status, 403);
      assert.equal((await f.catalog.api('get', '/recordings/storage')).status, 401);

      const ids = async (query: string) => (await f.catalog.api('get', `/recordings?limit=200&${query}`, { token: f.operator })).body.items.map((item: { id: string }) => item.id);
      assert.deepEqual(await ids(`schoolId=${school.id}`), [recordingId]);
      assert.deepEqual(await ids(`schoolId=${other.id}`), []);
      assert.ok(!(await ids('pinned=true')).includes(recordingId));
      assert.equal((await f.catalog.api('patch', `/recordings/${recordingId}`, { token: school.tokens.school_admin, body: { pinned: true } })).status, 200);
      assert.ok((await ids('pinned=true')).includes(recordingId));
      assert.ok(!(await ids('pinned=false')).includes(recordingId));
      assert.equal((await f.catalog.api('get', '/recordings?pinned=maybe', { token: f.operator })).status, 400);
    });

    test('a school lesson\'s recordings are for its school and the operators only', async () => {
      const { school, recordingId } = await liveLesson('school');
      const other = await f.school();
      assert.equal((await f.catalog.api('get', `/recordings/${recordingId}`)).status, 401);
      assert.equal((await f.catalog.api('get', `/recordings/${recordingId}`, { token: other.tokens.student })).status, 403);
      assert.equal((await f.catalog.api('get', `/recordings/${recordingId}`, { token: school.tokens.student })).status, 200);
      const ids = async (token?: string) => (await f.catalog.api('get', '/recordings?limit=200', token ? { token } : {})).body.items.map((item: { id: string }) => item.id);
      assert.ok(!(await ids()).includes(recordingId));
      assert.ok(!(await ids(other.tokens.student)).includes(recordingId));
      assert.ok((await ids(school.tokens.student)).includes(recordingId));
      assert.ok((await ids(f.operator)).includes(recordingId));
    });
  });
}
