// Classrooms through the real API on both databases: who sees them and their stream keys, key
// generation and rotation, encoder status from the table ingest writes, and the refusals.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { reportEncoder } from '../../services/catalog/ingest/encoder-status.ts';
import { nothingSent } from '../../services/ingest/encoder-sent.ts';
import { createLogger } from '../../services/core/log.ts';
import { catalogDatabaseUrls } from '../helpers/databases.ts';
import { startFixture, type Fixture } from '../helpers/api-fixtures.ts';

const keyPattern = /^[A-Za-z0-9_-]{32}$/;

for (const database of await catalogDatabaseUrls()) {
  describe(`classrooms on ${database.name}`, () => {
    let f: Fixture;
    before(async () => {
      f = await startFixture(database.url);
    });
    after(() => f.catalog.close());

    test('a school admin creates a classroom with generated keys and sees them; rtmpUrl has no key', async () => {
      const school = await f.school();
      const created = await f.catalog.api('post', '/classrooms', { token: school.tokens.school_admin, body: { id: f.unique('room'), schoolId: school.id, name: 'Room 1' } });
      assert.equal(created.status, 201);
      assert.match(created.body.primaryKey, keyPattern);
      assert.match(created.body.backupKey, keyPattern);
      assert.notEqual(created.body.primaryKey, created.body.backupKey);
      assert.equal(created.body.rtmpUrl, 'rtmp://127.0.0.1:1935/live');
      assert.equal(created.body.schoolName, school.name);
      assert.equal(created.body.encoder, null);
      const read = await f.catalog.api('get', `/classrooms/${created.body.id}`, { token: school.tokens.school_admin });
      assert.deepEqual(read.body, created.body);
      assert.equal((await f.catalog.api('get', `/schools/${school.id}`)).body.classroomCount, 1);
    });

    test("ad-hoc lessons' default visibility: the school's (public unless set), overridden by the classroom's, null following the school again", async () => {
      const school = await f.school();
      assert.equal((await f.catalog.api('get', `/schools/${school.id}`)).body.defaultVisibility, 'public');
      const changedSchool = await f.catalog.api('patch', `/schools/${school.id}`, { token: school.tokens.school_admin, body: { defaultVisibility: 'school' } });
      assert.equal(changedSchool.status, 200);
      assert.equal(changedSchool.body.defaultVisibility, 'school');
      const created = await f.catalog.api('post', '/classrooms', { token: school.tokens.school_admin, body: { id: f.unique('room'), schoolId: school.id, name: 'Private room', defaultVisibility: 'protected' } });
      assert.equal(created.status, 201);
      assert.equal(created.body.defaultVisibility, 'protected');
      const following = await f.catalog.api('patch', `/classrooms/${created.body.id}`, { token: school.tokens.school_admin, body: { defaultVisibility: null } });
      assert.equal(following.body.defaultVisibility, null);
      const renamed = await f.catalog.api('patch', `/classrooms/${created.body.id}`, { token: school.tokens.school_admin, body: { name: 'Renamed room' } });
      assert.equal(renamed.body.defaultVisibility, null, 'a change that does not name it keeps it');
      const wrong = await f.catalog.api('patch', `/classrooms/${created.body.id}`, { token: school.tokens.school_admin, body: { defaultVisibility: 'secret' } });
      assert.equal(wrong.status, 400);
      assert.match(wrong.body.error.message, /^defaultVisibility: /);
    });

    test('keys given are kept; backupKey null means none; equal or reused keys are refused', async () => {
      const school = await f.school();
      const id = f.unique('room');
      const created = await f.catalog.api('post', '/classrooms', { token: f.operator, body: { id, schoolId: school.id, name: 'Given', primaryKey: `key-${id}-primary`, backupKey: null } });
      assert.equal(created.status, 201);
      assert.equal(created.body.primaryKey, `key-${id}-primary`);
      assert.equal(created.body.backupKey, null);
      const reused = await f.catalog.api('post', '/classrooms', { token: f.operator, body: { id: f.unique('room'), schoolId: school.id, name: 'Other', backupKey: `key-${id}-primary` } });
      assert.equal(reused.status, 409);
      assert.match(reused.body.error.message, /^backupKey: /);
      assert.doesNotMatch(reused.body.error.message, /primary`?$/, 'the key itself is not echoed');
      const same = await f.catalog.api('post', '/classrooms', { token: f.operator, body: { id: f.unique('room'), schoolId: school.id, name: 'Same', primaryKey: 'abcdefgh12abcdefgh', backupKey: 'abcdefgh12abcdefgh' } });
      assert.equal(same.status, 400);
      assert.match(same.body.error.message, /^backupKey: /);
      const short = await f.catalog.api('post', '/classrooms', { token: f.operator, body: { id: f.unique('room'), schoolId: school.id, name: 'Short', primaryKey: 'abc' } });
      assert.equal(short.status, 400);
      assert.match(short.body.error.message, /^primaryKey: /);
      // Keys of 8 to 15 characters were accepted once; a new key must be too long to guess.
      for (const field of ['primaryKey', 'backupKey']) {
        const guessable = await f.catalog.api('post', '/classrooms', { token: f.operator, body: { id: f.unique('room'), schoolId: school.id, name: 'Guessable', [field]: 'abcdefghij12345' } });
        assert.equal(guessable.status, 400, field);
        assert.match(guessable.body.error.message, new RegExp(`^${field}: a new stream key is at least 16 characters`));
      }
    });

    test('classroom ids follow the slug rule; duplicates are 409', async () => {
      const school = await f.school();
      for (const id of ['Room-A', 'room a', '-room', 'r'.repeat(64), "room'--"]) {
        const answer = await f.catalog.api('post', '/classrooms', { token: f.operator, body: { id, schoolId: school.id, name: f.unique('Room') } });
        assert.equal(answer.status, 400, id);
        assert.match(answer.body.error.message, /^id: /);
      }
      const room = await f.classroom(school.id);
      assert.equal((await f.catalog.api('post', '/classrooms', { token: f.operator, body: { id: room.id, schoolId: school.id, name: f.unique('Room') } })).status, 409);
      assert.equal((await f.catalog.api('get', '/classrooms/Not_A_Slug', { token: f.operator })).status, 404);
      assert.equal((await f.catalog.api('get', '/classrooms/no-such-room', { token: f.operator })).status, 404);
    });

    test('a teacher sees their school\'s classrooms without keys; students and other schools are refused', async () => {
      const mine = await f.school();
      const other = await f.school();
      const room = await f.classroom(mine.id);
      const otherRoom = await f.classroom(other.id);

      const asTeacher = await f.catalog.api('get', `/classrooms/${room.id}`, { token: mine.tokens.teacher });
      assert.equal(asTeacher.status, 200);
      assert.equal('primaryKey' in asTeacher.body, false);
      assert.equal('backupKey' in asTeacher.body, false);
      const teacherList = await f.catalog.api('get', '/classrooms', { token: mine.tokens.teacher });
      assert.deepEqual(teacherList.body.items.map((classroom: { id: string }) => classroom.id), [room.id]);
      assert.equal(JSON.stringify(teacherList.body).includes(room.primaryKey), false);

      assert.equal((await f.catalog.api('get', `/classrooms/${room.id}`, { token: mine.tokens.student })).status, 403);
      assert.equal((await f.catalog.api('get', '/classrooms', { token: mine.tokens.student })).status, 403);
      assert.equal((await f.catalog.api('get', '/classrooms')).status, 401);
      assert.equal((await f.catalog.api('get', `/classrooms/${otherRoom.id}`, { token: mine.tokens.school_admin })).status, 403, 'another school\'s classroom (and its keys) stays hidden');
      assert.equal((await f.catalog.api('get', `/classrooms?schoolId=${other.id}`, { token: mine.tokens.school_admin })).status, 403);
      const adminList = await f.catalog.api('get', '/classrooms', { token: mine.tokens.school_admin });
      assert.deepEqual(adminList.body.items.map((classroom: { id: string; primaryKey: string }) => [classroom.id, classroom.primaryKey]), [[room.id, room.primaryKey]]);
      assert.equal(JSON.stringify(adminList.body).includes(otherRoom.primaryKey), false);

      const operatorList = await f.catalog.api('get', `/classrooms?schoolId=${other.id}`, { token: f.operator });
      assert.deepEqual(operatorList.body.items.map((classroom: { primaryKey: string }) => classroom.primaryKey), [otherRoom.primaryKey]);
      assert.equal((await f.catalog.api('post', '/classrooms', { token: mine.tokens.school_admin, body: { id: f.unique('room'), schoolId: other.id, name: 'X' } })).status, 403);
      assert.equal((await f.catalog.api('post', '/classrooms', { token: mine.tokens.teacher, body: { id: f.unique('room'), schoolId: mine.id, name: 'X' } })).status, 403);
    });

    test('rotating a key replaces it and moves keysRotatedAt; the backup key can be removed and remade', async () => {
      const school = await f.school();
      const room = await f.classroom(school.id);
      const before = await f.catalog.api('get', `/classrooms/${room.id}`, { token: f.operator });
      const rotated = await f.catalog.api('post', `/classrooms/${room.id}/rotate-key`, { token: school.tokens.school_admin, body: { which: 'primary' } });
      assert.equal(rotated.status, 200);
      assert.match(rotated.body.primaryKey, keyPattern);
      assert.notEqual(rotated.body.primaryKey, room.primaryKey);
      assert.equal(rotated.body.backupKey, room.backupKey);
      assert.ok(Date.parse(rotated.body.keysRotatedAt) >= Date.parse(before.body.keysRotatedAt));
      const stored = await f.catalog.db.query<{ primary_key: string }>('select primary_key from classrooms where id = $1', [room.id]);
      assert.equal(stored[0]!.primary_key, rotated.body.primaryKey);

      const removed = await f.catalog.api('delete', `/classrooms/${room.id}/backup-key`, { token: f.operator });
      assert.equal(removed.body.backupKey, null);
      const remade = await f.catalog.api('post', `/classrooms/${room.id}/rotate-key`, { token: f.operator, body: { which: 'backup' } });
      assert.match(remade.body.backupKey, keyPattern);
      const bad = await f.catalog.api('post', `/classrooms/${room.id}/rotate-key`, { token: f.operator, body: { which: 'both' } });
      assert.equal(bad.status, 400);
      assert.match(bad.body.error.message, /^which: /);
      assert.equal((await f.catalog.api('post', `/classrooms/${room.id}/rotate-key`, { token: school.tokens.teacher, body: { which: 'primary' } })).status, 403);
    });

    test('encoder status written by ingest is joined in', async () => {
      const school = await f.school();
      const room = await f.classroom(school.id);
      // What the encoder sends on its own clock, for the school page's live check (jsonb, read back as it was written).
      const sent = { fps: 29.97, videoKbps: 2480, keyframeSeconds: 2, audio: { codec: 'aac', sampleRate: 48000, channels: 2 } };
      await f.catalog.db.query(
        `insert into encoder_status (classroom_id, ingest_node, lesson_id, connected, remote_address, key_kind, bitrate_kbps, fps, width, height, sent)
         values ($1, 'province-1', null, true, '10.0.0.7', 'primary', 2500.5, 30, 1280, 720, $2)`,
        [room.id, JSON.stringify(sent)],
      );
      const read = await f.catalog.api('get', `/classrooms/${room.id}`, { token: school.tokens.teacher });
      const { updatedAt, ...encoder } = read.body.encoder;
      assert.deepEqual(encoder, { connected: true, ingestNode: 'province-1', lessonId: null, keyKind: 'primary', bitrateKbps: 2500.5, fps: 30, width: 1280, height: 720, remoteAddress: '10.0.0.7', advice: null, sent });
      assert.ok(!Number.isNaN(Date.parse(updatedAt)));
    });

    test("advice on a source unfit to serve as sent, from the ingest's encoder reporter, reaches the school's staff; kept after the disconnect, cleared by the next connection", async () => {
      const school = await f.school();
      const room = await f.classroom(school.id);
      const advice = 'keyframe interval 8.3 s: set 2 s in your encoder (OBS: Output > Keyframe Interval = 2)';
      const initial = { classroomId: room.id, ingestNode: 'province-1', lessonId: null, remoteAddress: '10.0.0.7', keyKind: 'primary' as const, width: 1280, height: 720 };
      const log = createLogger({ role: 'test' });
      const reporter = reportEncoder(f.catalog.db, initial, () => ({ bitrateKbps: 2500, fps: 30, sent: nothingSent }), log);
      reporter.update({ advice });
      await reporter.disconnected();
      const read = await f.catalog.api('get', `/classrooms/${room.id}`, { token: school.tokens.teacher });
      assert.equal(read.status, 200);
      assert.deepEqual([read.body.encoder.connected, read.body.encoder.advice], [false, advice], 'what to fix before the next lesson');
      const listed = await f.catalog.api('get', `/classrooms?schoolId=${school.id}`, { token: school.tokens.school_admin });
      assert.equal(listed.body.items.find((item: { id: string }) => item.id === room.id)?.encoder.advice, advice);
      const next = reportEncoder(f.catalog.db, initial, () => ({ bitrateKbps: 2500, fps: 30, sent: nothingSent }), log);
      await next.disconnected();
      assert.equal((await f.catalog.api('get', `/classrooms/${room.id}`, { token: school.tokens.teacher })).body.encoder.advice, null, 'not judged yet: the encoder may have been fixed');
    });

    test('rename, move between schools (operators only), delete', async () => {
      const school = await f.school();
      const other = await f.school();
      const room = await f.classroom(school.id);
      const renamed = await f.catalog.api('patch', `/classrooms/${room.id}`, { token: school.tokens.school_admin, body: { name: 'Lab' } });
      assert.equal(renamed.body.name, 'Lab');
      assert.equal((await f.catalog.api('patch', `/classrooms/${room.id}`, { token: school.tokens.school_admin, body: { schoolId: other.id } })).status, 403);
      const unknownSchool = await f.catalog.api('patch', `/classrooms/${room.id}`, { token: f.operator, body: { schoolId: 999999 } });
      assert.equal(unknownSchool.status, 400);
      assert.match(unknownSchool.body.error.message, /^schoolId: /);
      const moved = await f.catalog.api('patch', `/classrooms/${room.id}`, { token: f.operator, body: { schoolId: other.id } });
      assert.equal(moved.body.schoolId, other.id);
      assert.equal((await f.catalog.api('delete', `/classrooms/${room.id}`, { token: school.tokens.school_admin })).status, 403, 'no longer their school');
      assert.equal((await f.catalog.api('delete', `/classrooms/${room.id}`, { token: other.tokens.school_admin })).status, 200);
      assert.equal((await f.catalog.api('get', `/classrooms/${room.id}`, { token: f.operator })).status, 404);
    });
  });
}
