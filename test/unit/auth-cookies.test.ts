// Reading the session token from a request and writing the session cookie: the parts of sign-in
// that a plain-HTTP test server cannot reach (the Secure flag) or that take odd input.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { clearedSessionCookie, parseCookies, readSessionToken, sessionCookie } from '../../services/catalog/auth/session-cookie.ts';

describe('session cookie', () => {
  it('adds Secure only for requests that came over HTTPS', () => {
    assert.equal(sessionCookie('abc', 3600, true), 'classcast_session=abc; HttpOnly; SameSite=Strict; Path=/; Max-Age=3600; Secure');
    assert.equal(sessionCookie('abc', 3600, false), 'classcast_session=abc; HttpOnly; SameSite=Strict; Path=/; Max-Age=3600');
    assert.equal(clearedSessionCookie(true), 'classcast_session=; HttpOnly; SameSite=Strict; Path=/; Max-Age=0; Secure');
  });

  it('parses Cookie headers: spaces, quotes, values with "=", junk, and the first of duplicates', () => {
    const cookies = parseCookies(' a=1;b="two" ; junk; =nameless; c=x=y; a=second');
    assert.deepEqual([...cookies], [['a', '1'], ['b', 'two'], ['c', 'x=y']]);
    assert.equal(parseCookies(undefined).size, 0);
  });

  it('takes the Bearer token before the cookie, and neither when both are empty', () => {
    const cookie = 'classcast_session=from-cookie';
    assert.equal(readSessionToken({ headers: { cookie } }), 'from-cookie');
    assert.equal(readSessionToken({ headers: { cookie, authorization: 'Bearer from-header' } }), 'from-header');
    assert.equal(readSessionToken({ headers: { authorization: 'bearer  lower-case ' } }), 'lower-case');
    assert.equal(readSessionToken({ headers: { authorization: 'Basic dXNlcjpwYXNz' } }), undefined);
    assert.equal(readSessionToken({ headers: { cookie: 'classcast_session=' } }), undefined);
    assert.equal(readSessionToken({ headers: {} }), undefined);
  });
});
