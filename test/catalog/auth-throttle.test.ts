// Login throttling: a username with too many wrong passwords is locked (even for the right one)
// until its lock passes; other usernames are not; a success clears the count; an address that
// tries too fast is slowed down. The rules alone, with a clock we drive, then the real API.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { createLoginThrottle } from '../../services/catalog/auth/login-throttle.ts';
import { startTestCatalog, testPassword, type TestCatalog } from '../helpers/test-catalog.ts';

describe('the login throttle rules', () => {
  const settings = { perIp: { burst: 3, perSecond: 1 }, failuresBeforeLock: 2, lockSeconds: 60 };

  it('locks a username after its failures in a row, for its lock time, and a success clears the count', () => {
    const throttle = createLoginThrottle({ ...settings, perIp: { burst: 100, perSecond: 100 } });
    throttle.failed('Olga', 0);
    throttle.succeeded('olga');
    throttle.failed('olga', 0);
    assert.deepEqual(throttle.check('10.0.0.1', 'olga', 0), { ok: true });
    throttle.failed('OLGA', 0);
    assert.deepEqual(throttle.check('10.0.0.2', 'olga', 1000), { ok: false, retryAfterSeconds: 59, reason: 'username' });
    assert.deepEqual(throttle.check('10.0.0.2', 'sam', 1000), { ok: true });
    assert.deepEqual(throttle.check('10.0.0.2', 'olga', 60_000), { ok: true });
  });

  it('lets an address try at its bucket rate', () => {
    const throttle = createLoginThrottle(settings);
    for (let attempt = 0; attempt < 3; attempt++) assert.equal(throttle.check('10.0.0.9', `user${attempt}`, 0).ok, true);
    assert.deepEqual(throttle.check('10.0.0.9', 'user9', 0), { ok: false, retryAfterSeconds: 1, reason: 'address' });
    assert.equal(throttle.check('10.0.0.10', 'user9', 0).ok, true);
    assert.equal(throttle.check('10.0.0.9', 'user9', 1000).ok, true);
  });
});

describe('POST /auth/login under guessing', () => {
  let catalog: TestCatalog;
  before(async () => {
    catalog = await startTestCatalog();
  });
  after(() => catalog.close());

  it('answers 429 with Retry-After once a username had ten wrong passwords, even for the right one; other users still sign in', async () => {
    const { account: victim } = await catalog.signIn('operator');
    const { account: other } = await catalog.signIn('student');
    for (let attempt = 0; attempt < 10; attempt++) {
      const wrong = await catalog.api('post', '/auth/login', { body: { username: victim.username, password: 'not the password' } });
      assert.equal(wrong.status, 401);
    }
    const locked = await catalog.api('post', '/auth/login', { body: { username: victim.username, password: testPassword } });
    assert.equal(locked.status, 429);
    assert.match(locked.body.error.message, /too many wrong passwords/);
    assert.ok(Number(locked.headers.get('retry-after')) > 0);
    const fine = await catalog.api('post', '/auth/login', { body: { username: other.username, password: testPassword } });
    assert.equal(fine.status, 200);
  });
});
