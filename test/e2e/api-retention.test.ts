// Retention on both databases: operators (only) set a school's retention through the API, and the
// sweeper deletes the recordings older than it (or than the platform default for schools that set
// none), with their replay folders, but never a pinned one nor one whose lesson is live.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { openRecording } from '../../services/catalog/queries/recordings.ts';
import { sweepRecordings } from '../../services/catalog/recordings/retention-sweep.ts';
import { catalogDatabaseUrls } from '../helpers/databases.ts';
import { startFixture, type Fixture } from '../helpers/api-fixtures.ts';

const day = 86_400_000;
const at = (ms: number) => new Date(ms).toISOString();

for (const database of await catalogDatabaseUrls()) {
  describe(`recording retention on ${database.name}`, () => {
    let f: Fixture;
    const vodDir = mkdtempSync(join(tmpdir(), 'classcast-retention-'));
    before(async () => {
      f = await startFixture(database.url);
    });
    after(async () => {
      await f.catalog.close();
      rmSync(vodDir, { recursive: true, force: true });
    });

    /** A recording of a lesson of the school's classroom, stopped `ageDays` ago, with a replay folder. */
    const recording = async (schoolId: number, ageDays: number, options: { lessonState?: 'live' | 'ended'; pinned?: boolean } = {}) => {
      const room = await f.classroom(schoolId);
      const start = Date.now() - ageDays * day - 3600_000;
      const lesson = await f.catalog.api('post', '/lessons', { token: f.operator, body: { classroomId: room.id, title: f.unique('Lesson'), startsAt: at(start), endsAt: at(start + 3600_000) } });
      assert.equal(lesson.status, 201, JSON.stringify(lesson.body));
      const id = await openRecording(f.catalog.db, lesson.body.id, { manual: false });
      await f.catalog.db.query("update lessons set state = $2 where id = $1", [lesson.body.id, options.lessonState ?? 'ended']);
      await f.catalog.db.query("update recordings set state = 'ready', started_at = $2, ended_at = $3 where id = $1", [id, new Date(start), new Date(start + 3600_000)]);
      if (options.pinned) assert.equal((await f.catalog.api('patch', `/recordings/${id}`, { token: f.operator, body: { pinned: true } })).status, 200);
      mkdirSync(join(vodDir, id, '720p'), { recursive: true });
      writeFileSync(join(vodDir, id, 'master.m3u8'), '#EXTM3U\n');
      return id;
    };
    const exists = async (id: string) => (await f.catalog.api('get', `/recordings/${id}`)).status === 200;

    test('operators set a school\'s retention; school admins and others may not; null goes back to the default', async () => {
      const school = await f.school();
      const patch = (body: unknown, token?: string) => f.catalog.api('patch', `/schools/${school.id}`, { body, ...(token ? { token } : {}) });
      assert.equal((await f.catalog.api('get', `/schools/${school.id}`)).body.recordingRetentionDays, null);
      assert.equal((await patch({ recordingRetentionDays: 30 })).status, 401);
      assert.equal((await patch({ recordingRetentionDays: 30 }, school.tokens.school_admin)).status, 403);
      assert.equal((await patch({ recordingRetentionDays: 30 }, school.tokens.teacher)).status, 403);
      assert.equal((await patch({ recordingRetentionDays: 0 }, f.operator)).status, 400);
      assert.equal((await patch({ recordingRetentionDays: 2.5 }, f.operator)).status, 400);
      const set = await patch({ recordingRetentionDays: 30 }, f.operator);
      assert.equal(set.status, 200, JSON.stringify(set.body));
      assert.equal(set.body.recordingRetentionDays, 30);
      const renamed = await patch({ name: f.unique('Renamed') }, school.tokens.school_admin);
      assert.equal(renamed.status, 200);
      assert.equal(renamed.body.recordingRetentionDays, 30, 'a rename keeps the retention');
      const listed = await f.catalog.api('get', `/schools?cityId=${school.cityId}`);
      assert.equal(listed.body.items[0].recordingRetentionDays, 30);
      assert.equal((await patch({ recordingRetentionDays: null }, f.operator)).body.recordingRetentionDays, null);
    });

    test('the sweeper deletes what is older than the retention, never a pinned recording or a live lesson\'s', async () => {
      const short = await f.school();
      const long = await f.school();
      const usual = await f.school();
      assert.equal((await f.catalog.api('patch', `/schools/${short.id}`, { token: f.operator, body: { recordingRetentionDays: 30 } })).status, 200);
      assert.equal((await f.catalog.api('patch', `/schools/${long.id}`, { token: f.operator, body: { recordingRetentionDays: 365 } })).status, 200);
      const expired = await recording(short.id, 40);
      const recent = await recording(short.id, 10);
      const pinned = await recording(short.id, 40, { pinned: true });
      const live = await recording(short.id, 40, { lessonState: 'live' });
      const keptLonger = await recording(long.id, 200);
      const pastDefault = await recording(usual.id, 200);
      const withinDefault = await recording(usual.id, 100);

      const deleted = await sweepRecordings(f.catalog.db, new Date(), vodDir, { defaultDays: 180 });
      assert.deepEqual(deleted.sort(), [expired, pastDefault].sort());
      for (const id of [expired, pastDefault]) {
        assert.equal(await exists(id), false, `${id} is gone from the catalog`);
        assert.equal(existsSync(join(vodDir, id)), false, `${id}'s replay folder is gone`);
      }
      for (const id of [recent, pinned, live, keptLonger, withinDefault]) {
        assert.equal(await exists(id), true, `${id} is kept`);
        assert.equal(existsSync(join(vodDir, id, 'master.m3u8')), true, `${id}'s replay is kept`);
      }
      assert.deepEqual(await sweepRecordings(f.catalog.db, new Date(), vodDir, { defaultDays: 180 }), [], 'a second sweep finds nothing');

      // Unpinned, the recording goes at the next sweep; a lesson that has ended loses its protection too.
      assert.equal((await f.catalog.api('patch', `/recordings/${pinned}`, { token: f.operator, body: { pinned: false } })).status, 200);
      const lessonOfLive = (await f.catalog.api('get', `/recordings/${live}`)).body.lessonId as string;
      await f.catalog.db.query("update lessons set state = 'ended' where id = $1", [lessonOfLive]);
      assert.deepEqual((await sweepRecordings(f.catalog.db, new Date(), vodDir, { defaultDays: 180 })).sort(), [pinned, live].sort());
    });
  });
}
