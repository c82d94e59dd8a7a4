// The tracker's idea of a lesson's info hashes must be exactly what p2p-media-loader announces, or
// every viewer's swarm is refused. Checked against p2p-media-loader-core's own hashing code, fed the
// level facts hls.js reports for our master playlist (as p2p-media-loader-hlsjs reads them).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { generateStreamShortId, getStreamSwarmId } from '../../node_modules/p2p-media-loader-core/lib/utils/stream.js';
import { getStreamHash } from '../../node_modules/p2p-media-loader-core/lib/utils/peer.js';
import { writeMasterPlaylist } from '../../services/packager/master-playlist.ts';
import { expectedInfoHashes, liveSwarmId, recordingSwarmId, variantFacts } from '../../services/tracker/swarm-hashes.ts';

const master = writeMasterPlaylist([
  { width: 1280, height: 720, fps: 30, bandwidth: 3_128_000, averageBandwidth: 2_600_000, codecs: 'avc1.64001f,mp4a.40.2', uri: '720p/live.m3u8' },
  { width: 640, height: 360, fps: 29.97, bandwidth: 864_000, averageBandwidth: 700_000, codecs: 'avc1.42c01e,mp4a.40.2', uri: '360p/live.m3u8' },
]);

/** What p2p-media-loader-hlsjs 2.3.1 passes generateStreamShortId for an hls.js level (segment-manager.js). */
function hlsLevelShortId(level: { bitrate: number; videoCodec?: string; width?: number; height?: number; frameRate?: string; videoRange?: string }): string {
  const missing = level.bitrate === 0;
  return generateStreamShortId({
    bitrate: level.bitrate,
    codecs: missing ? undefined : level.videoCodec,
    width: missing ? undefined : level.width,
    height: missing ? undefined : level.height,
    frameRate: missing ? undefined : level.frameRate,
    videoRange: missing ? undefined : level.videoRange,
  });
}

/** The 20 ASCII bytes p2p-media-loader announces, as the hex bittorrent-tracker's filter sees. */
function announcedHash(swarmId: string, shortId: string): string {
  return Buffer.from(getStreamHash(getStreamSwarmId(swarmId, { type: 'main', index: shortId } as Parameters<typeof getStreamSwarmId>[1])), 'latin1').toString('hex');
}

test('the hashes match p2p-media-loader-core for each variant of our master playlist', () => {
  const swarmId = liveSwarmId('lesson-42');
  // hls.js levels for the playlist above: BANDWIDTH, the video part of CODECS, RESOLUTION, FRAME-RATE as written.
  const levels = [
    { bitrate: 3_128_000, videoCodec: 'avc1.64001f', width: 1280, height: 720, frameRate: '30.000' },
    { bitrate: 864_000, videoCodec: 'avc1.42c01e', width: 640, height: 360, frameRate: '29.970' },
  ];
  const expected = levels.map((level) => announcedHash(swarmId, hlsLevelShortId(level)));
  assert.deepEqual(expectedInfoHashes(swarmId, master), expected);
  for (const hash of expected) assert.match(hash, /^[0-9a-f]{40}$/);
});

test('different lessons and different ladders give different swarms', () => {
  const a = expectedInfoHashes(liveSwarmId('a'), master);
  const b = expectedInfoHashes(liveSwarmId('b'), master);
  assert.equal(new Set([...a, ...b]).size, 4);
  assert.notDeepEqual(expectedInfoHashes(recordingSwarmId('a'), master), a);
  const otherLadder = master.replace('BANDWIDTH=864000', 'BANDWIDTH=900000');
  assert.notEqual(expectedInfoHashes(liveSwarmId('a'), otherLadder)[1], a[1]);
  assert.equal(expectedInfoHashes(liveSwarmId('a'), otherLadder)[0], a[0]);
});

test('odd variants are read the way hls.js reads them', () => {
  const playlist = [
    '#EXTM3U',
    // No BANDWIDTH: hls.js falls back to AVERAGE-BANDWIDTH. Decimal avc1 is normalised to hex.
    '#EXT-X-STREAM-INF:AVERAGE-BANDWIDTH=500000,CODECS="mp4a.40.2,avc1.66.30",VIDEO-RANGE=pq',
    'a.m3u8',
    // Bitrate 0: every other fact is ignored.
    '#EXT-X-STREAM-INF:BANDWIDTH=0,RESOLUTION=320x180,CODECS="avc1.42c00d"',
    'b.m3u8',
    '',
  ].join('\n');
  assert.deepEqual(variantFacts(playlist), [
    { bitrate: 500_000, videoCodec: 'avc1.66.30', videoRange: 'pq' },
    { bitrate: 0, videoCodec: 'avc1.42c00d', width: 320, height: 180 },
  ]);
  const swarmId = liveSwarmId('odd');
  assert.deepEqual(expectedInfoHashes(swarmId, playlist), [
    announcedHash(swarmId, hlsLevelShortId({ bitrate: 500_000, videoCodec: 'avc1.66.30', videoRange: 'pq' })),
    announcedHash(swarmId, hlsLevelShortId({ bitrate: 0, videoCodec: 'avc1.42c00d', width: 320, height: 180 })),
  ]);
});
