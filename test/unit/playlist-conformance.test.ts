// What our playlist writers produce conforms to RFC 8216 line by line (test/helpers/playlist-conformance.ts),
// and the checks themselves catch what they are there to catch. The live playlists a real lesson
// serves, through a reconnect, are checked the same way in test/e2e/shaka-playback.test.ts, with
// their BANDWIDTH against the bit rates of the segments they list.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { writeMasterPlaylist } from '../../services/packager/master-playlist.ts';
import { writeMediaPlaylist, type PackagedSegment } from '../../services/packager/media-playlist.ts';
import { bandwidthProblems, masterPlaylistProblems, measuredBitRates, mediaPlaylistProblems } from '../helpers/playlist-conformance.ts';

const t0 = Date.UTC(2026, 10, 21, 9, 0, 0);

/** Two encoder runs, the second from segment `reconnectAt`, each with its own init segment. */
function twoRuns(count: number, reconnectAt: number, duration = (index: number) => 2 + (index % 3) * 0.1): PackagedSegment[] {
  let programDateTime = t0;
  return Array.from({ length: count }, (_, index) => {
    const run = index < reconnectAt ? 1 : 2;
    // The encoder was away 3 s at the reconnect.
    if (index === reconnectAt) programDateTime += 3000;
    const segment = { sequence: 100 + index, uri: `r${run}-${index}.m4s`, duration: duration(index), programDateTime, initUri: `init-r${run}-720p.mp4`, discontinuity: index === reconnectAt };
    programDateTime += segment.duration * 1000;
    return segment;
  });
}

test('the master playlist has one version tag and no NAME on EXT-X-STREAM-INF', () => {
  const text = writeMasterPlaylist([
    { width: 1280, height: 720, fps: 30, bandwidth: 5_800_000, averageBandwidth: 2_760_000, codecs: 'avc1.64001f,mp4a.40.2', uri: '720p/index.m3u8' },
    { width: 854, height: 480, fps: 30, bandwidth: 2_600_000, averageBandwidth: 1_250_000, codecs: 'avc1.64001e,mp4a.40.2', uri: '480p/index.m3u8' },
  ]);
  assert.deepEqual(masterPlaylistProblems(text), []);
  assert.doesNotMatch(text, /NAME=/);
});

test('live, time-shift and ended playlists across a reconnect conform, the window at every position', () => {
  const all = twoRuns(20, 9);
  for (let end = 1; end <= all.length; end++) {
    const sofar = all.slice(0, end);
    for (const [label, text] of [
      ['live', writeMediaPlaylist(sofar, { windowSize: 6, segmentSeconds: 2, ended: false })],
      ['time-shift', writeMediaPlaylist(sofar, { windowSize: 'all', segmentSeconds: 2, ended: false, playlistType: 'event' })],
      ['ended', writeMediaPlaylist(sofar, { windowSize: 6, segmentSeconds: 2, ended: true })],
    ] as const) {
      assert.deepEqual(mediaPlaylistProblems(text), [], `${label} playlist of ${end} segments:\n${text}`);
    }
  }
  // A segment of 2.6 s makes the target duration 3, never leaving an EXTINF above it.
  const long = writeMediaPlaylist(twoRuns(8, 4, (index) => (index === 5 ? 2.6 : 2)), { windowSize: 6, segmentSeconds: 2, ended: false });
  assert.match(long, /#EXT-X-TARGETDURATION:3\n/);
  assert.deepEqual(mediaPlaylistProblems(long), []);
});

test('the checks catch NAME, a second version tag, an EXTINF above the target duration and a discontinuity without EXT-X-MAP', () => {
  const master = ['#EXTM3U', '#EXT-X-VERSION:7', '#EXT-X-VERSION:7', '#EXT-X-STREAM-INF:BANDWIDTH=800000,RESOLUTION=640x360,NAME="360p"', '360p/index.m3u8', ''].join('\n');
  const masterProblems = masterPlaylistProblems(master);
  assert.equal(masterProblems.length, 2, masterProblems.join('\n'));
  assert.match(masterProblems.join('\n'), /2 EXT-X-VERSION tags/);
  assert.match(masterProblems.join('\n'), /line 4: NAME is not an EXT-X-STREAM-INF attribute/);

  const media = [
    '#EXTM3U', '#EXT-X-VERSION:7', '#EXT-X-TARGETDURATION:2', '#EXT-X-MEDIA-SEQUENCE:10',
    '#EXT-X-MAP:URI="init-r1-720p.mp4"', '#EXTINF:2.000,', 'r1-10.m4s', '#EXTINF:2.600,', 'r1-11.m4s',
    '#EXT-X-DISCONTINUITY', '#EXTINF:2.000,', 'r2-12.m4s', '',
  ].join('\n');
  const mediaProblems = mediaPlaylistProblems(media);
  assert.equal(mediaProblems.length, 2, mediaProblems.join('\n'));
  assert.match(mediaProblems[0]!, /line 8: #EXTINF:2.600, rounds above EXT-X-TARGETDURATION:2/);
  assert.match(mediaProblems[1]!, /line 11: a segment with no EXT-X-MAP since the discontinuity on line 10/);
  assert.match(mediaPlaylistProblems('#EXTM3U\n#EXTINF:2,\na.m4s\n').join('\n'), /0 EXT-X-VERSION tags.*\n.*0 EXT-X-TARGETDURATION.*\n.*no EXT-X-MAP since the start/);
});

test('the checks catch a segment listed twice and program date times that go back (the same moment from two tracks)', () => {
  const media = [
    '#EXTM3U', '#EXT-X-VERSION:7', '#EXT-X-TARGETDURATION:2', '#EXT-X-MEDIA-SEQUENCE:4',
    '#EXT-X-MAP:URI="init-r3-360p.mp4"',
    '#EXT-X-PROGRAM-DATE-TIME:2026-12-07T07:57:30.500Z', '#EXTINF:2.000,', 'r3-4.m4s',
    '#EXT-X-PROGRAM-DATE-TIME:2026-12-07T07:57:32.500Z', '#EXTINF:0.233,', 'r3-5.m4s',
    '#EXT-X-DISCONTINUITY', '#EXT-X-MAP:URI="init-r1-source.mp4"',
    '#EXT-X-PROGRAM-DATE-TIME:2026-12-07T07:57:32.500Z', '#EXTINF:0.231,', 'r1-5.m4s',
    '#EXT-X-PROGRAM-DATE-TIME:2026-12-07T07:57:32.500Z', '#EXTINF:0.231,', 'r1-5.m4s',
    '#EXT-X-DISCONTINUITY', '#EXT-X-MAP:URI="init-r6-360p.mp4"',
    '#EXT-X-PROGRAM-DATE-TIME:2026-12-07T07:57:35.031Z', '#EXTINF:2.000,', 'r6-0.m4s', '',
  ].join('\n');
  const problems = mediaPlaylistProblems(media);
  assert.equal(problems.length, 3, problems.join('\n'));
  assert.match(problems[0]!, /line 16: r1-5.m4s starts 233 ms before the previous segment ends/);
  assert.match(problems[1]!, /line 19: r1-5.m4s is listed twice/);
  assert.match(problems[2]!, /line 19: r1-5.m4s starts 231 ms before/);
});

test('BANDWIDTH must cover every segment, AVERAGE-BANDWIDTH their average', () => {
  // 2 s segments of 500 kB (2 Mb/s) and one of 1 MB (4 Mb/s): average 2.4 Mb/s.
  const segments = [500_000, 500_000, 1_000_000, 500_000, 500_000].map((bytes, index) => ({ uri: `r1-${index}.m4s`, bytes, duration: 2 }));
  assert.deepEqual(measuredBitRates(segments), { peak: 4_000_000, average: 2_400_000 });
  assert.deepEqual(bandwidthProblems([{ uri: '720p/index.m3u8', bandwidth: 4_000_000, averageBandwidth: 2_400_000, segments }]), []);
  const low = bandwidthProblems([{ uri: '720p/index.m3u8', bandwidth: 3_999_999, averageBandwidth: 2_399_999, segments }]);
  assert.equal(low.length, 2, low.join('\n'));
  assert.match(low[0]!, /r1-2\.m4s .* above BANDWIDTH=3999999/);
  assert.match(low[1]!, /average 2400000 b\/s .* above AVERAGE-BANDWIDTH=2399999/);
  // A short segment's rate counts per second, not per segment.
  assert.equal(bandwidthProblems([{ uri: 'v', bandwidth: 2_000_000, segments: [{ uri: 'short.m4s', bytes: 150_000, duration: 0.5 }] }]).length, 1);
});
