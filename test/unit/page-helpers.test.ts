import { test } from 'node:test';
import assert from 'node:assert/strict';
import { encoderAdvice, encoderFigures, formatBitrate } from '../../player/src/school/encoder-figures.ts';
import { homeFor, navLinks, safeNext } from '../../player/src/shared/role-links.ts';

test('each role sees the pages it may use', () => {
  const hrefs = (role: Parameters<typeof navLinks>[0]) => navLinks(role).map((link) => link.href);
  assert.deepEqual(hrefs(null), ['/']);
  assert.deepEqual(hrefs('student'), ['/']);
  assert.deepEqual(hrefs('teacher'), ['/']);
  assert.deepEqual(hrefs('school_admin'), ['/', '/school']);
  assert.deepEqual(hrefs('operator'), ['/', '/school', '/admin', '/dashboard']);
  assert.equal(homeFor('operator'), '/admin');
  assert.equal(homeFor('school_admin'), '/school');
  assert.equal(homeFor('student'), '/');
});

test('a sign-in only returns to a path on this site', () => {
  assert.equal(safeNext('/school?school=2'), '/school?school=2');
  for (const next of [null, '', 'https://evil.example/', '//evil.example/', '/\\evil.example', 'javascript:alert(1)']) assert.equal(safeNext(next), null, String(next));
});

test('encoder figures read as words, and a disconnected encoder shows none', () => {
  const encoder = { connected: true, ingestNode: 'p1', lessonId: 'room-1', keyKind: 'primary' as const, bitrateKbps: 2048.4, fps: 29.97, width: 1280, height: 720, remoteAddress: null, advice: null, sent: null, updatedAt: '' };
  assert.deepEqual(encoderFigures(encoder), { connected: true, bitrate: '2.0 Mbit/s', fps: '30 fps', resolution: '1280×720' });
  assert.deepEqual(encoderFigures({ ...encoder, bitrateKbps: null, fps: 25, width: null }), { connected: true, bitrate: '—', fps: '25 fps', resolution: '—' });
  assert.equal(encoderFigures({ ...encoder, connected: false }).connected, false);
  assert.equal(encoderFigures(null).bitrate, '—');
  assert.equal(formatBitrate(850.6), '851 kbit/s');
});

test("advice on a source unfit to serve as sent reads as a warning that it is still recorded, with the fix; none without advice", () => {
  const advice = 'keyframe interval 8.3 s: set 2 s in your encoder (OBS: Output > Keyframe Interval = 2)';
  const encoder = { connected: true, ingestNode: 'p1', lessonId: 'room-1', keyKind: 'primary' as const, bitrateKbps: 2048, fps: 30, width: 1280, height: 720, remoteAddress: null, advice, sent: null, updatedAt: '' };
  assert.equal(encoderAdvice(encoder), `Your stream is recorded as sent, but it cannot be served to viewers as it is: ${advice}`);
  assert.equal(encoderAdvice({ ...encoder, connected: false }), `Your last stream was recorded as sent, but it cannot be served to viewers as it is: ${advice}`);
  assert.equal(encoderAdvice({ ...encoder, advice: null }), null);
  assert.equal(encoderAdvice(null), null);
});
