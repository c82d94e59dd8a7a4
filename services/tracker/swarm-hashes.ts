// The info hashes a watch page announces for a lesson, worked out the way p2p-media-loader 2.3.1
// does it, so the tracker can accept exactly the swarms of lessons it knows and nothing else.
//
// p2p-media-loader does not number streams: each hls.js level becomes a stream whose id is
// base64(sha1("<bitrate>-<video codec>-<width>-<height>-----<frame rate>-<video range>")) built from
// the master playlist's variant attributes (p2p-media-loader-hlsjs segment-manager.js and
// p2p-media-loader-core generateStreamShortId). The stream's swarm is "v2-<swarmId>-main-<id>" and
// its info hash the 20 ASCII characters of base64(first 15 bytes of sha1(swarm)). bittorrent-tracker
// shows the filter those 20 bytes as 40 hex digits.
import { createHash } from 'node:crypto';
import { parsePlaylist } from '../core/parse-playlist.ts';

/** The swarm id the watch page gives p2p-media-loader for a live lesson (and its replay). */
export function liveSwarmId(lessonId: string): string {
  return `classcast-${lessonId}`;
}

/** The swarm id of a recording's on-demand replay. */
export function recordingSwarmId(recordingId: string): string {
  return `classcast-vod-${recordingId}`;
}

/** What p2p-media-loader-hlsjs reads from one variant of the master playlist, as hls.js parsed it. */
export type VariantFacts = { bitrate: number; videoCodec?: string; width?: number; height?: number; frameRate?: number; videoRange?: string };

/** The info hashes (hex, as bittorrent-tracker's filter sees them) of every main stream of the master playlist. */
export function expectedInfoHashes(swarmId: string, masterPlaylist: string): string[] {
  return variantFacts(masterPlaylist).map((variant) => infoHashOf(`v2-${swarmId}-main-${streamShortId(variant)}`));
}

/**
 * The variants as hls.js reports them in MANIFEST_LOADED. Separate audio renditions (EXT-X-MEDIA
 * TYPE=AUDIO, p2p-media-loader's "secondary" streams) are not covered: the packager muxes audio into
 * every variant, so there are none, and a swarm not listed here is only refused, never misdirected.
 */
export function variantFacts(masterPlaylist: string): VariantFacts[] {
  const playlists = parsePlaylist(masterPlaylist).playlists ?? [];
  return playlists.map(({ attributes }) => {
    // hls.js: BANDWIDTH, else AVERAGE-BANDWIDTH (m3u8-parser makes the first a number, leaves the second a string).
    const bitrate = Number(attributes.BANDWIDTH) || Number(attributes['AVERAGE-BANDWIDTH']) || 0;
    const resolution = attributes.RESOLUTION as { width: number; height: number } | undefined;
    const codecs = typeof attributes.CODECS === 'string' ? attributes.CODECS.split(/[ ,]+/).filter(Boolean) : [];
    const video = codecs.filter((codec) => videoSampleEntries.has(codec.slice(0, 4))).map((codec) => codec.split('/')[0]);
    const frameRate = attributes['FRAME-RATE'];
    const videoRange = attributes['VIDEO-RANGE'];
    return {
      bitrate,
      ...(video.length > 0 ? { videoCodec: video.join(',') } : {}),
      ...(resolution ? { width: resolution.width, height: resolution.height } : {}),
      ...(frameRate !== undefined ? { frameRate: Number(frameRate) } : {}),
      ...(typeof videoRange === 'string' ? { videoRange } : {}),
    };
  });
}

/** p2p-media-loader-core's generateStreamShortId for a main (video) stream. */
export function streamShortId(variant: VariantFacts): string {
  // Without a bitrate p2p-media-loader-hlsjs drops every other fact, since they cannot be trusted either.
  const known = variant.bitrate !== 0;
  const codecs = known && variant.videoCodec ? variant.videoCodec.split(',').map(normaliseCodec).sort().join(',') : '';
  const width = known && variant.width !== undefined ? String(variant.width) : '';
  const height = known && variant.height !== undefined ? String(variant.height) : '';
  const frameRate = known && variant.frameRate !== undefined && !Number.isNaN(variant.frameRate) ? String(variant.frameRate) : '';
  const videoRange = known && variant.videoRange ? variant.videoRange.toUpperCase().trim() : '';
  // Language, channels and name are audio facts: empty for a main stream.
  return sha1(`${variant.bitrate}-${codecs}-${width}-${height}----${frameRate}-${videoRange}`).toString('base64');
}

/** The 20-character info hash of a stream swarm, as hex of its ASCII bytes. */
export function infoHashOf(streamSwarmId: string): string {
  const ascii = sha1(streamSwarmId).subarray(0, 15).toString('base64');
  return Buffer.from(ascii, 'latin1').toString('hex');
}

function sha1(text: string): Buffer {
  return createHash('sha1').update(text, 'utf8').digest();
}

/** RFC 4281 decimal avc1 ("avc1.66.30") to the hex form ("avc1.42001e"), as p2p-media-loader does. */
function normaliseCodec(codec: string): string {
  const lower = codec.trim().toLowerCase();
  const parts = lower.split('.');
  if (parts.length === 3 && (parts[0] === 'avc1' || parts[0] === 'avc')) {
    const profile = parseInt(parts[1]!, 10);
    const level = parseInt(parts[2]!, 10);
    if (!Number.isNaN(profile) && !Number.isNaN(level) && parts[1] === String(profile) && parts[2] === String(level)) {
      return `${parts[0]}.${profile.toString(16).padStart(2, '0')}00${level.toString(16).padStart(2, '0')}`;
    }
  }
  return lower;
}

/** ISO sample entry codes hls.js counts as video (src/utils/codecs.ts). */
const videoSampleEntries = new Set([
  'avc1', 'avc2', 'avc3', 'avc4', 'avcp', 'av01', 'drac', 'dva1', 'dvav', 'dvh1', 'dvhe', 'encv', 'hev1', 'hvc1', 'mjp2', 'mp4v',
  'mvc1', 'mvc2', 'mvc3', 'mvc4', 'resv', 'rv60', 's263', 'svc1', 'svc2', 'vc-1', 'vp08', 'vp09',
]);
