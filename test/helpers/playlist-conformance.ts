// Line by line checks of what RFC 8216 asks of the playlists we serve, beyond what a lenient parser
// forgives: each returns the problems found (empty when the playlist conforms), each naming the line.
import { parsePlaylist } from '../../services/core/parse-playlist.ts';

/** The master playlist: one version tag, and no attribute EXT-X-STREAM-INF does not have (NAME). */
export function masterPlaylistProblems(text: string): string[] {
  const lines = text.split('\n');
  const problems = commonProblems(lines);
  lines.forEach((line, index) => {
    if (!line.startsWith('#EXT-X-STREAM-INF:')) return;
    if (/(^|,)NAME=/.test(line.slice('#EXT-X-STREAM-INF:'.length))) problems.push(`line ${index + 1}: NAME is not an EXT-X-STREAM-INF attribute: ${line}`);
    if (!/(^|[:,])BANDWIDTH=\d+/.test(line)) problems.push(`line ${index + 1}: EXT-X-STREAM-INF without BANDWIDTH: ${line}`);
    const uri = lines[index + 1];
    if (!uri || uri.startsWith('#') || uri.trim() === '') problems.push(`line ${index + 1}: EXT-X-STREAM-INF not followed by its URI`);
  });
  return problems;
}

/**
 * A media playlist: one version tag, one target duration that every EXTINF rounded to the nearest
 * integer stays within, and an EXT-X-MAP before the first segment and again before the first
 * segment after every EXT-X-DISCONTINUITY (a new encoder run has a new init segment), no segment
 * listed twice, and program date times that never go back.
 */
export function mediaPlaylistProblems(text: string): string[] {
  const lines = text.split('\n');
  const problems = commonProblems(lines);
  const targets = lines.filter((line) => line.startsWith('#EXT-X-TARGETDURATION:'));
  if (targets.length !== 1) problems.push(`${targets.length} EXT-X-TARGETDURATION tags, not 1`);
  const target = Number(targets[0]?.slice('#EXT-X-TARGETDURATION:'.length));
  let mapNeeded = true;
  let mapNeededSince = 'the start';
  const uris = new Set<string>();
  // Program date times never go back: each segment starts no earlier than the one before it ended
  // (a frame's rounding allowed). Players that place segments by their date (Shaka) stall otherwise.
  let endOfPrevious = -Infinity;
  let dateTime = Number.NaN;
  let duration = Number.NaN;
  lines.forEach((line, index) => {
    if (line.startsWith('#EXT-X-PROGRAM-DATE-TIME:')) dateTime = Date.parse(line.slice('#EXT-X-PROGRAM-DATE-TIME:'.length));
    if (line.startsWith('#EXTINF:')) duration = Number.parseFloat(line.slice('#EXTINF:'.length));
    if (line !== '' && !line.startsWith('#')) {
      if (uris.has(line)) problems.push(`line ${index + 1}: ${line} is listed twice`);
      uris.add(line);
      if (dateTime < endOfPrevious - 100) problems.push(`line ${index + 1}: ${line} starts ${endOfPrevious - dateTime} ms before the previous segment ends (program date times go back)`);
      endOfPrevious = Number.isNaN(dateTime) ? -Infinity : dateTime + duration * 1000;
      dateTime = Number.NaN;
    }
    if (line.startsWith('#EXT-X-DISCONTINUITY') && !line.startsWith('#EXT-X-DISCONTINUITY-SEQUENCE')) {
      mapNeeded = true;
      mapNeededSince = `the discontinuity on line ${index + 1}`;
    } else if (line.startsWith('#EXT-X-MAP:')) {
      mapNeeded = false;
    } else if (line.startsWith('#EXTINF:')) {
      const duration = Number.parseFloat(line.slice('#EXTINF:'.length));
      if (Number.isFinite(target) && !(Math.round(duration) <= target)) problems.push(`line ${index + 1}: ${line} rounds above EXT-X-TARGETDURATION:${target}`);
      if (mapNeeded) problems.push(`line ${index + 1}: a segment with no EXT-X-MAP since ${mapNeededSince}`);
    }
  });
  return problems;
}

function commonProblems(lines: string[]): string[] {
  const problems: string[] = [];
  if (lines[0] !== '#EXTM3U') problems.push('line 1 is not #EXTM3U');
  const versions = lines.filter((line) => line.startsWith('#EXT-X-VERSION:'));
  if (versions.length !== 1) problems.push(`${versions.length} EXT-X-VERSION tags, not 1`);
  return problems;
}

/** One variant as measured: what its EXT-X-STREAM-INF says, and its media playlist's segments (bytes and EXTINF). */
export type MeasuredVariant = {
  uri: string;
  bandwidth: number;
  averageBandwidth?: number;
  segments: ReadonlyArray<{ uri: string; bytes: number; duration: number }>;
};

/** The bit rates of a variant's segments: the highest single segment's and the average over them all, in bits per second. */
export function measuredBitRates(segments: MeasuredVariant['segments']): { peak: number; average: number } {
  const timed = segments.filter((segment) => segment.duration > 0);
  const seconds = timed.reduce((sum, segment) => sum + segment.duration, 0);
  return {
    peak: Math.max(0, ...timed.map((segment) => (segment.bytes * 8) / segment.duration)),
    average: seconds > 0 ? timed.reduce((sum, segment) => sum + segment.bytes * 8, 0) / seconds : 0,
  };
}

/**
 * RFC 8216 §4.3.4.2: BANDWIDTH is at least every segment's bit rate (bytes x 8 / EXTINF: the peak
 * over runs of segments lasting about a target duration is never above the highest single
 * segment's), AVERAGE-BANDWIDTH at least the average over the segments. Media segments only: an
 * init segment (EXT-X-MAP) is not one.
 */
export function bandwidthProblems(variants: readonly MeasuredVariant[]): string[] {
  return variants.flatMap((variant) => {
    const { peak, average } = measuredBitRates(variant.segments);
    const problems: string[] = [];
    for (const segment of variant.segments) {
      const bps = (segment.bytes * 8) / segment.duration;
      if (bps > variant.bandwidth) problems.push(`${variant.uri}: ${segment.uri} (${segment.bytes} bytes over ${segment.duration} s) is ${Math.round(bps)} b/s, above BANDWIDTH=${variant.bandwidth}`);
    }
    if (variant.averageBandwidth !== undefined && average > variant.averageBandwidth) {
      problems.push(`${variant.uri}: the ${variant.segments.length} segments average ${Math.round(average)} b/s (peak ${Math.round(peak)}), above AVERAGE-BANDWIDTH=${variant.averageBandwidth}`);
    }
    return problems;
  });
}

/**
 * Fetches every variant's media playlist and every segment it lists, then the master (last, so it
 * is at least as new as the playlists measured), and pairs them for bandwidthProblems.
 */
export async function measureVariants(masterUrl: string): Promise<MeasuredVariant[]> {
  const get = async (url: string) => {
    const response = await fetch(url);
    if (!response.ok) throw new Error(`${url}: HTTP ${response.status}`);
    return response;
  };
  const variantUris = (parsePlaylist(await (await get(masterUrl)).text()).playlists ?? []).map((variant) => variant.uri);
  const measured = new Map<string, MeasuredVariant['segments']>();
  for (const uri of variantUris) {
    const playlistUrl = new URL(uri, masterUrl);
    const playlist = parsePlaylist(await (await get(playlistUrl.href)).text());
    const segments = [];
    for (const segment of playlist.segments) {
      const body = await (await get(new URL(segment.uri, playlistUrl).href)).arrayBuffer();
      segments.push({ uri: segment.uri, bytes: body.byteLength, duration: segment.duration });
    }
    measured.set(uri, segments);
  }
  const master = parsePlaylist(await (await get(masterUrl)).text());
  return (master.playlists ?? []).map((variant) => ({
    uri: variant.uri,
    bandwidth: Number(variant.attributes.BANDWIDTH),
    ...(variant.attributes['AVERAGE-BANDWIDTH'] !== undefined ? { averageBandwidth: Number(variant.attributes['AVERAGE-BANDWIDTH']) } : {}),
    segments: measured.get(variant.uri) ?? [],
  }));
}
