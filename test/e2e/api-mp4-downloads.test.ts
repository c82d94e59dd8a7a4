// MP4 downloads and honest 404s through the real API on both databases: a lesson or recording that
// does not exist is a JSON 404 on every route that names it; anyone who may watch a replay may ask
// for its MP4 (anyone for a public lesson's, its school and operators for a school lesson's: 401
// signed out, 403 another school); a viewer asking too often and a node asked to start too many
// preparations get a 429 with Retry-After, while asking for an MP4 already prepared costs the node
// nothing. The preparations these tests start fail (no media under the fake replays), which is
// beside the point here: test/e2e/replay-page.test.ts prepares a real one.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { markEnded } from '../../services/catalog/ingest/lesson-lifecycle.ts';
import { openDefaultRecording } from '../../services/catalog/ingest/recording-lifecycle.ts';
import { finishMp4, markRecordingReady } from '../../services/catalog/queries/recordings.ts';
import { catalogDatabaseUrls } from '../helpers/databases.ts';
import { startFixture, type Fixture } from '../helpers/api-fixtures.ts';

const hour = 3600_000;
const at = (ms: number) => new Date(ms).toISOString();
/** Buckets that do not refill during a test: the counts below are exact. */
const limits = { perViewer: { burst: 3, perSecond: 0.0001 }, perNode: { burst: 2, perSecond: 0.0001 } };

/** An ended lesson of `school` whose recording is a replay; its id and the recording's. */
async function endedLessonWithReplay(f: Fixture, schoolId: number, visibility: 'public' | 'school'): Promise<{ lessonId: string; recordingId: string }> {
  const room = await f.classroom(schoolId);
  const start = Date.now() - hour;
  const created = await f.catalog.api('post', '/lessons', {
    token: f.operator,
    body: { classroomId: room.id, title: f.unique('Lesson'), startsAt: at(start), endsAt: at(start + hour / 2), visibility },
  });
  assert.equal(created.status, 201, JSON.stringify(created.body));
  await f.catalog.db.query("update lessons set state = 'live', went_live_at = now() where id = $1", [created.body.id]);
  const recordingId = await openDefaultRecording(f.catalog.db, created.body.id);
  assert.ok(recordingId);
  await markEnded(f.catalog.db, created.body.id);
  await markRecordingReady(f.catalog.db, recordingId, { durationSeconds: 12, sizeBytes: 1000, segmentCount: 6, renditions: ['360p'] });
  return { lessonId: created.body.id, recordingId };
}

for (const database of await catalogDatabaseUrls()) {
  describe(`MP4 downloads and 404s on ${database.name}`, () => {
    let f: Fixture;
    before(async () => {
      f = await startFixture(database.url);
    });
    after(() => f.catalog.close());

    test('a lesson or recording that does not exist is a JSON 404, signed in or not', async () => {
      const student = (await f.school()).tokens.student;
      const calls: Array<[string, string, string | undefined]> = [
        ['get', '/lessons/no-such-lesson', undefined],
        ['get', '/lessons/no-such-lesson/playback', student],
        ['get', '/lessons/no-such-lesson/playback', undefined],
        ['get', '/recordings/no-such-recording', undefined],
        ['get', '/recordings/no-such-recording/playback', undefined],
        ['post', '/recordings/no-such-recording/mp4', undefined],
        ['get', '/recordings/no-such-recording/mp4', student],
      ];
      for (const [method, path, token] of calls) {
        const answer = await f.catalog.api(method, path, token ? { token } : {});
        assert.equal(answer.status, 404, `${method} ${path}`);
        assert.match(answer.headers.get('content-type') ?? '', /application\/json/);
        assert.equal(answer.body.error.status, 404);
        assert.match(answer.body.error.message, /^no (lesson|recording) no-such-/);
      }
    });

    test('a school lesson that exists asks the signed out to sign in (401) and refuses another school (403)', async () => {
      const school = await f.school();
      const other = await f.school();
      const { lessonId, recordingId } = await endedLessonWithReplay(f, school.id, 'school');
      for (const path of [`/lessons/${lessonId}/playback`, `/recordings/${recordingId}/playback`, `/lessons/${lessonId}`]) {
        assert.equal((await f.catalog.api('get', path)).status, 401, path);
        assert.equal((await f.catalog.api('get', path, { token: other.tokens.student })).status, 403, path);
        assert.equal((await f.catalog.api('get', path, { token: school.tokens.student })).status, 200, path);
      }
    });

    test("anyone may ask for a public replay's MP4; a school replay's only its school (401 signed out, 403 another school)", async () => {
      const school = await f.school();
      const other = await f.school();
      const open = await endedLessonWithReplay(f, school.id, 'public');
      const own = await endedLessonWithReplay(f, school.id, 'school');
      const prepare = (recordingId: string, token?: string) => f.catalog.api('post', `/recordings/${recordingId}/mp4`, token ? { token } : {});
      const anonymous = await prepare(open.recordingId);
      assert.equal(anonymous.status, 202, JSON.stringify(anonymous.body));
      // Taken on (the fake replay has no media, so it may have failed already).
      assert.ok(['preparing', 'failed'].includes(anonymous.body.state), anonymous.body.state);
      assert.equal((await prepare(own.recordingId)).status, 401);
      assert.equal((await prepare(own.recordingId, other.tokens.student)).status, 403);
      assert.equal((await f.catalog.api('get', `/recordings/${own.recordingId}/mp4`)).status, 401);
      assert.equal((await f.catalog.api('get', `/recordings/${own.recordingId}/mp4`, { token: other.tokens.teacher })).status, 403);
      assert.equal((await prepare(own.recordingId, school.tokens.student)).status, 202);
    });

  });

  describe(`MP4 download limits on ${database.name}`, () => {
    let f: Fixture;
    before(async () => {
      f = await startFixture(database.url, { catalog: { mp4Downloads: limits } });
    });
    after(() => f.catalog.close());

    test('many asking for the same MP4 at once pay the node once between them (and claimMp4 lets one of them start it)', async () => {
      const school = await f.school();
      const [shared, next, last] = await Promise.all([0, 1, 2].map(() => endedLessonWithReplay(f, school.id, 'public')));
      const viewers = await Promise.all([0, 1, 2, 3, 4].map(async () => (await f.catalog.signIn('student', school.id)).token));
      const answers = await Promise.all(viewers.map((token) => f.catalog.api('post', `/recordings/${shared!.recordingId}/mp4`, { token })));
      assert.deepEqual(answers.map((answer) => answer.status), [202, 202, 202, 202, 202], JSON.stringify(answers.map((answer) => answer.body)));
      // The node's burst is 2: the five paid for one, so one more starts and the next is refused.
      assert.equal((await f.catalog.api('post', `/recordings/${next!.recordingId}/mp4`, { token: school.tokens.teacher })).status, 202);
      assert.equal((await f.catalog.api('post', `/recordings/${last!.recordingId}/mp4`, { token: school.tokens.school_admin })).status, 429);
    });

    test('a node asked to start too many preparations, and a viewer asking too often, get 429 with Retry-After', async () => {
      const school = await f.school();
      const fresh = await Promise.all([0, 1, 2].map(() => endedLessonWithReplay(f, school.id, 'public')));
      const prepared = await endedLessonWithReplay(f, school.id, 'public');
      await f.catalog.db.query("update recordings set mp4_state = 'preparing' where id = $1", [prepared.recordingId]);
      await finishMp4(f.catalog.db, prepared.recordingId, { sizeBytes: 1000 });

      // Each by another viewer, so only the node's count can refuse: at most its burst starts, then a 429.
      const askers = [school.tokens.teacher, school.tokens.school_admin, f.operator];
      const answers = [];
      for (const [index, { recordingId }] of fresh.entries()) answers.push(await f.catalog.api('post', `/recordings/${recordingId}/mp4`, { token: askers[index]! }));
      const refused = answers.find((answer) => answer.status === 429);
      assert.ok(refused, `the node started ${answers.map((answer) => answer.status).join(', ')}`);
      assert.match(refused.body.error.message, /this server is preparing many downloads already; try again in \d+ s/);
      assert.ok(Number(refused.headers.get('retry-after')) > 0);
      // An MP4 already prepared costs the node nothing: still answered.
      const ready = await f.catalog.api('post', `/recordings/${prepared.recordingId}/mp4`, { token: school.tokens.student });
      assert.equal(ready.status, 200, JSON.stringify(ready.body));
      assert.deepEqual(ready.body, { state: 'ready', progress: 100 });

      // The student asks twice more (three in all, the viewer's burst), then a fourth time: too many.
      for (let ask = 0; ask < 2; ask++) assert.equal((await f.catalog.api('post', `/recordings/${prepared.recordingId}/mp4`, { token: school.tokens.student })).status, 200);
      const tooMany = await f.catalog.api('post', `/recordings/${prepared.recordingId}/mp4`, { token: school.tokens.student });
      assert.equal(tooMany.status, 429, JSON.stringify(tooMany.body));
      assert.match(tooMany.body.error.message, /you asked for too many downloads at once; try again in \d+ s/);
      assert.ok(Number(tooMany.headers.get('retry-after')) > 0);
      // Another viewer is not held back by the student's count.
      const other = await f.catalog.signIn('student', school.id);
      assert.equal((await f.catalog.api('post', `/recordings/${prepared.recordingId}/mp4`, { token: other.token })).status, 200);
    });
  });
}
