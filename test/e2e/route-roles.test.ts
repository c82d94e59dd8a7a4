// Role checks generated from the route table: every route the catalog API mounts (imported, never
// listed by hand) is called over HTTP by an anonymous caller and by every role its declared access
// does not admit, and each must be refused with 401 or 403, so a new route cannot ship unguarded.
// Then every GET route is read by the callers who may not see secrets, and no answer may carry a
// stream key or a password hash.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { catalogRoutes } from '../../services/catalog/api/catalog-api.ts';
import type { RouteSpec } from '../../services/catalog/api/route-spec.ts';
import { roles, type Role } from '../../services/catalog/auth/account.ts';
import { setLogLevel, setLogSink } from '../../services/core/log.ts';
import { startFixture, type Fixture } from '../helpers/api-fixtures.ts';

const routes = catalogRoutes();

/** Who a route's access admits: anonymous callers only for public routes. */
function admits(spec: RouteSpec, role: Role | 'anonymous'): boolean {
  if (spec.access === 'public') return true;
  if (role === 'anonymous') return false;
  return spec.access === 'signed-in' || spec.access.includes(role);
}

test('every route declares who may call it, with known roles', () => {
  assert.ok(routes.length > 40, `the table has ${routes.length} routes`);
  for (const spec of routes) {
    const label = `${spec.method.toUpperCase()} ${spec.path}`;
    if (spec.access === 'public' || spec.access === 'signed-in') continue;
    assert.ok(Array.isArray(spec.access) && spec.access.length > 0, `${label}: access is 'public', 'signed-in' or a non-empty list of roles`);
    for (const role of spec.access) assert.ok(roles.includes(role), `${label}: unknown role ${role}`);
  }
  const operatorOnly = routes.filter((spec) => Array.isArray(spec.access) && spec.access.length === 1 && spec.access[0] === 'operator').map((spec) => `${spec.method} ${spec.path}`);
  for (const expected of ['get /audit', 'get /dashboard', 'post /cities']) assert.ok(operatorOnly.includes(expected), `${expected} is for operators only`);
});

describe('role checks across every API route', () => {
  let f: Fixture;
  let ids: Record<string, string>;
  let tokens: Record<Role, string>;
  let otherAdmin: string;
  let secrets: string[];
  /** Every log line the catalog writes during the run, at debug level, to scan for secrets too. */
  const logLines: string[] = [];
  let restoreLogSink: () => void;

  /** The route's path with real ids of a school's resources, so a refusal is about access, not a missing row. */
  const concrete = (path: string) =>
    path.replace(/^\/([a-z]+)\/:id/, (_match, resource: string) => `/${resource}/${ids[resource] ?? 'unknown'}`).replace(':fileId', ids.file ?? '1');

  const call = async (spec: RouteSpec, token: string | undefined) => {
    const sendsBody = spec.method === 'post' || spec.method === 'put' || spec.method === 'patch';
    return f.catalog.api(spec.method, concrete(spec.path), { ...(token ? { token } : {}), ...(sendsBody ? { body: {} } : {}) });
  };

  const leaked = (text: string) => secrets.filter((secret) => text.includes(secret));

  before(async () => {
    f = await startFixture('memory://');
    setLogLevel('debug');
    restoreLogSink = setLogSink((line) => logLines.push(line));
    const school = await f.school();
    const other = await f.school();
    otherAdmin = other.tokens.school_admin;
    tokens = { operator: f.operator, ...school.tokens };
    const room = await f.classroom(school.id);
    const course = await f.course(school.id, { teacherAccountId: school.teacherId });
    const start = new Date(Date.now() + 3600_000);
    const lesson = await f.catalog.api('post', '/lessons', { token: f.operator, body: { classroomId: room.id, courseId: course.id, title: 'Guarded', startsAt: start.toISOString(), endsAt: new Date(start.getTime() + 3600_000).toISOString(), visibility: 'school' } });
    assert.equal(lesson.status, 201, JSON.stringify(lesson.body));
    const file = await f.catalog.api('post', `/courses/${course.id}/files?name=notes.txt`, { token: f.operator, rawBody: 'notes', headers: { 'content-type': 'text/plain' } });
    assert.equal(file.status, 201, JSON.stringify(file.body));
    const me = await f.catalog.api('get', '/auth/me', { token: school.tokens.teacher });
    ids = { cities: String(school.cityId), schools: String(school.id), classrooms: room.id, courses: String(course.id), lessons: lesson.body.id, recordings: `${lesson.body.id}-rec1`, accounts: String(me.body.account.id), file: String(file.body.id) };
    const hashes = await f.catalog.db.query<{ password_hash: string }>('select password_hash from accounts');
    const keys = await f.catalog.db.query<{ primary_key: string; backup_key: string | null }>('select primary_key, backup_key from classrooms');
    secrets = [...hashes.map((row) => row.password_hash), ...keys.flatMap((row) => [row.primary_key, ...(row.backup_key ? [row.backup_key] : [])])];
    assert.ok(secrets.length >= 8);
  });
  after(async () => {
    restoreLogSink();
    setLogLevel('warn');
    await f.catalog.close();
  });

  for (const spec of routes) {
    const label = `${spec.method.toUpperCase()} ${spec.path}`;
    const refused = (['anonymous', ...roles] as const).filter((who) => !admits(spec, who));
    test(`${label} refuses ${refused.length > 0 ? refused.join(', ') : 'nobody (public)'}`, async () => {
      for (const who of refused) {
        const answer = await call(spec, who === 'anonymous' ? undefined : tokens[who]);
        const expected = who === 'anonymous' ? 401 : 403;
        assert.equal(answer.status, expected, `${label} as ${who}: ${answer.status} ${JSON.stringify(answer.body)}`);
        assert.equal(answer.body.error.status, expected);
        assert.deepEqual(leaked(JSON.stringify(answer.body)), []);
      }
    });
  }

  test('no GET answers a stream key or a password hash to anyone but the school\'s admins and the operators', async () => {
    const readers: Array<[string, string | undefined]> = [['anonymous', undefined], ['student', tokens.student], ['teacher', tokens.teacher], ['admin of another school', otherAdmin]];
    let answered = 0;
    for (const spec of routes.filter((route) => route.method === 'get')) {
      for (const [who, token] of readers) {
        const answer = await call(spec, token);
        const text = typeof answer.body === 'string' ? answer.body : JSON.stringify(answer.body ?? '');
        assert.deepEqual(leaked(text), [], `${spec.path} as ${who} answered a secret`);
        if (answer.status === 200) answered++;
      }
    }
    assert.ok(answered > 20, `only ${answered} reads succeeded; the scan must see real answers`);
    // The same reads as the school's admin do show the keys: the scan looks where they would be.
    const asAdmin = await f.catalog.api('get', '/classrooms', { token: tokens.school_admin });
    assert.ok(leaked(JSON.stringify(asAdmin.body)).length >= 2);
  });

  test('no log line the catalog wrote during all these calls holds a stream key or a password hash', () => {
    assert.ok(logLines.length > 0, 'the catalog logged something at debug level');
    assert.deepEqual(leaked(logLines.join('\n')), []);
  });
});
