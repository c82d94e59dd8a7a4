// The pure parts of time-shift and replay: the time-shift and replay playlists, which segments a
// recording holds, the MP4 command, and the /vod URL checks.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { parsePlaylist } from '../../services/core/parse-playlist.ts';
import { cacheControlFor, mediaFileKind } from '../../services/origin/cache-policy.ts';
import { followedPlaylist, isMediaRequestError, parseMediaRequest } from '../../services/origin/media-request.ts';
import { segmentsOfPlaylist, writeMediaPlaylist, type PackagedSegment } from '../../services/packager/media-playlist.ts';
import { mp4Args, mp4ConcatList, progressFromLine } from '../../services/replay/mp4-args.ts';
import { recordedSequences, segmentsIn } from '../../services/replay/recorded-segments.ts';

const t0 = Date.UTC(2026, 10, 21, 9, 0, 0);
/** A lesson of `count` 2 s segments; a reconnect (new run, new init) at each index in `runStarts`. */
function lesson(count: number, runStarts: number[] = []): PackagedSegment[] {
  let run = 1;
  return Array.from({ length: count }, (_, index) => {
    const discontinuity = runStarts.includes(index);
    if (discontinuity) run++;
    // A reconnect loses a few seconds: the new run starts 5 s after the last segment ended.
    const gap = runStarts.filter((start) => start <= index).length * 5000;
    return { sequence: index, uri: `r${run}-${index}.m4s`, duration: 2, programDateTime: t0 + index * 2000 + gap, initUri: `init-r${run}-720p.mp4`, discontinuity };
  });
}

test('the time-shift playlist lists the whole lesson as an EVENT playlist, and stays EVENT when it ends', () => {
  const live = writeMediaPlaylist(lesson(40, [20]), { windowSize: 'all', segmentSeconds: 2, ended: false, playlistType: 'event' });
  const parsed = parsePlaylist(live);
  assert.equal(parsed.playlistType, 'EVENT');
  assert.equal(parsed.mediaSequence, 0);
  assert.equal(parsed.segments.length, 40);
  assert.equal(parsed.endList, undefined);
  assert.equal(parsed.segments[0]!.programDateTime, t0);
  assert.equal(parsed.segments[20]!.discontinuity, true);
  const ended = parsePlaylist(writeMediaPlaylist(lesson(40, [20]), { windowSize: 'all', segmentSeconds: 2, ended: true, playlistType: 'event' }));
  assert.equal(ended.playlistType, 'EVENT');
  assert.equal(ended.endList, true);
  // The live window has no playlist type at all.
  assert.doesNotMatch(writeMediaPlaylist(lesson(10), { windowSize: 4, segmentSeconds: 2, ended: false }), /PLAYLIST-TYPE/);
});

test('segments read back from a time-shift playlist are the ones written', () => {
  const segments = lesson(12, [5]);
  const text = writeMediaPlaylist(segments, { windowSize: 'all', segmentSeconds: 2, ended: true, playlistType: 'event' });
  assert.deepEqual(segmentsOfPlaylist(text), segments);
});

test('a recording holds every segment overlapping its time range', () => {
  const segments = lesson(30);
  // Started 0.5 s into segment 3, stopped 1 s into segment 10: both partly covered segments are kept.
  assert.deepEqual(recordedSequences(segments, { startedAt: t0 + 6_500, endedAt: t0 + 21_000 }), { first: 3, last: 10 });
  // Exactly on boundaries: a segment that ends when the range starts is not in it.
  assert.deepEqual(recordedSequences(segments, { startedAt: t0 + 6_000, endedAt: t0 + 20_000 }), { first: 3, last: 9 });
  // Still running: everything from the start on.
  assert.deepEqual(recordedSequences(segments, { startedAt: t0 - 60_000, endedAt: null }), { first: 0, last: 29 });
  // Stopped before the lesson's first segment, or started after its last: nothing.
  assert.equal(recordedSequences(segments, { startedAt: t0 - 60_000, endedAt: t0 - 1_000 }), undefined);
  assert.equal(recordedSequences(segments, { startedAt: t0 + 61_000, endedAt: null }), undefined);
});

test('a replay playlist is VOD, complete, and starts with its init segment even mid-run', () => {
  const segments = segmentsIn(lesson(30, [15]), { first: 10, last: 20 });
  const text = writeMediaPlaylist(segments, { windowSize: 'all', segmentSeconds: 2, ended: true, playlistType: 'vod' });
  const parsed = parsePlaylist(text);
  assert.equal(parsed.playlistType, 'VOD');
  assert.equal(parsed.endList, true);
  assert.equal(parsed.mediaSequence, 10);
  assert.equal(parsed.segments.length, 11);
  assert.equal(parsed.segments[0]!.map?.uri, 'init-r1-720p.mp4');
  assert.equal(parsed.segments[5]!.discontinuity, true);
  assert.equal(parsed.segments[5]!.map?.uri, 'init-r2-720p.mp4');
  assert.equal(parsed.discontinuitySequence, 0);
});

test('the MP4 is one concat entry per encoder run, copied without re-encoding', () => {
  const list = mp4ConcatList('/data/vod/x/720p', segmentsIn(lesson(6, [3]), { first: 1, last: 5 }));
  assert.deepEqual(list.trim().split('\n'), [
    'ffconcat version 1.0',
    "file 'concat:/data/vod/x/720p/init-r1-720p.mp4|/data/vod/x/720p/r1-1.m4s|/data/vod/x/720p/r1-2.m4s'",
    "file 'concat:/data/vod/x/720p/init-r2-720p.mp4|/data/vod/x/720p/r2-3.m4s|/data/vod/x/720p/r2-4.m4s|/data/vod/x/720p/r2-5.m4s'",
  ]);
  assert.throws(() => mp4ConcatList("/data/it's/720p", lesson(2)), /cannot pass/);
  assert.throws(() => mp4ConcatList('/data/720p', []), /no segments/);
  const args = mp4Args('/tmp/list.ffconcat', '/tmp/out.mp4');
  assert.deepEqual(args.slice(args.indexOf('-c'), args.indexOf('-c') + 2), ['-c', 'copy']);
  assert.ok(args.includes('+faststart'));
  assert.equal(args.at(-1), '/tmp/out.mp4');
});

test('MP4 progress is the share of the known duration ffmpeg has written, never 100 before it is done', () => {
  assert.equal(progressFromLine('out_time_us=15000000', 60), 25);
  assert.equal(progressFromLine('out_time_us=61000000\n', 60), 99);
  assert.equal(progressFromLine('frame=120', 60), undefined);
  assert.equal(progressFromLine('out_time_us=N/A', 60), undefined);
  assert.equal(progressFromLine('out_time_us=1000', 0), undefined);
});

test('/vod serves a replay\'s files, immutable; time-shift names exist only under /live; only live windows are followed', () => {
  const master = parseMediaRequest(['lesson-1-rec3', 'master.m3u8'], 'vod');
  assert.ok(!isMediaRequestError(master) && master.path === '/vod/lesson-1-rec3/master.m3u8');
  const playlist = parseMediaRequest(['lesson-1-rec3', '720p', 'index.m3u8'], 'vod');
  assert.ok(!isMediaRequestError(playlist) && playlist.kind === 'media-playlist' && followedPlaylist(playlist) === undefined);
  assert.ok(isMediaRequestError(parseMediaRequest(['lesson-1-rec3', '720p', 'timeshift.m3u8'], 'vod')));
  assert.ok(isMediaRequestError(parseMediaRequest(['..', 'master.m3u8'], 'vod')));
  const timeShift = parseMediaRequest(['lesson-1', '720p', 'timeshift.m3u8']);
  assert.ok(!isMediaRequestError(timeShift) && timeShift.kind === 'media-playlist' && followedPlaylist(timeShift) === '/live/lesson-1/720p/index.m3u8');
  const window = parseMediaRequest(['lesson-1', '720p', 'index.m3u8']);
  assert.ok(!isMediaRequestError(window) && followedPlaylist(window) === window.path);
  assert.equal(mediaFileKind('master-timeshift.m3u8'), 'master');
  assert.equal(cacheControlFor('media-playlist', 2, false), 'public, max-age=1');
});
