import { test } from 'node:test';
import assert from 'node:assert/strict';
import { writeMediaPlaylist, type PackagedSegment } from '../../services/packager/media-playlist.ts';
import { writeMasterPlaylist } from '../../services/packager/master-playlist.ts';
import { parsePlaylist } from '../../services/core/parse-playlist.ts';
import { liveHashListLength, wholeHashList } from '../../services/packager/hash-lists.ts';
import { hashListFor } from '../../services/packager/segment-record.ts';

const t0 = Date.UTC(2026, 10, 21, 9, 0, 0);
function segments(count: number, options: { discontinuityAt?: number[]; start?: number } = {}): PackagedSegment[] {
  let run = 1;
  return Array.from({ length: count }, (_, index) => {
    const discontinuity = options.discontinuityAt?.includes(index) ?? false;
    if (discontinuity) run++;
    return {
      sequence: (options.start ?? 0) + index,
      uri: `r${run}-${index}.m4s`,
      duration: 2,
      programDateTime: t0 + index * 2000,
      initUri: `init-r${run}-720p.mp4`,
      discontinuity,
    };
  });
}

test('a live playlist lists the sliding window with program date times', () => {
  const text = writeMediaPlaylist(segments(10), { windowSize: 4, segmentSeconds: 2, ended: false });
  const parsed = parsePlaylist(text);
  assert.equal(parsed.mediaSequence, 6);
  assert.equal(parsed.segments.length, 4);
  assert.equal(parsed.targetDuration, 2);
  assert.equal(parsed.endList, undefined);
  assert.equal(parsed.segments[0]!.uri, 'r1-6.m4s');
  assert.equal(parsed.segments[0]!.programDateTime, t0 + 12_000);
  assert.equal(parsed.segments[0]!.map?.uri, 'init-r1-720p.mp4');
  assert.match(text, /#EXT-X-VERSION:7/);
  assert.match(text, /#EXT-X-INDEPENDENT-SEGMENTS/);
});

test('a reconnect shows as a discontinuity with a new init segment, and sequences keep rising', () => {
  const text = writeMediaPlaylist(segments(6, { discontinuityAt: [3] }), { windowSize: 6, segmentSeconds: 2, ended: false });
  const parsed = parsePlaylist(text);
  assert.deepEqual(parsed.segments.map((s) => Boolean(s.discontinuity)), [false, false, false, true, false, false]);
  assert.equal(parsed.segments[3]!.map?.uri, 'init-r2-720p.mp4');
  assert.equal((text.match(/#EXT-X-MAP/g) ?? []).length, 2);
  assert.equal(parsed.discontinuitySequence, 0);
});

test('discontinuities that slid out of the window are counted in the discontinuity sequence', () => {
  const text = writeMediaPlaylist(segments(12, { discontinuityAt: [2, 5] }), { windowSize: 4, segmentSeconds: 2, ended: false });
  const parsed = parsePlaylist(text);
  assert.equal(parsed.discontinuitySequence, 2);
  assert.equal(parsed.mediaSequence, 8);
  // The first listed segment always names its init segment, even mid-run.
  assert.equal(parsed.segments[0]!.map?.uri, 'init-r3-720p.mp4');
  assert.ok(!text.split('\n').slice(0, 8).includes('#EXT-X-DISCONTINUITY'));
});

test('sequence numbers may never go backwards or repeat', () => {
  const broken = segments(3);
  broken[2] = { ...broken[2]!, sequence: 1 };
  assert.throws(() => writeMediaPlaylist(broken, { windowSize: 6, segmentSeconds: 2, ended: false }), /must only increase/);
});

test('an ended lesson gets ENDLIST; the target duration covers the longest segment', () => {
  const list = segments(3);
  list[1] = { ...list[1]!, duration: 2.6 };
  const parsed = parsePlaylist(writeMediaPlaylist(list, { windowSize: 6, segmentSeconds: 2, ended: true }));
  assert.equal(parsed.endList, true);
  assert.equal(parsed.targetDuration, 3);
  const empty = parsePlaylist(writeMediaPlaylist([], { windowSize: 6, segmentSeconds: 4, ended: false }));
  assert.equal(empty.segments.length, 0);
  assert.equal(empty.targetDuration, 4);
});

test('the master playlist lists variants best first with bandwidth, resolution and codecs', () => {
  const text = writeMasterPlaylist([
    { width: 640, height: 360, fps: 30, bandwidth: 800_000, averageBandwidth: 700_000, codecs: 'avc1.64001e,mp4a.40.2', uri: '360p/index.m3u8' },
    { width: 1280, height: 720, fps: 30, bandwidth: 3_000_000, averageBandwidth: 2_500_000, codecs: 'avc1.64001f,mp4a.40.2', uri: '720p/index.m3u8' },
  ]);
  const parsed = parsePlaylist(text);
  assert.equal(parsed.playlists?.length, 2);
  assert.equal(parsed.playlists![0]!.uri, '720p/index.m3u8');
  assert.deepEqual(parsed.playlists![0]!.attributes.RESOLUTION, { width: 1280, height: 720 });
  assert.equal(parsed.playlists![0]!.attributes.BANDWIDTH, 3_000_000);
  assert.equal(parsed.playlists![0]!.attributes.CODECS, 'avc1.64001f,mp4a.40.2');
});

test('the hash lists: the whole one grown entry by entry reads as the list written at once, the live one covers the window and a margin', () => {
  const records = segments(30, { discontinuityAt: [12] }).map((segment, index) => ({ ...segment, sha256: index.toString(16).padStart(64, '0'), bytes: 1000 + index }));
  const grown = wholeHashList('720p', records.slice(0, 10));
  for (const record of records.slice(10)) grown.add(record);
  assert.equal(grown.text(), JSON.stringify(hashListFor('720p', records)));
  assert.deepEqual(JSON.parse(wholeHashList('720p', []).text()), { rendition: '720p', algorithm: 'sha-256', segments: [] });
  // Every segment a live playlist of 6 lists is in the live hash list, with room for a stale cache copy.
  assert.ok(liveHashListLength(6) > 6);
  const live = writeMediaPlaylist(records, { windowSize: 6, segmentSeconds: 2, ended: false });
  const liveHashes = new Set(hashListFor('720p', records.slice(-liveHashListLength(6))).segments.map((entry) => entry.uri));
  for (const segment of parsePlaylist(live).segments) assert.ok(liveHashes.has(segment.uri), `${segment.uri} is in the live hash list`);
});
