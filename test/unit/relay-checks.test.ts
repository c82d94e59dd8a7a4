import { test } from 'node:test';
import assert from 'node:assert/strict';
import { checkObject, defaultObjectSizeLimits, objectSizeLimitsOf } from '../../services/relay/object-check.ts';
import { createUpstreams } from '../../services/relay/upstreams.ts';

const box = (type: string) => Buffer.concat([Buffer.from([0, 0, 0, 16]), Buffer.from(type, 'latin1'), Buffer.alloc(8)]);

test('segments and init segments must start with an MP4 box', () => {
  assert.deepEqual(checkObject('segment', box('styp')), { ok: true });
  assert.deepEqual(checkObject('segment', box('moof')), { ok: true });
  assert.deepEqual(checkObject('init', box('ftyp')), { ok: true });
  assert.equal(checkObject('segment', Buffer.from('<html>502 Bad Gateway</html>')).ok, false);
  assert.equal(checkObject('segment', Buffer.alloc(0)).ok, false);
});

test('playlists must be HLS and a media playlist may not go back in time', () => {
  const media = (sequence: number) => Buffer.from(`#EXTM3U\n#EXT-X-TARGETDURATION:2\n#EXT-X-MEDIA-SEQUENCE:${sequence}\n#EXTINF:2,\nr1-${sequence}.m4s\n`);
  assert.deepEqual(checkObject('media-playlist', media(7)), { ok: true, mediaSequence: 7 });
  assert.deepEqual(checkObject('media-playlist', media(7), 7), { ok: true, mediaSequence: 7 });
  const back = checkObject('media-playlist', media(5), 7);
  assert.equal(back.ok, false);
  assert.match(!back.ok ? back.reason : '', /went back from 7 to 5/);
  assert.equal(checkObject('master', Buffer.from('<html>')).ok, false);
  assert.equal(checkObject('hash-list', Buffer.from('{"segments":[]}')).ok, true);
  assert.equal(checkObject('hash-list', Buffer.from('{oops')).ok, false);
});

test('a failed upstream goes to the back until its retry time, then returns', () => {
  let now = 1000;
  const upstreams = createUpstreams(['http://primary/', 'http://standby'], 10_000, () => now);
  assert.deepEqual(upstreams.ordered().map((u) => u.url), ['http://primary', 'http://standby']);
  upstreams.markDown('http://primary', 'refused');
  assert.deepEqual(upstreams.ordered().map((u) => u.url), ['http://standby', 'http://primary']);
  now += 10_001;
  assert.deepEqual(upstreams.ordered().map((u) => u.url), ['http://primary', 'http://standby']);
  assert.throws(() => createUpstreams([], 1000), /at least one upstream/);
});

test('object size limits come from the relay section in bytes, and default to the schema defaults (4 MiB, 1 MiB, 64 MiB)', () => {
  assert.deepEqual(objectSizeLimitsOf({ maxPlaylistKb: 64, maxInitKb: 32, maxSegmentMb: 2 }), { playlistBytes: 65_536, initBytes: 32_768, segmentBytes: 2_097_152 });
  assert.deepEqual(defaultObjectSizeLimits, { playlistBytes: 4 * 1024 ** 2, initBytes: 1024 ** 2, segmentBytes: 64 * 1024 ** 2 });
});
