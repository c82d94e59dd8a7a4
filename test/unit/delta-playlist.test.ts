// Playlist Delta Updates of the time-shift playlist (services/media-http/delta-playlist.ts): the
// packager advertises them while the lesson is live, every tier makes them from the full text, and
// a player that fills the skipped segments in from its own copy holds the full playlist again.
// hls.js asking for them and playing on through a relay is tested in test/e2e/delta-playlist.test.ts.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { asksForDelta, deltaUpdate } from '../../services/media-http/delta-playlist.ts';
import { skipBoundaryTargetDurations, writeMediaPlaylist, type PackagedSegment } from '../../services/packager/media-playlist.ts';
import { parsePlaylist } from '../../services/core/parse-playlist.ts';
import { deltaObject } from '../../services/relay/cached-delta.ts';
import type { CachedObject } from '../../services/relay/object-store.ts';
import { mediaPlaylistProblems } from '../helpers/playlist-conformance.ts';

const t0 = Date.UTC(2026, 11, 7, 1, 0, 0);

/** `count` segments of about 2 s in two encoder runs, the second (its own init segment) from `reconnectAt`. */
function lesson(count: number, reconnectAt: number): PackagedSegment[] {
  let programDateTime = t0;
  return Array.from({ length: count }, (_, index) => {
    const run = index < reconnectAt ? 1 : 2;
    const segment = { sequence: 40 + index, uri: `r${run}-${index}.m4s`, duration: 2 + (index % 4) * 0.05, programDateTime, initUri: `init-r${run}.mp4`, discontinuity: index === reconnectAt };
    programDateTime += segment.duration * 1000;
    return segment;
  });
}

const timeShift = (segments: PackagedSegment[], ended = false) =>
  writeMediaPlaylist(segments, { windowSize: 'all', segmentSeconds: 2, ended, playlistType: 'event', deltaUpdates: true });

/** What a player holds after filling a delta's skipped segments in from its copy of the full playlist. */
function filledIn(full: string, delta: string) {
  const held = parsePlaylist(full);
  const update = parsePlaylist(delta);
  const skipped = Number(update.skip?.skippedSegments ?? 0);
  assert.equal(update.mediaSequence, held.mediaSequence, 'the delta numbers its segments as the full playlist does');
  assert.equal(update.discontinuitySequence, held.discontinuitySequence);
  return { skipped, uris: [...held.segments.slice(0, skipped), ...update.segments].map((segment) => segment.uri), update };
}

test('the time-shift playlist advertises delta updates while live, six target durations deep; ended or live-window playlists do not', () => {
  const segments = lesson(30, 12);
  assert.match(timeShift(segments), new RegExp(`^#EXT-X-SERVER-CONTROL:CAN-SKIP-UNTIL=${(2 * skipBoundaryTargetDurations).toFixed(1)}$`, 'm'));
  assert.doesNotMatch(timeShift(segments, true), /SERVER-CONTROL/);
  assert.doesNotMatch(writeMediaPlaylist(segments, { windowSize: 6, segmentSeconds: 2, ended: false }), /SERVER-CONTROL/);
  assert.deepEqual(mediaPlaylistProblems(timeShift(segments)), []);
});

test('a delta skips the segments before the boundary and, filled in, is the full playlist again, across a reconnect', () => {
  for (const count of [7, 8, 12, 60]) {
    const segments = lesson(count, 9);
    const full = timeShift(segments);
    const delta = deltaUpdate(full);
    assert.ok(delta, `${count} segments: a delta`);
    const { skipped, uris, update } = filledIn(full, delta);
    assert.ok(skipped > 0, `${count} segments: some skipped`);
    assert.deepEqual(uris, segments.map((segment) => segment.uri), `${count} segments: filled in, the full list`);
    // What is listed covers the boundary (12 s here), and no more than one segment beyond it.
    const listed = update.segments.reduce((sum, segment) => sum + segment.duration, 0);
    assert.ok(listed >= 12 && listed - update.segments[0]!.duration < 12, `${count} segments: ${listed} s listed`);
    // The listed part is the full playlist's text; an init segment is named before its first segment.
    assert.ok(full.endsWith(delta.slice(delta.indexOf(update.segments[0]!.uri) - 1)), 'the tail is as in the full playlist');
    assert.deepEqual(mediaPlaylistProblems(delta), [], delta);
    assert.match(delta, /^#EXT-X-VERSION:9$/m);
    assert.match(delta, new RegExp(`^#EXT-X-SKIP:SKIPPED-SEGMENTS=${skipped}$`, 'm'));
    assert.ok(delta.length < full.length);
  }
});

test('a delta states the init segment in force when its first segment does not name one', () => {
  const full = timeShift(lesson(40, 5));
  const delta = deltaUpdate(full)!;
  const firstListed = delta.split('\n').findIndex((line) => line.startsWith('#EXT-X-PROGRAM-DATE-TIME:'));
  assert.equal(delta.split('\n')[firstListed - 1], '#EXT-X-MAP:URI="init-r2.mp4"');
  assert.equal(delta.match(/#EXT-X-MAP:/g)?.length, 1);
});

test('no delta for a playlist that does not offer one, has ended, is one already, or is too short to skip anything', () => {
  const segments = lesson(30, 12);
  assert.equal(deltaUpdate(writeMediaPlaylist(segments, { windowSize: 'all', segmentSeconds: 2, ended: false, playlistType: 'event' })), undefined);
  assert.equal(deltaUpdate(timeShift(segments) + '#EXT-X-ENDLIST\n'), undefined);
  assert.equal(deltaUpdate(deltaUpdate(timeShift(segments))!), undefined);
  assert.equal(deltaUpdate(timeShift(lesson(6, 4))), undefined);
  assert.equal(deltaUpdate('not a playlist'), undefined);
});

test('a delta is asked for with _HLS_skip=YES or v2 on a media playlist, nothing else', () => {
  assert.equal(asksForDelta('media-playlist', '/live/a/360p/timeshift.m3u8?_HLS_skip=YES'), true);
  assert.equal(asksForDelta('media-playlist', '/live/a/360p/timeshift.m3u8?token=t&_HLS_skip=v2'), true);
  assert.equal(asksForDelta('media-playlist', '/live/a/360p/timeshift.m3u8?_HLS_skip=NO'), false);
  assert.equal(asksForDelta('media-playlist', '/live/a/360p/timeshift.m3u8?_HLS_msn=4'), false);
  assert.equal(asksForDelta('media-playlist', '/live/a/360p/timeshift.m3u8'), false);
  assert.equal(asksForDelta('master', '/live/a/master-timeshift.m3u8?_HLS_skip=YES'), false);
  assert.equal(asksForDelta('segment', '/live/a/360p/r1-0.m4s?_HLS_skip=YES'), false);
});

test('a relay makes a playlist copy\'s delta once, under an ETag of its own; a copy without one has none', () => {
  const object = (text: string): CachedObject => ({ headers: { contentType: 'application/vnd.apple.mpegurl', cacheControl: 'max-age=1' }, body: Buffer.from(text), etag: '"abc"', expiresAt: Infinity });
  const cached = object(timeShift(lesson(30, 12)));
  const delta = deltaObject(cached)!;
  assert.equal(delta.body.toString(), deltaUpdate(cached.body.toString()));
  // The fetch's result and the cache entry made of it share the copy's bytes, and so its delta.
  assert.equal(deltaObject({ headers: cached.headers, body: cached.body }), delta, 'made once per copy');
  assert.match(delta.etag, /^"[\w-]+"$/);
  assert.notEqual(delta.etag, cached.etag);
  assert.equal(deltaObject(object(timeShift(lesson(5, 2)))), undefined);
  assert.equal(deltaObject(delta), undefined, 'a delta has no delta');
});
