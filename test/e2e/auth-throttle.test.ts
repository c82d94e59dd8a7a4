// Login throttling: wrong passwords for a username from one address slow that address down for that
// username (each wait twice the last, up to a cap), never the rightful user's other addresses;
// guessing a username from many addresses slows the addresses it has not signed in from, not the
// ones it has; a success clears the counts; an address that tries too fast is slowed down. The rules
// alone, with a clock we drive, then the real API from two loopback addresses.
import assert from 'node:assert/strict';
import { request } from 'node:http';
import { after, before, describe, it } from 'node:test';
import { createLoginThrottle, defaultLoginThrottle } from '../../services/catalog/auth/login-throttle.ts';
import { startTestCatalog, testPassword, type TestCatalog } from '../helpers/test-catalog.ts';

describe('the login throttle rules', () => {
  const settings = { ...defaultLoginThrottle, perIp: { burst: 1000, perSecond: 1000 }, freeFailures: 2, firstDelaySeconds: 1, maxDelaySeconds: 8, usernameFreeFailures: 6, usernameMaxDelaySeconds: 4 };

  it('slows one username at one address after its free failures, doubling each wait up to the cap, and a success clears it', () => {
    const throttle = createLoginThrottle(settings);
    throttle.failed('10.0.0.1', 'Olga', 0);
    throttle.failed('10.0.0.1', 'olga', 0);
    assert.deepEqual(throttle.check('10.0.0.1', 'OLGA', 0), { ok: false, retryAfterSeconds: 1, reason: 'username' });
    assert.deepEqual(throttle.check('10.0.0.1', 'olga', 1000), { ok: true });
    throttle.failed('10.0.0.1', 'olga', 1000);
    assert.deepEqual(throttle.check('10.0.0.1', 'olga', 1500), { ok: false, retryAfterSeconds: 2, reason: 'username' });
    for (let attempt = 0; attempt < 5; attempt++) throttle.failed('10.0.0.1', 'olga', 10_000);
    assert.deepEqual(throttle.check('10.0.0.1', 'olga', 10_000), { ok: false, retryAfterSeconds: 8, reason: 'username' }, 'the wait stops growing at the cap');
    assert.deepEqual(throttle.check('10.0.0.1', 'sam', 10_000), { ok: true });
    assert.deepEqual(throttle.check('10.0.0.1', 'olga', 18_000), { ok: true });
    throttle.succeeded('10.0.0.1', 'olga');
    throttle.failed('10.0.0.1', 'olga', 18_000);
    assert.deepEqual(throttle.check('10.0.0.1', 'olga', 18_000), { ok: true });
  });

  it('never slows the rightful user at another address for wrong passwords from one address', () => {
    const throttle = createLoginThrottle(settings);
    for (let attempt = 0; attempt < 5; attempt++) throttle.failed('203.0.113.9', 'operator', 0);
    assert.equal(throttle.check('203.0.113.9', 'operator', 0).ok, false);
    assert.deepEqual(throttle.check('198.51.100.7', 'operator', 0), { ok: true });
  });

  it('slows the addresses a username has not signed in from once many addresses guessed it, not the ones it has', () => {
    const throttle = createLoginThrottle(settings);
    throttle.succeeded('192.0.2.10', 'olga');
    for (let attempt = 0; attempt < 20; attempt++) throttle.failed(`203.0.113.${attempt}`, 'olga', 0);
    assert.deepEqual(throttle.check('203.0.113.200', 'olga', 0), { ok: false, retryAfterSeconds: 4, reason: 'username-everywhere' }, 'a wait, capped, not a lock');
    assert.deepEqual(throttle.check('192.0.2.10', 'olga', 0), { ok: true }, 'the address it signs in from is not slowed');
    assert.deepEqual(throttle.check('203.0.113.200', 'sam', 0), { ok: true });
    assert.deepEqual(throttle.check('203.0.113.200', 'olga', 4000), { ok: true });
  });

  it('lets an address try at its bucket rate', () => {
    const throttle = createLoginThrottle({ ...settings, perIp: { burst: 3, perSecond: 1 } });
    for (let attempt = 0; attempt < 3; attempt++) assert.equal(throttle.check('10.0.0.9', `user${attempt}`, 0).ok, true);
    assert.deepEqual(throttle.check('10.0.0.9', 'user9', 0), { ok: false, retryAfterSeconds: 1, reason: 'address' });
    assert.equal(throttle.check('10.0.0.10', 'user9', 0).ok, true);
    assert.equal(throttle.check('10.0.0.9', 'user9', 1000).ok, true);
  });
});

/** POST /api/v1/auth/login from a chosen loopback address (the whole of 127/8 reaches a server on 127.0.0.1). */
function loginFrom(catalog: TestCatalog, localAddress: string, username: string, password: string): Promise<{ status: number; retryAfter: number; message: string }> {
  return new Promise((resolve, reject) => {
    const body = JSON.stringify({ username, password });
    const sent = request(`${catalog.url}/api/v1/auth/login`, { method: 'POST', localAddress, headers: { 'content-type': 'application/json', 'content-length': Buffer.byteLength(body) } }, (response) => {
      let text = '';
      response.on('data', (chunk: Buffer) => (text += chunk.toString()));
      response.on('end', () => {
        const answer = JSON.parse(text) as { error?: { message: string } };
        resolve({ status: response.statusCode!, retryAfter: Number(response.headers['retry-after'] ?? 0), message: answer.error?.message ?? '' });
      });
    });
    sent.on('error', reject);
    sent.end(body);
  });
}

describe('POST /auth/login under guessing', () => {
  let catalog: TestCatalog;
  before(async () => {
    catalog = await startTestCatalog();
  });
  after(() => catalog.close());

  it('lets the operator sign in from another address at once after ten wrong passwords from one, and slows the guessing address by seconds, not minutes', async () => {
    const { account: victim } = await catalog.signIn('operator');
    const answers = [];
    for (let attempt = 0; attempt < 10; attempt++) answers.push(await loginFrom(catalog, '127.0.0.2', victim.username, 'not the password'));
    assert.deepEqual(answers.slice(0, 5).map((answer) => answer.status), [401, 401, 401, 401, 401]);
    const slowed = answers.find((answer) => answer.status === 429);
    assert.ok(slowed, 'the guessing address is slowed down');
    assert.match(slowed.message, /too many wrong passwords for this username from this address/);
    assert.ok(slowed.retryAfter > 0 && slowed.retryAfter <= defaultLoginThrottle.maxDelaySeconds, `Retry-After ${slowed.retryAfter}`);

    const rightful = await loginFrom(catalog, '127.0.0.3', victim.username, testPassword);
    assert.equal(rightful.status, 200, rightful.message);
  });
});
