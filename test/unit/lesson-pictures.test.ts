// The pure parts of lesson pictures: which segments become thumbnails, the sprite grid, the cues
// over a time-shift or replay timeline, the WebVTT text the server writes and the player reads back,
// the ffmpeg batch command, and the URL grammar, cache life and relay checks of the new files.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { cacheControlFor, contentTypeFor } from '../../services/media-http/cache-policy.ts';
import { isMediaRequestError, parseMediaRequest } from '../../services/media-http/media-request.ts';
import { cpuSecondsOf, pictureBatchArgs } from '../../services/pictures/picture-args.ts';
import {
  pickThumbnailSegments,
  readThumbnailIndex,
  spriteLayout,
  thumbnailCues,
  thumbnailsOfSprite,
  vttTime,
  writeThumbnailTrack,
  type ThumbnailSource,
} from '../../services/pictures/thumbnail-plan.ts';
import { checkObject, defaultObjectSizeLimits, maxBytesFor, pictureBytes } from '../../services/relay/object-check.ts';
import { cueAt, parseThumbnailTrack, thumbnailLeft } from '../../player/src/thumbnails/thumbnail-track.ts';
import { picturesOf } from '../../player/src/thumbnails/seek-thumbnails.ts';

const t0 = Date.parse('2026-12-07T08:00:00Z');
/** `count` 2 s segments from `first`, back to back from `start`. */
const segments = (count: number, first = 0, start = t0): ThumbnailSource[] =>
  Array.from({ length: count }, (_, index) => ({
    sequence: first + index,
    uri: `r1-${first + index}.m4s`,
    initUri: 'init-r1-source.mp4',
    programDateTime: start + index * 2000,
    duration: 2,
  }));

test('thumbnails are picked one every interval, carrying on after the last segment looked at', () => {
  const list = segments(10);
  const first = pickThumbnailSegments(list.slice(0, 4), { lastSequence: -1, thumbnails: [] }, 5);
  assert.deepEqual(first.picked.map((segment) => segment.sequence), [0, 3], '0 s and 6 s: the first at least 5 s after');
  assert.equal(first.lastSequence, 3);
  const thumbnails = thumbnailsOfSprite(first.picked, 0);
  const next = pickThumbnailSegments(list, { lastSequence: first.lastSequence, thumbnails }, 5);
  assert.deepEqual(next.picked.map((segment) => segment.sequence), [6, 9]);
  assert.equal(next.lastSequence, 9);
  // At most `max` a batch: the rest waits, from the last one picked.
  const capped = pickThumbnailSegments(list, { lastSequence: -1, thumbnails: [] }, 1, 3);
  assert.deepEqual(capped.picked.map((segment) => segment.sequence), [0, 1, 2]);
  assert.equal(capped.lastSequence, 2);
  assert.deepEqual(pickThumbnailSegments(list, { lastSequence: 9, thumbnails }, 5).picked, []);
});

test('a sprite is a grid of up to five columns filled row by row', () => {
  assert.deepEqual(spriteLayout(1), { columns: 1, rows: 1, cells: [{ x: 0, y: 0 }] });
  const seven = spriteLayout(7);
  assert.equal(seven.columns, 5);
  assert.equal(seven.rows, 2);
  assert.deepEqual(seven.cells[4], { x: 640, y: 0 });
  assert.deepEqual(seven.cells[6], { x: 160, y: 90 });
  assert.equal(spriteLayout(25).rows, 5);
  assert.throws(() => spriteLayout(0), RangeError);
  assert.throws(() => spriteLayout(26), RangeError);
  const thumbnails = thumbnailsOfSprite(segments(7), 4);
  assert.deepEqual(thumbnails[6], { at: t0 + 12_000, sprite: 4, x: 160, y: 90, w: 160, h: 90 });
});

test('cues follow the timeline, each shown until the next, across a gap and cut to a replay', () => {
  const thumbnails = thumbnailsOfSprite(segments(10).filter((segment) => segment.sequence % 3 === 0), 0);
  const lesson = segments(10);
  const cues = thumbnailCues(thumbnails, lesson);
  assert.deepEqual(cues.map((cue) => [cue.start, cue.end]), [[0, 6], [6, 12], [12, 18], [18, 20]]);
  // A replay of the lesson from 8 s to 16 s: the thumbnail of 6 s opens it, 12 s sits at 4 s.
  const replay = lesson.slice(4, 8);
  assert.deepEqual(thumbnailCues(thumbnails, replay).map((cue) => [cue.start, cue.end, cue.thumbnail.at - t0]), [[0, 4, 6000], [4, 8, 12000]]);
  // A reconnect gap of 30 s between two runs: a thumbnail in the gap goes to the next segment's start.
  const withGap = [...segments(2), ...segments(2, 2, t0 + 34_000)];
  const inGap = thumbnailsOfSprite([{ ...segments(1)[0]!, programDateTime: t0 + 10_000 }], 1);
  assert.deepEqual(thumbnailCues([...thumbnails.slice(0, 1), ...inGap], withGap).map((cue) => [cue.start, cue.end]), [[0, 4], [4, 8]]);
  assert.deepEqual(thumbnailCues(thumbnails, []), []);
});

test('the track the server writes is the track the player reads', () => {
  const thumbnails = thumbnailsOfSprite(segments(7), 3);
  const text = writeThumbnailTrack(thumbnailCues(thumbnails, segments(7)));
  assert.match(text, /^WEBVTT\n\n00:00:00\.000 --> 00:00:02\.000\nsprite-3\.jpg#xywh=0,0,160,90\n/);
  const cues = parseThumbnailTrack(text, 'https://relay.example/vod/rec-1/thumbnails/thumbnails.vtt?token=x');
  assert.equal(cues.length, 7);
  assert.deepEqual(cues[6], { start: 12, end: 14, url: 'https://relay.example/vod/rec-1/thumbnails/sprite-3.jpg', x: 160, y: 90, w: 160, h: 90 });
  assert.equal(cueAt(cues, 12.5)?.x, 160);
  assert.equal(cueAt(cues, 0)?.x, 0);
  assert.equal(cueAt(cues, 14), undefined, 'past the end');
  assert.equal(cueAt([], 3), undefined);
  assert.equal(vttTime(3725.5), '01:02:05.500');
  assert.throws(() => parseThumbnailTrack('<html>', 'https://x/'), /not a WebVTT/);
  // Hours left out and CRLF line ends, as other servers write them.
  assert.equal(parseThumbnailTrack('WEBVTT\r\n\r\n00:01.000 --> 00:02.000\r\na.jpg#xywh=1,2,3,4\r\n', 'https://x/t/').at(0)?.url, 'https://x/t/a.jpg');
  assert.equal(thumbnailLeft(5, 160, 1000), 0);
  assert.equal(thumbnailLeft(500, 160, 1000), 420);
  assert.equal(thumbnailLeft(995, 160, 1000), 840);
  assert.deepEqual(picturesOf('https://relay.example/live/l-1/master-timeshift.m3u8?token=a'), {
    poster: 'https://relay.example/live/l-1/poster.jpg',
    thumbnails: 'https://relay.example/live/l-1/thumbnails/thumbnails.vtt',
  });
});

test('a damaged index starts over without reusing a sprite number', () => {
  assert.deepEqual(readThumbnailIndex(undefined), { lastSequence: -1, nextSprite: 0, thumbnails: [] });
  assert.equal(readThumbnailIndex('{oops', 7).nextSprite, 7);
  assert.equal(readThumbnailIndex(JSON.stringify({ lastSequence: 4, nextSprite: 2, thumbnails: [] }), 5).nextSprite, 5);
  assert.equal(readThumbnailIndex(JSON.stringify({ lastSequence: 4, nextSprite: 9, thumbnails: [] }), 5).nextSprite, 9);
});

test('one ffmpeg a batch reads only keyframes and writes the sprite and the poster', () => {
  const files = (name: string) => ({ init: '/l/source/init-r1-source.mp4', segment: `/l/source/${name}` });
  const args = pictureBatchArgs({ thumbnails: [files('r1-0.m4s'), files('r1-3.m4s')], spriteOutput: '/l/thumbnails/.s.tmp', poster: files('r1-4.m4s'), posterOutput: '/l/.p.tmp' });
  assert.equal(args.filter((arg) => arg === 'nokey').length, 3, 'every input skips all but keyframes');
  assert.ok(args.includes('concat:/l/source/init-r1-source.mp4|/l/source/r1-3.m4s'));
  const graph = args[args.indexOf('-filter_complex') + 1]!;
  assert.match(graph, /\[t0\]\[t1\]concat=n=2:v=1:a=0,tile=2x1\[sprite\]/);
  assert.match(graph, /\[2:v\]trim=end_frame=1,scale='min\(640,iw\)':-2/);
  assert.deepEqual(args.slice(-9), ['-map', '[poster]', '-frames:v', '1', '-q:v', '4', '-f', 'mjpeg', '/l/.p.tmp'], 'poster output last');
  const posterOnly = pictureBatchArgs({ thumbnails: [], poster: files('r1-4.m4s'), posterOutput: '/l/.p.tmp' });
  assert.ok(!posterOnly.join(' ').includes('sprite'));
  assert.throws(() => pictureBatchArgs({ thumbnails: [] }), /needs a thumbnail or a poster/);
  assert.throws(() => pictureBatchArgs({ thumbnails: [files('a|b.m4s')], spriteOutput: '/x' }), /must not contain/);
  assert.ok(Math.abs(cpuSecondsOf('...\nbench: utime=0.013s stime=0.037s rtime=0.050s\n')! - 0.05) < 1e-9);
  assert.equal(cpuSecondsOf('nothing'), undefined);
});

test('pictures have their own URLs, cache life and relay checks', () => {
  const ok = (parts: string[], space: 'live' | 'vod' = 'live') => {
    const parsed = parseMediaRequest(parts, space);
    return isMediaRequestError(parsed) ? parsed.status : parsed.kind;
  };
  assert.equal(ok(['l-1', 'poster.jpg']), 'poster');
  assert.equal(ok(['l-1', 'thumbnails', 'thumbnails.vtt']), 'thumbnail-track');
  assert.equal(ok(['rec-1', 'thumbnails', 'sprite-12.jpg'], 'vod'), 'sprite');
  // Each only in its place: no sprite in a rendition, no segment among thumbnails, no poster deeper.
  assert.equal(ok(['l-1', '720p', 'sprite-1.jpg']), 404);
  assert.equal(ok(['l-1', 'thumbnails', 'r1-1.m4s']), 404);
  assert.equal(ok(['l-1', 'thumbnails', 'poster.jpg']), 404);
  assert.equal(ok(['l-1', 'sprite-1.jpg']), 404);
  assert.equal(ok(['l-1', 'thumbnails', 'thumbnails.json']), 404, 'the index is never served');
  assert.equal(ok(['l-1', 'thumbnails', 'sprite-x.jpg']), 404);
  assert.equal(ok(['l-1', 'thumbnails', '..']), 400);
  assert.equal(cacheControlFor('poster', 2, false), 'public, max-age=60');
  assert.equal(cacheControlFor('sprite', 2, false), 'public, max-age=31536000, immutable');
  assert.equal(cacheControlFor('thumbnail-track', 2, false), 'public, max-age=10');
  assert.equal(cacheControlFor('thumbnail-track', 2, true), 'public, max-age=3600');
  assert.equal(contentTypeFor('sprite'), 'image/jpeg');
  assert.match(contentTypeFor('thumbnail-track'), /^text\/vtt/);
  assert.deepEqual(checkObject('poster', Buffer.from([0xff, 0xd8, 0xff, 0xe0, 0, 16])), { ok: true });
  assert.equal(checkObject('sprite', Buffer.from('<html>502</html>')).ok, false);
  assert.deepEqual(checkObject('thumbnail-track', Buffer.from('WEBVTT\n\n')), { ok: true });
  assert.equal(checkObject('thumbnail-track', Buffer.from('{"error":"x"}')).ok, false);
  assert.equal(maxBytesFor('sprite', defaultObjectSizeLimits), pictureBytes);
});
