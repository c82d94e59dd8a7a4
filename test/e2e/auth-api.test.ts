// The catalog's sign-in, sessions, first-run setup and account management over real HTTP, on
// PGlite and on a throwaway PostgreSQL: who may do what to which account, and what each refusal says.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import type { Account } from '../../services/catalog/auth/account.ts';
import { hashSessionToken } from '../../services/catalog/auth/sessions.ts';
import { ensureSetupToken } from '../../services/catalog/auth/setup-token.ts';
import { queryOne, type Queryable } from '../../services/catalog/db/database.ts';
import { createLogger, setLogLevel, setLogSink } from '../../services/core/log.ts';
import { catalogDatabaseUrls, freshPostgresUrl, stopTestPostgres } from '../helpers/databases.ts';
import { startTestCatalog, testPassword, type TestCatalog } from '../helpers/test-catalog.ts';

after(stopTestPostgres);

async function makeSchool(db: Queryable, name: string): Promise<number> {
  const city = await queryOne<{ id: number }>(db, 'insert into cities (province_id, name) values ((select min(id) from provinces), $1) returning id', [`City of ${name}`]);
  return (await queryOne<{ id: number }>(db, 'insert into schools (city_id, name) values ($1, $2) returning id', [city!.id, name]))!.id;
}

/** No answer about an account may carry its password hash, under any name. */
function assertNoSecrets(body: unknown): void {
  assert.doesNotMatch(JSON.stringify(body), /password|scrypt\$/i);
}

const cookieOf = (token: string) => ({ cookie: `theme=dark; classcast_session=${token}; other=1` });

for (const database of await catalogDatabaseUrls()) {
  describe(`sign-in and sessions on ${database.name}`, () => {
    let catalog: TestCatalog;
    let schoolId: number;
    const login = (username: string, password: string) => catalog.api('post', '/auth/login', { body: { username, password } });
    before(async () => {
      catalog = await startTestCatalog({ databaseUrl: database.url });
      schoolId = await makeSchool(catalog.db, 'Login School');
    });
    after(() => catalog.close());

    it('signs in with the right password: account, token, expiry and a strict HttpOnly cookie', async () => {
      const { account } = await catalog.signIn('teacher', schoolId);
      const answer = await login(account.username, testPassword);
      assert.equal(answer.status, 200, JSON.stringify(answer.body));
      assert.deepEqual(answer.body.account, account);
      assertNoSecrets(answer.body.account);
      assert.match(answer.body.token, /^[A-Za-z0-9_-]{43}$/);
      const hours = (Date.parse(answer.body.expiresAt) - Date.now()) / 3_600_000;
      assert.ok(hours > 11.9 && hours <= 12, `expires in ${hours} h`);
      const cookie = answer.headers.get('set-cookie') ?? '';
      assert.equal(cookie, `classcast_session=${answer.body.token}; HttpOnly; SameSite=Strict; Path=/; Max-Age=43200`);
      assert.equal(answer.headers.get('cache-control'), 'no-store');
      const stored = await queryOne<{ token_hash: string }>(catalog.db, 'select token_hash from auth_sessions where account_id = $1 order by created_at desc limit 1', [account.id]);
      assert.equal(stored?.token_hash, hashSessionToken(answer.body.token), 'only the SHA-256 of the token is stored');
    });

    it('takes the username in any letter case', async () => {
      const { account } = await catalog.signIn('student');
      const answer = await login(account.username.toUpperCase(), testPassword);
      assert.equal(answer.status, 200);
      assert.equal(answer.body.account.id, account.id);
    });

    it('answers a wrong password, an unknown user and a disabled account with the same 401 and no cookie', async () => {
      const { account } = await catalog.signIn('student');
      const { account: disabled } = await catalog.signIn('student');
      await catalog.db.query('update accounts set disabled = true where id = $1', [disabled.id]);
      const answers = [await login(account.username, 'not the password'), await login('nobody-here', testPassword), await login(disabled.username, testPassword)];
      for (const answer of answers) {
        assert.equal(answer.status, 401);
        assert.deepEqual(answer.body.error, answers[0]!.body.error);
        assert.equal(answer.headers.get('set-cookie'), null);
      }
      assert.equal(answers[0]!.body.error.message, 'wrong username or password');
    });

    it('accepts the session as a Bearer token or as the cookie, and nothing else', async () => {
      const { account, token } = await catalog.signIn('school_admin', schoolId);
      const bearer = await catalog.api('get', '/auth/me', { token });
      assert.equal(bearer.status, 200);
      assert.deepEqual(bearer.body, { account });
      const cookie = await catalog.api('get', '/auth/me', { headers: cookieOf(token) });
      assert.equal(cookie.status, 200);
      assert.deepEqual(cookie.body, { account });
      assert.equal((await catalog.api('get', '/auth/me')).status, 401);
      assert.equal((await catalog.api('get', '/auth/me', { token: `${token}x` })).status, 401);
      assert.equal((await catalog.api('get', '/auth/me', { headers: cookieOf(hashSessionToken(token)) })).status, 401, 'the stored hash is not a token');
    });

    it('logs out: the session stops working and the cookie is cleared', async () => {
      const { account } = await catalog.signIn('teacher', schoolId);
      const { body } = await login(account.username, testPassword);
      const out = await catalog.api('post', '/auth/logout', { headers: cookieOf(body.token) });
      assert.equal(out.status, 200);
      assert.match(out.headers.get('set-cookie') ?? '', /^classcast_session=; HttpOnly; SameSite=Strict; Path=\/; Max-Age=0$/);
      assert.equal((await catalog.api('get', '/auth/me', { token: body.token })).status, 401);
      assert.equal((await catalog.api('post', '/auth/logout')).status, 200, 'logging out twice is harmless');
    });

    it('refuses an expired session, and a later login clears it from the table', async () => {
      const { account } = await catalog.signIn('student');
      const token = 'expired-token-for-the-test';
      await catalog.db.query(`insert into auth_sessions (token_hash, account_id, expires_at) values ($1, $2, now() - interval '1 minute')`, [hashSessionToken(token), account.id]);
      assert.equal((await catalog.api('get', '/auth/me', { token })).status, 401);
      assert.equal((await login(account.username, testPassword)).status, 200);
      assert.equal(await queryOne(catalog.db, 'select 1 from auth_sessions where token_hash = $1', [hashSessionToken(token)]), undefined);
    });

    it('refuses a disabled account\'s existing sessions', async () => {
      const { token, account } = await catalog.signIn('student');
      assert.equal((await catalog.api('get', '/auth/me', { token })).status, 200);
      await catalog.db.query('update accounts set disabled = true where id = $1', [account.id]);
      assert.equal((await catalog.api('get', '/auth/me', { token })).status, 401);
    });

    it('answers malformed JSON with 400, a non-JSON body with 415, and a missing field with 400 naming it', async () => {
      const malformed = await catalog.api('post', '/auth/login', { rawBody: '{"username": "x", ' });
      assert.equal(malformed.status, 400);
      assert.match(malformed.body.error.message, /malformed JSON/);
      const form = await catalog.api('post', '/auth/login', { rawBody: 'username=x&password=y', headers: { 'content-type': 'application/x-www-form-urlencoded' } });
      assert.equal(form.status, 415);
      const missing = await catalog.api('post', '/auth/login', { body: { username: 'someone' } });
      assert.equal(missing.status, 400);
      assert.match(missing.body.error.message, /^password: /);
    });
  });

  describe(`first-run setup on ${database.name}`, () => {
    let catalog: TestCatalog;
    const logged: string[] = [];
    let setupToken: string | undefined;
    before(async () => {
      catalog = await startTestCatalog({ databaseUrl: database.name === 'postgres' ? await freshPostgresUrl() : 'memory://' });
      setLogLevel('info');
      const restore = setLogSink((line) => logged.push(line));
      try {
        setupToken = await ensureSetupToken(catalog.db, createLogger({ role: 'catalog' }), 'http://school.example:8080/');
      } finally {
        restore();
        setLogLevel('warn');
      }
    });
    after(() => catalog.close());

    it('logs a one-time setup token with the URL to open, and says setup is needed', async () => {
      assert.ok(setupToken && setupToken.length >= 32);
      const line = logged.map((text) => JSON.parse(text) as { event: string; url?: string }).find((entry) => entry.event === 'setup token');
      assert.equal(line?.url, `http://school.example:8080/setup?token=${setupToken}`);
      assert.deepEqual((await catalog.api('get', '/setup/status')).body, { needsSetup: true });
      assert.equal((await catalog.api('get', '/auth/me')).status, 401);
    });

    it('refuses a wrong token (403) and a short password (400) without using the token up', async () => {
      const wrong = await catalog.api('post', '/setup', { body: { token: `${setupToken}x`, username: 'province-admin', password: 'a good long password', displayName: 'Province Admin' } });
      assert.equal(wrong.status, 403);
      const short = await catalog.api('post', '/setup', { body: { token: setupToken, username: 'province-admin', password: 'short', displayName: 'Province Admin' } });
      assert.equal(short.status, 400);
      assert.match(short.body.error.message, /^password: a password is at least 10 characters/);
      assert.deepEqual((await catalog.api('get', '/setup/status')).body, { needsSetup: true });
    });

    it('refuses a trivial password and one that is the username (400, saying what to choose) without using the token up', async () => {
      for (const password of [' '.repeat(10), '\0'.repeat(10), '1234567890', 'province-admin']) {
        const refused = await catalog.api('post', '/setup', { body: { token: setupToken, username: 'province-admin', password, displayName: 'Province Admin' } });
        assert.equal(refused.status, 400, JSON.stringify(password));
        assert.match(refused.body.error.message, /^password: this password is too easy to guess.*: choose a passphrase of four or more words/);
      }
      assert.deepEqual((await catalog.api('get', '/setup/status')).body, { needsSetup: true });
    });

    it('creates the first operator with the right token, signs it in, and refuses a second use', async () => {
      const created = await catalog.api('post', '/setup', { body: { token: setupToken, username: 'province-admin', password: 'a good long password', displayName: 'Province Admin' } });
      assert.equal(created.status, 201, JSON.stringify(created.body));
      assert.deepEqual({ ...created.body.account, id: 0 }, { id: 0, username: 'province-admin', displayName: 'Province Admin', role: 'operator', schoolId: null, locale: null });
      assert.match(created.headers.get('set-cookie') ?? '', /^classcast_session=[A-Za-z0-9_-]{43}; HttpOnly/);
      assert.equal((await catalog.api('get', '/auth/me', { token: created.body.token })).body.account.role, 'operator');
      const again = await catalog.api('post', '/setup', { body: { token: setupToken, username: 'second-admin', password: 'a good long password', displayName: 'Second' } });
      assert.equal(again.status, 409);
      assert.deepEqual((await catalog.api('get', '/setup/status')).body, { needsSetup: false });
      assert.equal(await ensureSetupToken(catalog.db, createLogger(), 'http://school.example:8080'), undefined);
      assert.equal((await catalog.api('post', '/auth/login', { body: { username: 'province-admin', password: 'a good long password' } })).status, 200);
    });
  });

  describe(`account management on ${database.name}`, () => {
    let catalog: TestCatalog;
    let schoolA: number;
    let schoolB: number;
    let operator: { account: Account; token: string };
    let adminA: { account: Account; token: string };
    let adminA2: { account: Account; token: string };
    let teacherA: { account: Account; token: string };
    let studentA: { account: Account; token: string };
    let teacherB: { account: Account; token: string };
    let adminB: { account: Account; token: string };
    before(async () => {
      catalog = await startTestCatalog({ databaseUrl: database.url });
      schoolA = await makeSchool(catalog.db, 'School A');
      schoolB = await makeSchool(catalog.db, 'School B');
      operator = await catalog.signIn('operator');
      adminA = await catalog.signIn('school_admin', schoolA);
      adminA2 = await catalog.signIn('school_admin', schoolA);
      teacherA = await catalog.signIn('teacher', schoolA);
      studentA = await catalog.signIn('student', schoolA);
      teacherB = await catalog.signIn('teacher', schoolB);
      adminB = await catalog.signIn('school_admin', schoolB);
    });
    after(() => catalog.close());

    const idsOf = (body: { items: Account[] }) => body.items.map((account) => account.id);

    it('lets an operator list everyone, filter by role and school, and never shows a password hash', async () => {
      const all = await catalog.api('get', '/accounts?limit=200', { token: operator.token });
      assert.equal(all.status, 200);
      for (const someone of [operator, adminA, teacherA, studentA, teacherB, adminB]) assert.ok(idsOf(all.body).includes(someone.account.id));
      assertNoSecrets(all.body);
      assert.deepEqual(all.body.items.find((item: Account) => item.id === teacherA.account.id), { ...teacherA.account, disabled: false });
      const teachersOfA = await catalog.api('get', `/accounts?role=teacher&schoolId=${schoolA}`, { token: operator.token });
      assert.deepEqual(idsOf(teachersOfA.body), [teacherA.account.id]);
      assert.equal(teachersOfA.body.total, 1);
    });

    it('lets a school admin list only the teachers and students of their own school', async () => {
      const listed = await catalog.api('get', '/accounts', { token: adminA.token });
      assert.equal(listed.status, 200);
      assert.deepEqual(idsOf(listed.body).sort(), [teacherA.account.id, studentA.account.id].sort());
      assert.equal((await catalog.api('get', `/accounts?schoolId=${schoolB}`, { token: adminA.token })).status, 403);
      assert.equal((await catalog.api('get', '/accounts?role=operator', { token: adminA.token })).status, 403);
      assert.deepEqual(idsOf((await catalog.api('get', `/accounts?role=student&schoolId=${schoolA}`, { token: adminA.token })).body), [studentA.account.id]);
    });

    it('refuses the account list to teachers, students (403) and the public (401)', async () => {
      assert.equal((await catalog.api('get', '/accounts', { token: teacherA.token })).status, 403);
      assert.equal((await catalog.api('get', '/accounts', { token: studentA.token })).status, 403);
      assert.equal((await catalog.api('get', '/accounts')).status, 401);
    });

    it('paginates with limit and offset, and refuses limits outside 1-200 naming the field', async () => {
      const school = await makeSchool(catalog.db, 'Paged School');
      const made: number[] = [];
      for (let index = 0; index < 5; index++) made.push((await catalog.signIn('student', school)).account.id);
      const page = await catalog.api('get', `/accounts?schoolId=${school}&limit=2&offset=2`, { token: operator.token });
      assert.equal(page.status, 200);
      assert.deepEqual({ ...page.body, items: idsOf(page.body) }, { items: made.slice(2, 4), total: 5, limit: 2, offset: 2 });
      const beyond = await catalog.api('get', `/accounts?schoolId=${school}&offset=10`, { token: operator.token });
      assert.deepEqual({ items: beyond.body.items, total: beyond.body.total, limit: beyond.body.limit }, { items: [], total: 5, limit: 50 });
      for (const query of ['limit=0', 'limit=201', 'offset=-1', 'limit=ten']) {
        const refused = await catalog.api('get', `/accounts?${query}`, { token: operator.token });
        assert.equal(refused.status, 400, query);
        assert.match(refused.body.error.message, new RegExp(`^${query.split('=')[0]}: `), query);
      }
    });

    it('lets an operator create every role, keeping the school rule', async () => {
      const body = (role: string, extra: object = {}) => ({ username: `made-${role}-${Date.now()}`, password: 'a good long password', displayName: `New ${role}`, role, ...extra });
      const newOperator = await catalog.api('post', '/accounts', { token: operator.token, body: body('operator') });
      assert.equal(newOperator.status, 201, JSON.stringify(newOperator.body));
      assert.equal(newOperator.body.schoolId, null);
      assertNoSecrets(newOperator.body);
      const newAdmin = await catalog.api('post', '/accounts', { token: operator.token, body: body('school_admin', { schoolId: schoolB }) });
      assert.equal(newAdmin.status, 201);
      assert.equal(newAdmin.body.schoolId, schoolB);
      const login = await catalog.api('post', '/auth/login', { body: { username: newAdmin.body.username, password: 'a good long password' } });
      assert.equal(login.status, 200, 'the new account can sign in');
      const operatorInSchool = await catalog.api('post', '/accounts', { token: operator.token, body: body('operator', { schoolId: schoolA }) });
      assert.equal(operatorInSchool.status, 400);
      assert.match(operatorInSchool.body.error.message, /^schoolId: operators belong to the province/);
      const teacherWithoutSchool = await catalog.api('post', '/accounts', { token: operator.token, body: body('teacher') });
      assert.equal(teacherWithoutSchool.status, 400);
      assert.match(teacherWithoutSchool.body.error.message, /^schoolId: /);
      const unknownSchool = await catalog.api('post', '/accounts', { token: operator.token, body: body('teacher', { schoolId: 999_999 }) });
      assert.equal(unknownSchool.status, 400);
      assert.match(unknownSchool.body.error.message, /^schoolId: no school 999999/);
    });

    it('lets a school admin create teachers and students of their own school only', async () => {
      const teacher = await catalog.api('post', '/accounts', { token: adminA.token, body: { username: 'a-new-teacher', password: 'a good long password', displayName: 'New Teacher', role: 'teacher' } });
      assert.equal(teacher.status, 201);
      assert.equal(teacher.body.schoolId, schoolA, 'the admin\'s school is the default');
      const base = { password: 'a good long password', displayName: 'Someone' };
      assert.equal((await catalog.api('post', '/accounts', { token: adminA.token, body: { ...base, username: 'x-in-b', role: 'student', schoolId: schoolB } })).status, 403);
      assert.equal((await catalog.api('post', '/accounts', { token: adminA.token, body: { ...base, username: 'x-operator', role: 'operator' } })).status, 403);
      assert.equal((await catalog.api('post', '/accounts', { token: adminA.token, body: { ...base, username: 'x-admin', role: 'school_admin' } })).status, 403);
      assert.equal((await catalog.api('post', '/accounts', { token: teacherA.token, body: { ...base, username: 'x-by-teacher', role: 'student', schoolId: schoolA } })).status, 403);
      assert.equal((await catalog.api('post', '/accounts', { token: studentA.token, body: { ...base, username: 'x-by-student', role: 'student' } })).status, 403);
      assert.equal((await catalog.api('post', '/accounts', { body: { ...base, username: 'x-by-public', role: 'student' } })).status, 401);
    });

    it('validates new accounts, naming the field, and answers 409 for a username taken in any case', async () => {
      const good = { username: 'valid-name', password: 'a good long password', displayName: 'Valid', role: 'student' };
      const cases: Array<[object, RegExp]> = [
        [{ ...good, password: 'too short' }, /^password: a password is at least 10 characters/],
        [{ ...good, password: 'p'.repeat(201) }, /^password: a password is at most 200 characters/],
        [{ ...good, username: 'a b' }, /^username: a username is 3 to 64/],
        [{ ...good, username: 'ab' }, /^username: /],
        [{ ...good, displayName: '   ' }, /^displayName: /],
        [{ ...good, role: 'superuser' }, /^role: /],
        [{ ...good, schoolId: 'one' }, /^schoolId: /],
        [{ username: 'valid-name', password: 'a good long password', role: 'student' }, /^displayName: /],
      ];
      for (const [body, message] of cases) {
        const answer = await catalog.api('post', '/accounts', { token: operator.token, body });
        assert.equal(answer.status, 400, JSON.stringify(body));
        assert.match(answer.body.error.message, message);
      }
      assert.equal((await catalog.api('post', '/accounts', { token: operator.token, rawBody: '{"username":' })).status, 400);
      const taken = await catalog.api('post', '/accounts', { token: operator.token, body: { ...good, username: teacherA.account.username.toUpperCase() } });
      assert.equal(taken.status, 409);
      assert.match(taken.body.error.message, /^username: .* is taken/);
    });

    it('shows each account to whom it may: 404 outside a school admin\'s school, 403 for others\' accounts to teachers and students', async () => {
      const get = (token: string, id: number | string) => catalog.api('get', `/accounts/${id}`, { token });
      assert.equal((await get(operator.token, teacherB.account.id)).status, 200);
      assert.deepEqual((await get(adminA.token, teacherA.account.id)).body, { ...teacherA.account, disabled: false });
      assert.equal((await get(adminA.token, teacherB.account.id)).status, 404);
      assert.equal((await get(adminA.token, adminA2.account.id)).status, 404, 'a fellow admin is not theirs to manage');
      assert.equal((await get(adminA.token, operator.account.id)).status, 404);
      assert.equal((await get(adminA.token, adminA.account.id)).status, 200, 'themselves');
      assert.equal((await get(teacherA.token, teacherA.account.id)).status, 200);
      assert.equal((await get(teacherA.token, studentA.account.id)).status, 403);
      assert.equal((await get(studentA.token, teacherA.account.id)).status, 403);
      assert.equal((await get(operator.token, 999_999)).status, 404);
      assert.equal((await get(operator.token, 'abc')).status, 404);
      assert.equal((await catalog.api('get', `/accounts/${teacherA.account.id}`)).status, 401);
    });

    it('lets anyone change their own display name and, with the current password, their password', async () => {
      const me = await catalog.signIn('teacher', schoolA);
      const other = await catalog.api('post', '/auth/login', { body: { username: me.account.username, password: testPassword } });
      const renamed = await catalog.api('patch', `/accounts/${me.account.id}`, { token: me.token, body: { displayName: 'Ms Renamed' } });
      assert.equal(renamed.status, 200);
      assert.equal(renamed.body.displayName, 'Ms Renamed');
      const path = `/accounts/${me.account.id}`;
      const noCurrent = await catalog.api('patch', path, { token: me.token, body: { password: 'my new long password' } });
      assert.equal(noCurrent.status, 400);
      assert.match(noCurrent.body.error.message, /^currentPassword: /);
      assert.equal((await catalog.api('patch', path, { token: me.token, body: { password: 'my new long password', currentPassword: 'wrong guess!' } })).status, 403);
      const changed = await catalog.api('patch', path, { token: me.token, body: { password: 'my new long password', currentPassword: testPassword } });
      assert.equal(changed.status, 200);
      assertNoSecrets(changed.body);
      assert.equal((await catalog.api('get', '/auth/me', { token: me.token })).status, 200, 'the session that changed it stays');
      assert.equal((await catalog.api('get', '/auth/me', { token: other.body.token })).status, 401, 'other sessions end');
      assert.equal((await catalog.api('post', '/auth/login', { body: { username: me.account.username, password: testPassword } })).status, 401);
      assert.equal((await catalog.api('post', '/auth/login', { body: { username: me.account.username, password: 'my new long password' } })).status, 200);
    });

    it('refuses changes to your own role, school or disabled state, and others\' accounts to teachers and students', async () => {
      for (const body of [{ role: 'school_admin' }, { schoolId: schoolB }, { disabled: true }]) {
        assert.equal((await catalog.api('patch', `/accounts/${teacherA.account.id}`, { token: teacherA.token, body })).status, 403, JSON.stringify(body));
      }
      assert.equal((await catalog.api('patch', `/accounts/${operator.account.id}`, { token: operator.token, body: { role: 'student' } })).status, 403);
      assert.equal((await catalog.api('patch', `/accounts/${studentA.account.id}`, { token: teacherA.token, body: { displayName: 'Hacked' } })).status, 403);
      const unknownKey = await catalog.api('patch', `/accounts/${teacherA.account.id}`, { token: teacherA.token, body: { passwordHash: 'x' } });
      assert.equal(unknownKey.status, 400);
    });

    it('lets a school admin change their school\'s teachers and students, within the school and those roles', async () => {
      const path = `/accounts/${studentA.account.id}`;
      const renamed = await catalog.api('patch', path, { token: adminA.token, body: { displayName: 'Student Renamed' } });
      assert.equal(renamed.status, 200);
      assert.equal(renamed.body.displayName, 'Student Renamed');
      assert.equal((await catalog.api('patch', path, { token: adminA.token, body: { role: 'teacher' } })).body.role, 'teacher');
      assert.equal((await catalog.api('patch', path, { token: adminA.token, body: { role: 'student' } })).body.role, 'student');
      assert.equal((await catalog.api('patch', path, { token: adminA.token, body: { role: 'school_admin' } })).status, 403);
      assert.equal((await catalog.api('patch', path, { token: adminA.token, body: { schoolId: schoolB } })).status, 403);
      assert.equal((await catalog.api('patch', `/accounts/${teacherB.account.id}`, { token: adminA.token, body: { displayName: 'x' } })).status, 404);
      assert.equal((await catalog.api('patch', `/accounts/${adminA2.account.id}`, { token: adminA.token, body: { displayName: 'x' } })).status, 404);
    });

    it('lets an operator move, promote and disable accounts; a disabled account is signed out', async () => {
      const someone = await catalog.signIn('teacher', schoolA);
      const path = `/accounts/${someone.account.id}`;
      const moved = await catalog.api('patch', path, { token: operator.token, body: { schoolId: schoolB, role: 'school_admin' } });
      assert.equal(moved.status, 200);
      assert.deepEqual({ role: moved.body.role, schoolId: moved.body.schoolId }, { role: 'school_admin', schoolId: schoolB });
      const promoted = await catalog.api('patch', path, { token: operator.token, body: { role: 'operator' } });
      assert.deepEqual({ role: promoted.body.role, schoolId: promoted.body.schoolId }, { role: 'operator', schoolId: null });
      const teacherNoSchool = await catalog.api('patch', path, { token: operator.token, body: { role: 'teacher' } });
      assert.equal(teacherNoSchool.status, 400);
      assert.match(teacherNoSchool.body.error.message, /^schoolId: /);
      const disabled = await catalog.api('patch', path, { token: operator.token, body: { disabled: true } });
      assert.equal(disabled.status, 200);
      assert.equal(disabled.body.disabled, true);
      assert.equal((await catalog.api('get', '/auth/me', { token: someone.token })).status, 401);
      assert.equal((await catalog.api('post', '/auth/login', { body: { username: someone.account.username, password: testPassword } })).status, 401);
    });

    it('deletes accounts as allowed, never yourself, and answers 404 for unknown and unmanaged ones', async () => {
      const victim = await catalog.signIn('student', schoolA);
      assert.equal((await catalog.api('delete', `/accounts/${victim.account.id}`, { token: teacherA.token })).status, 403);
      assert.equal((await catalog.api('delete', `/accounts/${victim.account.id}`, { token: adminB.token })).status, 404);
      assert.equal((await catalog.api('delete', `/accounts/${adminA2.account.id}`, { token: adminA.token })).status, 404);
      const deleted = await catalog.api('delete', `/accounts/${victim.account.id}`, { token: adminA.token });
      assert.equal(deleted.status, 200);
      assert.deepEqual(deleted.body, { deleted: true });
      assert.equal((await catalog.api('get', `/accounts/${victim.account.id}`, { token: operator.token })).status, 404);
      assert.equal((await catalog.api('get', '/auth/me', { token: victim.token })).status, 401, 'its sessions went with it');
      assert.equal((await catalog.api('delete', `/accounts/${victim.account.id}`, { token: operator.token })).status, 404);
      const self = await catalog.api('delete', `/accounts/${adminA.account.id}`, { token: adminA.token });
      assert.equal(self.status, 409);
      assert.equal((await catalog.api('delete', `/accounts/${operator.account.id}`, { token: operator.token })).status, 409);
      assert.equal((await catalog.api('delete', `/accounts/${teacherB.account.id}`, { token: operator.token })).status, 200);
    });
  });
}
