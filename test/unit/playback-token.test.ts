// Playback tokens on their own: what verifies, what is refused and why, and rotation.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { playbackSchema } from '../../services/core/config/schema.ts';
import { readPlaybackToken, signPlaybackToken, verifyPlaybackToken } from '../../services/core/playback-token.ts';
import { tokenOf } from '../../services/origin/playback-guard.ts';

const current = 'current-secret-0123456789abcdefghijklmnop';
const previous = 'previous-secret-0123456789abcdefghijklmno';
const now = 1_700_000_000;
const lesson = { scope: 'live' as const, id: 'room-1-20240101-090000' };

describe('playback tokens', () => {
  it('verifies a token for its lesson until it expires, then refuses it', () => {
    const token = signPlaybackToken([current], { ...lesson, expiresAt: now + 60 });
    assert.match(token, /^v1\.live\.room-1-20240101-090000\.1700000060\.-\.[A-Za-z0-9_-]{43}$/);
    assert.equal(verifyPlaybackToken([current], token, lesson, now).ok, true);
    assert.equal(verifyPlaybackToken([current], token, lesson, now + 59).ok, true);
    assert.deepEqual(verifyPlaybackToken([current], token, lesson, now + 60), { ok: false, reason: 'expired' });
  });

  it('refuses another lesson, another scope and a forged or altered token', () => {
    const token = signPlaybackToken([current], { ...lesson, expiresAt: now + 60 });
    assert.deepEqual(verifyPlaybackToken([current], token, { scope: 'live', id: 'room-2-20240101-090000' }, now), { ok: false, reason: 'token is for another lesson' });
    assert.deepEqual(verifyPlaybackToken([current], token, { scope: 'vod', id: lesson.id }, now), { ok: false, reason: 'token is for another lesson' });
    // Moving the expiry (or anything signed) breaks the signature.
    const later = token.replace('.1700000060.', '.1900000060.');
    assert.deepEqual(verifyPlaybackToken([current], later, lesson, now), { ok: false, reason: 'bad signature' });
    // A token for another lesson relabelled with this one's id.
    const other = signPlaybackToken([current], { scope: 'live', id: 'room-2-20240101-090000', expiresAt: now + 60 });
    assert.deepEqual(verifyPlaybackToken([current], other.replace('room-2', 'room-1'), lesson, now), { ok: false, reason: 'bad signature' });
    // Signed with a secret the tier does not have.
    const forged = signPlaybackToken(['attacker-secret-0123456789abcdefghijklm'], { ...lesson, expiresAt: now + 60 });
    assert.deepEqual(verifyPlaybackToken([current], forged, lesson, now), { ok: false, reason: 'bad signature' });
    for (const garbage of ['', 'v1', 'v2.live.x.1.-.abc', `${token}.extra`, token.slice(0, -1), 'v1.live.Room.1.-.abc']) {
      assert.equal(verifyPlaybackToken([current], garbage, lesson, now).ok, false, garbage);
    }
  });

  it('binds a token to a city: refused by a tier of another city, good at a tier without one', () => {
    const token = signPlaybackToken([current], { ...lesson, expiresAt: now + 60, city: '7' });
    assert.equal(verifyPlaybackToken([current], token, { ...lesson, tierCity: '7' }, now).ok, true);
    assert.equal(verifyPlaybackToken([current], token, lesson, now).ok, true);
    assert.deepEqual(verifyPlaybackToken([current], token, { ...lesson, tierCity: '8' }, now), { ok: false, reason: 'token is for another city' });
    // A token without a city (a relay's own) is good in every city.
    const anywhere = signPlaybackToken([current], { ...lesson, expiresAt: now + 60 });
    assert.equal(verifyPlaybackToken([current], anywhere, { ...lesson, tierCity: '8' }, now).ok, true);
  });

  it('rotates: the first secret signs, a token of the previous one verifies while both are active', () => {
    const old = signPlaybackToken([previous], { ...lesson, expiresAt: now + 60 });
    const rotated = [current, previous];
    assert.equal(verifyPlaybackToken(rotated, old, lesson, now).ok, true);
    const fresh = signPlaybackToken(rotated, { ...lesson, expiresAt: now + 60 });
    assert.equal(verifyPlaybackToken([current], fresh, lesson, now).ok, true);
    assert.equal(verifyPlaybackToken([previous], fresh, lesson, now).ok, false);
    // Once the previous secret is retired, its tokens stop working.
    assert.equal(verifyPlaybackToken([current], old, lesson, now).ok, false);
  });

  it('reads its claims back and refuses to sign what it could not read', () => {
    const token = signPlaybackToken([current], { scope: 'vod', id: 'rec-1', expiresAt: now + 5, city: '3' });
    assert.deepEqual(readPlaybackToken([current], token, now), { ok: true, claims: { scope: 'vod', id: 'rec-1', expiresAt: now + 5, city: '3' } });
    assert.throws(() => signPlaybackToken([], { ...lesson, expiresAt: now }));
    assert.throws(() => signPlaybackToken([current], { scope: 'live', id: 'a.b', expiresAt: now }));
    assert.throws(() => signPlaybackToken([current], { ...lesson, expiresAt: now, city: 'Kyiv City' }));
  });

  it('takes the token from ?token= first, then the X-Classcast-Token header', () => {
    assert.equal(tokenOf('/live/a/master.m3u8?token=abc&x=1', { 'x-classcast-token': 'def' }), 'abc');
    assert.equal(tokenOf('/live/a/master.m3u8', { 'x-classcast-token': 'def' }), 'def');
    assert.equal(tokenOf('/live/a/master.m3u8?x=1', {}), undefined);
  });

  it('takes token lifetimes from 5 s (watch pages renew theirs) to a week', () => {
    assert.equal(playbackSchema.parse({ tokenTtlSeconds: 5 }).tokenTtlSeconds, 5);
    assert.equal(playbackSchema.parse({}).tokenTtlSeconds, 4 * 3600);
    assert.equal(playbackSchema.safeParse({ tokenTtlSeconds: 4 }).success, false);
    assert.equal(playbackSchema.safeParse({ tokenTtlSeconds: 7 * 24 * 3600 + 1 }).success, false);
  });

  it('scopes a replay token to its recording: refused for the lesson live, or for another recording', () => {
    const replay = { scope: 'vod' as const, id: 'room-1-20240101-090000-rec1' };
    const token = signPlaybackToken([current], { ...replay, expiresAt: now + 60 });
    assert.equal(verifyPlaybackToken([current], token, replay, now).ok, true);
    assert.equal(verifyPlaybackToken([current], token, { scope: 'live', id: replay.id }, now).ok, false);
    assert.equal(verifyPlaybackToken([current], token, { scope: 'vod', id: 'room-1-20240101-090000-rec2' }, now).ok, false);
  });
});
