// Playlist Delta Updates (RFC 8216bis 6.2.5.1): a player that already holds a live playlist asks for
// it again with `?_HLS_skip=YES` and gets only its newest part, the older segments replaced by one
// EXT-X-SKIP tag that it fills in from its own copy. The time-shift playlist lists the whole lesson
// (some 1,400 segments, 100 KB, after 45 minutes) and every viewer reloads it every segment; its
// delta is the last Skip Boundary's worth, about a kilobyte, whatever the lesson's length.
//
// Made from the full playlist's text where it is served (the origin from its file, a relay from its
// cached copy), so every tier answers it without asking upstream for anything more, and the Skip
// Boundary is the one the playlist itself advertises (EXT-X-SERVER-CONTROL, media-playlist.ts).
import type { MediaFileKind } from './cache-policy.ts';

/**
 * Whether a request for a file of `kind` at `url` asks for a delta: a media playlist (only those
 * that advertise CAN-SKIP-UNTIL have one) with `_HLS_skip=YES`, or `v2` (date ranges too: this
 * platform writes none). The same test at the origin, on a relay's hot path and on its express path.
 */
export function asksForDelta(kind: MediaFileKind, url: string): boolean {
  if (kind !== 'media-playlist') return false;
  const query = url.indexOf('?');
  if (query < 0 || !url.includes('_HLS_skip=', query)) return false;
  const skip = new URLSearchParams(url.slice(query)).get('_HLS_skip');
  return skip === 'YES' || skip === 'v2';
}

/** Tags of the playlist itself; any other tag before a URI line belongs to the segment that URI ends. */
const playlistTags = /^#(EXTM3U|EXT-X-(VERSION|TARGETDURATION|MEDIA-SEQUENCE|DISCONTINUITY-SEQUENCE|INDEPENDENT-SEGMENTS|PLAYLIST-TYPE|SERVER-CONTROL|START|PART-INF|DEFINE))\b/;

/** Segment tags that hold for every later segment until the next one of the same name: a delta carries the one in force. */
const carriedTags = ['#EXT-X-MAP:', '#EXT-X-KEY:'] as const;

/** EXT-X-SKIP needs version 9 (RFC 8216bis section 7). */
const skipVersion = 9;

type Segment = { lines: string[]; seconds: number };

/**
 * The Playlist Delta Update of a live media playlist `text`, or undefined when there is none to
 * give: the playlist does not advertise CAN-SKIP-UNTIL, has ended (players no longer reload it), is
 * already a delta, or is too short to skip anything. The segments whose start lies more than the
 * Skip Boundary before the playlist's end are replaced by EXT-X-SKIP; the rest are as in `text`,
 * each carried tag (EXT-X-MAP) in force restated before the first of them, and the header the
 * same but for its version. Media and discontinuity sequence numbers stay those of the full
 * playlist: they count from its first segment, skipped or not.
 */
export function deltaUpdate(text: string): string | undefined {
  const boundary = Number(/^#EXT-X-SERVER-CONTROL:.*\bCAN-SKIP-UNTIL=([\d.]+)/m.exec(text)?.[1]);
  if (!(boundary > 0) || /^#EXT-X-(ENDLIST|SKIP)\b/m.test(text)) return undefined;
  const header: string[] = [];
  const segments: Segment[] = [];
  let pending: string[] = [];
  for (const line of text.split('\n').map((raw) => raw.replace(/\r$/, ''))) {
    if (line === '') continue;
    if (segments.length === 0 && pending.length === 0 && playlistTags.test(line)) header.push(line);
    else if (line.startsWith('#')) pending.push(line);
    else {
      const seconds = Number(/^#EXTINF:([\d.]+)/m.exec(pending.join('\n'))?.[1] ?? Number.NaN);
      if (!Number.isFinite(seconds)) return undefined;
      segments.push({ lines: [...pending, line], seconds });
      pending = [];
    }
  }
  if (header[0] !== '#EXTM3U') return undefined;
  // Back from the end until the segments kept cover the boundary: the first one kept starts at or
  // before it (the standard would let it go; listing at least the boundary costs one segment).
  let skipped = segments.length;
  for (let covered = 0; skipped > 0 && covered < boundary; ) covered += segments[--skipped]!.seconds;
  if (skipped === 0) return undefined;
  const firstKept = segments[skipped]!.lines;
  const restated = carriedTags.flatMap((tag) => {
    if (firstKept.some((line) => line.startsWith(tag))) return [];
    const inForce = segments
      .slice(0, skipped)
      .flatMap((segment) => segment.lines)
      .findLast((line) => line.startsWith(tag));
    return inForce ? [inForce] : [];
  });
  const versioned = header.some((line) => line.startsWith('#EXT-X-VERSION:'))
    ? header.map((line) => (line.startsWith('#EXT-X-VERSION:') ? `#EXT-X-VERSION:${Math.max(skipVersion, Number(line.slice(15)) || 0)}` : line))
    : [header[0]!, `#EXT-X-VERSION:${skipVersion}`, ...header.slice(1)];
  const lines = [
    ...versioned,
    `#EXT-X-SKIP:SKIPPED-SEGMENTS=${skipped}`,
    ...restated,
    ...segments.slice(skipped).flatMap((segment) => segment.lines),
    ...pending,
  ];
  return lines.join('\n') + '\n';
}
