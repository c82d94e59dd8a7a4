// The storage policy's API on both databases (PGlite and a throwaway PostgreSQL): operators give a
// school its own steps or take them away, the school's admins read them, everyone else is refused;
// bad steps get a 400 that names the field and what is wrong; every change is in the audit log. Then
// the policy job's queries on that database, over a replay folder on disk: the school's steps win
// over the platform's, and the recording's API answer says what went and what its MP4 is made from.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, writeFileSync, existsSync } from 'node:fs';
import { join } from 'node:path';
import { openRecording } from '../../services/catalog/queries/recordings.ts';
import { applyRenditionPolicy } from '../../services/catalog/recordings/rendition-policy-job.ts';
import { defaultPolicySteps } from '../../services/core/rendition-policy.ts';
import { localReplayFiles } from '../../services/replay/replay-files.ts';
import { catalogDatabaseUrls } from '../helpers/databases.ts';
import { startFixture, type Fixture } from '../helpers/api-fixtures.ts';

const day = 86_400_000;
const master = (names: string[]) =>
  ['#EXTM3U', '#EXT-X-VERSION:7', ...names.flatMap((name, index) => [`#EXT-X-STREAM-INF:BANDWIDTH=${(names.length - index) * 1_000_000},RESOLUTION=640x360,CODECS="avc1.64001e,mp4a.40.2"`, `${name}/index.m3u8`]), ''].join('\n');

for (const database of await catalogDatabaseUrls()) {
  describe(`the storage policy API on ${database.name}`, () => {
    let f: Fixture;
    before(async () => {
      f = await startFixture(database.url);
    });
    after(async () => {
      await f.catalog.close();
    });

    test("operators set and remove a school's steps; its admins read them; others are refused", async () => {
      const school = await f.school();
      const other = await f.school();
      const path = `/schools/${school.id}/storage-policy`;
      const first = await f.catalog.api('get', path, { token: school.tokens.school_admin });
      assert.equal(first.status, 200, JSON.stringify(first.body));
      assert.deepEqual(first.body, { schoolId: school.id, steps: null, effectiveSteps: defaultPolicySteps, platformSteps: defaultPolicySteps, graceMinutes: 1440 });
      assert.equal((await f.catalog.api('get', path)).status, 401);
      assert.equal((await f.catalog.api('get', path, { token: school.tokens.teacher })).status, 403);
      assert.equal((await f.catalog.api('get', path, { token: other.tokens.school_admin })).status, 403, "another school's admin");
      const steps = [{ afterDays: 90, keep: ['lowest'] }, { afterDays: 7, keep: ['top', '480p'] }];
      assert.equal((await f.catalog.api('put', path, { token: school.tokens.school_admin, body: { steps } })).status, 403, 'school admins read, operators set');

      const set = await f.catalog.api('put', path, { token: f.operator, body: { steps } });
      assert.equal(set.status, 200, JSON.stringify(set.body));
      assert.deepEqual(set.body.steps, [steps[1], steps[0]], 'kept in day order');
      assert.deepEqual(set.body.effectiveSteps, set.body.steps);
      assert.deepEqual((await f.catalog.api('get', path, { token: school.tokens.school_admin })).body.steps, [steps[1], steps[0]]);
      assert.deepEqual((await f.catalog.api('get', `/schools/${other.id}/storage-policy`, { token: f.operator })).body.steps, null, 'another school keeps the default');
      const none = await f.catalog.api('put', path, { token: f.operator, body: { steps: [] } });
      assert.deepEqual(none.body.effectiveSteps, [], 'no steps: the school keeps every rendition');

      const removed = await f.catalog.api('delete', path, { token: f.operator });
      assert.equal(removed.status, 200);
      assert.equal(removed.body.steps, null);
      assert.deepEqual(removed.body.effectiveSteps, defaultPolicySteps);

      const audit = await f.catalog.api('get', `/audit?resource=schools&resourceId=${school.id}`, { token: f.operator });
      assert.equal(audit.status, 200, JSON.stringify(audit.body));
      const actions = (audit.body.items as Array<{ action: string; fields: string[]; status: number }>).map((entry) => `${entry.action} ${entry.fields.join(',')} ${entry.status}`);
      assert.ok(actions.includes('PUT /schools/:id/storage-policy steps 200'), actions.join('; '));
      assert.ok(actions.includes('DELETE /schools/:id/storage-policy  200'), actions.join('; '));
    });

    test('bad steps get a 400 naming the field and what is wrong; an unknown school a 404', async () => {
      const school = await f.school();
      const put = (body: unknown, id: number = school.id) => f.catalog.api('put', `/schools/${id}/storage-policy`, { token: f.operator, body });
      const refused = async (body: unknown, message: RegExp) => {
        const answer = await put(body);
        assert.equal(answer.status, 400, JSON.stringify(answer.body));
        assert.match(answer.body.error.message, message);
      };
      await refused({ steps: [{ afterDays: 30, keep: ['top', 'hd'] }] }, /^steps\.0\.keep\.1: unknown rendition: name 'top', 'lowest', 'source' or a ladder height such as '720p'/);
      await refused({ steps: [{ afterDays: -3, keep: 'all' }] }, /^steps\.0\.afterDays: afterDays is 0 or more/);
      await refused({ steps: [{ afterDays: 'soon', keep: 'all' }] }, /^steps\.0\.afterDays: afterDays is a number of days/);
      await refused({ steps: [{ afterDays: 3, keep: [] }] }, /at least one rendition/);
      await refused({ steps: [{ afterDays: 3, keep: 'all' }, { afterDays: 3, keep: ['top'] }] }, /same afterDays/);
      await refused({ steps: { afterDays: 3, keep: 'all' } }, /^steps: /);
      await refused({}, /^steps: /);
      await refused({ steps: [], grace: 1 }, /grace/);
      assert.equal((await put({ steps: [] }, 999_999)).status, 404);
      assert.equal((await f.catalog.api('get', `/schools/${school.id}/storage-policy`, { token: f.operator })).body.steps, null, 'nothing refused was stored');
    });

    test("the job's queries here: a school's own steps win, and the recording says what went and what its MP4 is made from", async () => {
      const school = await f.school();
      const plain = await f.school();
      await f.catalog.api('put', `/schools/${school.id}/storage-policy`, { token: f.operator, body: { steps: [{ afterDays: 5, keep: ['lowest'] }] } });
      /** A replay folder on disk of three renditions, `ageDays` old, each rendition's one file `bytes` long. */
      const replay = async (schoolId: number, ageDays: number) => {
        const room = await f.classroom(schoolId);
        const start = Date.now() - ageDays * day - 3600_000;
        const lesson = await f.catalog.api('post', '/lessons', { token: f.operator, body: { classroomId: room.id, title: f.unique('Lesson'), startsAt: new Date(start).toISOString(), endsAt: new Date(start + 3600_000).toISOString() } });
        const id = await openRecording(f.catalog.db, lesson.body.id, { manual: false });
        await f.catalog.db.query("update lessons set state = 'ended' where id = $1", [lesson.body.id]);
        await f.catalog.db.query("update recordings set state = 'ready', started_at = $2, ended_at = $3, renditions = $4, size_bytes = 3000 where id = $1", [id, new Date(start), new Date(start + 3600_000), ['source', '480p', '360p']]);
        const folder = join(f.catalog.dataDir, 'vod', id);
        for (const [index, name] of ['source', '480p', '360p'].entries()) {
          mkdirSync(join(folder, name), { recursive: true });
          writeFileSync(join(folder, name, 'index.m3u8'), 'x'.repeat(1000 * (index + 1)));
        }
        writeFileSync(join(folder, 'master.m3u8'), master(['source', '480p', '360p']));
        return { id, folder };
      };
      const thin = await replay(school.id, 6);
      const young = await replay(plain.id, 6);
      const old = await replay(plain.id, 31);
      const result = await applyRenditionPolicy(f.catalog.db, new Date(), { files: localReplayFiles(f.catalog.dataDir), defaultSteps: defaultPolicySteps, graceMinutes: 0 });
      assert.deepEqual(result.thinned.sort(), [thin.id, old.id].sort(), "the school's 5 days, and the platform's 30");
      assert.equal(result.freedBytes, 1000 + 2000 + 2000);

      const answer = await f.catalog.api('get', `/recordings/${thin.id}`, { token: f.operator });
      assert.equal(answer.status, 200);
      assert.deepEqual(answer.body.renditions, ['360p']);
      assert.deepEqual(answer.body.renditionsDropped, ['source', '480p']);
      assert.deepEqual(answer.body.renditionsLeaving, []);
      assert.equal(answer.body.policyFreedBytes, 3000);
      assert.equal(answer.body.mp4.rendition, '360p', 'its MP4 is made from the best kept');
      assert.equal(answer.body.sizeBytes, 0);
      assert.ok(!existsSync(join(thin.folder, 'source')) && existsSync(join(thin.folder, '360p')));

      const kept = await f.catalog.api('get', `/recordings/${old.id}`, { token: f.operator });
      assert.deepEqual(kept.body.renditions, ['source', '360p']);
      assert.deepEqual(kept.body.renditionsDropped, ['480p']);
      assert.equal(kept.body.mp4.rendition, 'source');
      assert.deepEqual((await f.catalog.api('get', `/recordings/${young.id}`, { token: f.operator })).body.renditionsDropped, [], 'younger than the default 30 days');
      assert.ok(existsSync(join(young.folder, '480p')));
    });
  });
}
