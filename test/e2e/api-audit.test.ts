// The audit log through the real API on both databases: every change lands with who, what, which
// fields and from where; sign-ins and failed sign-ins too; operators filter and page it; it never
// holds a password or a stream key.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { auditEntryStart, auditOutcome, fieldNames } from '../../services/catalog/audit/audit-entry.ts';
import { catalogDatabaseUrls } from '../helpers/databases.ts';
import { testPassword } from '../helpers/test-catalog.ts';
import { startFixture, type Fixture } from '../helpers/api-fixtures.ts';

type Entry = { id: number; at: string; accountId: number | null; username: string | null; role: string | null; action: string; resource: string; resourceId: string | null; path: string; fields: string[]; clientIp: string | null; status: number | null };

test('an entry names the route, the resource and the body field names, never values', () => {
  const entry = auditEntryStart(
    { method: 'patch', path: '/accounts/:id', tag: 'accounts' },
    { params: { id: '7' }, path: '/accounts/7', body: { password: 'hunter2-hunter2', displayName: 'X' }, ip: '::1' },
    { id: 3, username: 'op', role: 'operator' },
  );
  assert.deepEqual(entry, { actor: { id: 3, username: 'op', role: 'operator' }, action: 'PATCH /accounts/:id', resource: 'accounts', resourceId: '7', path: '/accounts/7', fields: ['displayName', 'password'], clientIp: '::1' });
  assert.doesNotMatch(JSON.stringify(entry), /hunter2/);
  assert.deepEqual(fieldNames(undefined), []);
  assert.deepEqual(fieldNames([1, 2]), []);
  assert.deepEqual(auditOutcome(201, { id: 'room-1' }, null), { resourceId: 'room-1' });
  assert.deepEqual(auditOutcome(200, { id: 'room-1' }, null), {}, 'only a create names a new id');
  assert.deepEqual(auditOutcome(200, { account: { id: 4, username: 'amy', role: 'teacher' }, token: 't' }, null), { actor: { id: 4, username: 'amy', role: 'teacher' } });
  assert.deepEqual(auditOutcome(200, { account: { id: 4, username: 'amy', role: 'teacher' } }, { id: 1, username: 'op', role: 'operator' }), {}, 'a signed-in caller stays the actor');
});

for (const database of await catalogDatabaseUrls()) {
  describe(`audit log on ${database.name}`, () => {
    let f: Fixture;
    let operatorId: number;
    const audit = async (query = '', token = f.operator) => {
      const answer = await f.catalog.api('get', `/audit${query}`, { token });
      assert.equal(answer.status, 200, JSON.stringify(answer.body));
      return answer.body as { items: Entry[]; total: number; limit: number; offset: number };
    };
    before(async () => {
      f = await startFixture(database.url);
      operatorId = (await f.catalog.api('get', '/auth/me', { token: f.operator })).body.account.id;
    });
    after(() => f.catalog.close());

    test('creating, changing, rotating and deleting a classroom are each recorded with who, what and which fields', async () => {
      const school = await f.school();
      const id = f.unique('room');
      const primaryKey = `audit-${id}-primary-key`;
      const created = await f.catalog.api('post', '/classrooms', { token: school.tokens.school_admin, body: { id, schoolId: school.id, name: 'Audit room', primaryKey } });
      assert.equal(created.status, 201);
      const renamed = await f.catalog.api('patch', `/classrooms/${id}`, { token: f.operator, body: { name: 'Audit room 2' } });
      assert.equal(renamed.status, 200);
      const rotated = await f.catalog.api('post', `/classrooms/${id}/rotate-key`, { token: f.operator, body: { which: 'backup' } });
      assert.equal(rotated.status, 200);
      assert.equal((await f.catalog.api('delete', `/classrooms/${id}`, { token: f.operator })).status, 200);

      const page = await audit(`?resource=classrooms&resourceId=${id}`);
      assert.equal(page.total, 4);
      const [deleted, rotation, change, creation] = page.items;
      assert.equal(creation!.action, 'POST /classrooms');
      assert.equal(creation!.resourceId, id, 'a create records the id it made');
      assert.equal(creation!.role, 'school_admin');
      assert.deepEqual(creation!.fields, ['id', 'name', 'primaryKey', 'schoolId']);
      assert.equal(creation!.status, 201);
      assert.match(creation!.clientIp ?? '', /127\.0\.0\.1/);
      assert.equal(change!.action, 'PATCH /classrooms/:id');
      assert.deepEqual(change!.fields, ['name']);
      assert.equal(change!.accountId, operatorId);
      assert.equal(rotation!.action, 'POST /classrooms/:id/rotate-key');
      assert.equal(rotation!.path, `/classrooms/${id}/rotate-key`);
      assert.deepEqual(rotation!.fields, ['which']);
      assert.equal(deleted!.action, 'DELETE /classrooms/:id');
      assert.ok(Date.parse(deleted!.at) >= Date.parse(creation!.at), 'newest first');

      const everything = JSON.stringify((await audit('?limit=200')).items);
      for (const secret of [primaryKey, created.body.backupKey, rotated.body.backupKey]) assert.equal(everything.includes(secret), false, 'no stream key in the audit log');
    });

    test('a refused change is recorded with its status; reads and access refusals are not', async () => {
      const name = f.unique('City');
      assert.equal((await f.catalog.api('post', '/cities', { token: f.operator, body: { name } })).status, 201);
      assert.equal((await f.catalog.api('post', '/cities', { token: f.operator, body: { name } })).status, 409);
      const school = await f.school();
      assert.equal((await f.catalog.api('post', '/cities', { token: school.tokens.teacher, body: { name: f.unique('City') } })).status, 403);
      assert.equal((await f.catalog.api('get', '/cities', { token: school.tokens.teacher })).status, 200);
      const cities = await audit(`?resource=cities&accountId=${operatorId}&limit=3`);
      // Newest first: the fixture's city for the school, the duplicate, the first create.
      assert.deepEqual(cities.items.map((entry) => entry.status), [201, 409, 201]);
      assert.equal(cities.items[1]!.resourceId, null, 'a refused create made no id');
      assert.equal((await audit(`?accountId=${school.teacherId}`)).total, 0, 'the teacher only read, and was refused');
    });

    test('sign-ins, failed sign-ins and sign-outs are recorded, without the password', async () => {
      const school = await f.school();
      const username = f.unique('audited');
      const made = await f.catalog.api('post', '/accounts', { token: school.tokens.school_admin, body: { username, password: testPassword, displayName: 'Audited', role: 'student' } });
      assert.equal(made.status, 201);
      const wrong = await f.catalog.api('post', '/auth/login', { body: { username, password: 'not the password at all' } });
      assert.equal(wrong.status, 401);
      const login = await f.catalog.api('post', '/auth/login', { body: { username, password: testPassword } });
      assert.equal(login.status, 200);
      assert.equal((await f.catalog.api('post', '/auth/logout', { token: login.body.token })).status, 200);

      const auth = (await audit('?resource=auth&limit=3')).items;
      assert.deepEqual(auth.map((entry) => [entry.action, entry.status, entry.username]), [
        ['POST /auth/logout', 200, username],
        ['POST /auth/login', 200, username],
        ['POST /auth/login', 401, null],
      ]);
      assert.deepEqual(auth[2]!.fields, ['password', 'username'], 'the names of what was sent, not the values');
      const creation = (await audit(`?resource=accounts&resourceId=${made.body.id}`)).items;
      assert.deepEqual(creation.map((entry) => [entry.action, entry.role]), [['POST /accounts', 'school_admin']]);
      const everything = JSON.stringify((await audit('?limit=200')).items);
      for (const secret of [testPassword, 'not the password at all', login.body.token, f.operator]) assert.equal(everything.includes(secret), false, 'no password or token in the audit log');
      const hashes = await f.catalog.db.query<{ password_hash: string }>('select password_hash from accounts');
      for (const { password_hash: hash } of hashes) assert.equal(everything.includes(hash), false, 'no password hash in the audit log');
    });

    test('operators filter by time and page; other roles may not read it', async () => {
      const all = await audit('?limit=1');
      assert.equal(all.items.length, 1);
      assert.ok(all.total > 5);
      const second = await audit('?limit=1&offset=1');
      assert.notEqual(second.items[0]!.id, all.items[0]!.id);
      assert.equal((await audit(`?since=${encodeURIComponent(new Date(Date.now() + 60_000).toISOString())}`)).total, 0);
      assert.equal((await audit('?until=2000-01-01')).total, 0);
      assert.equal((await audit('?since=2000-01-01')).total, all.total);
      const bad = await f.catalog.api('get', '/audit?since=yesterday', { token: f.operator });
      assert.equal(bad.status, 400);
      assert.match(bad.body.error.message, /^since:/);
      const school = await f.school();
      for (const token of Object.values(school.tokens)) assert.equal((await f.catalog.api('get', '/audit', { token })).status, 403);
      assert.equal((await f.catalog.api('get', '/audit')).status, 401);
    });
  });
}
