// Writes a rendition's media playlist from the lesson's segment list, and reads one back into that
// list (segmentsOfPlaylist: the replay writer, the MP4 export and a restarted ingest read what the
// packager wrote). Pure: the same segments always give the same text. Sequence numbers belong to the
// lesson, so a reconnect continues them with a discontinuity instead of starting again at 0.
import { parsePlaylist } from '../core/parse-playlist.ts';

export type PackagedSegment = {
  /** Media sequence number within the lesson; strictly increasing. */
  sequence: number;
  uri: string;
  /** Seconds, as the segmenter measured them. */
  duration: number;
  /** Wall-clock time of the segment's first frame, in ms since the epoch. */
  programDateTime: number;
  /** The init segment (EXT-X-MAP) this segment needs. */
  initUri: string;
  /** First segment of an encoder run after the first: timestamps and init segment may change here. */
  discontinuity: boolean;
};

export type MediaPlaylistOptions = {
  /** How many segments a live playlist lists; ignored when the playlist is complete. */
  windowSize: number | 'all';
  /** The configured segment length; the target duration is never below it. */
  segmentSeconds: number;
  ended: boolean;
  /**
   * EXT-X-PLAYLIST-TYPE: 'event' for the time-shift playlist (the whole lesson so far, only ever
   * appended to, so it keeps the type when it ends), 'vod' for a replay; none for the live window.
   */
  playlistType?: 'event' | 'vod';
  /**
   * Whether every tier answers `?_HLS_skip=YES` on this playlist with a Playlist Delta Update
   * (services/media-http/delta-playlist.ts): the time-shift playlist, which lists the whole lesson
   * and is reloaded every segment by every viewer. Advertised only while the playlist is live.
   */
  deltaUpdates?: boolean;
};

/**
 * RFC 8216bis 4.4.3.8: the Skip Boundary (CAN-SKIP-UNTIL) is at least six target durations. The
 * smallest allowed keeps a delta update smallest; hls.js asks for one while its copy is younger
 * than half of it (3 target durations), which a viewer reloading every segment always is.
 */
export const skipBoundaryTargetDurations = 6;

export function writeMediaPlaylist(segments: readonly PackagedSegment[], options: MediaPlaylistOptions): string {
  assertIncreasing(segments);
  const start = options.windowSize === 'all' ? 0 : Math.max(0, segments.length - options.windowSize);
  const listed = segments.slice(start);
  // Players count discontinuities from the playlist's start, so those that slid out are carried here.
  const discontinuitySequence = segments.slice(0, start).filter((segment) => segment.discontinuity).length;
  const mediaSequence = listed[0]?.sequence ?? 0;
  const target = targetDuration(segments, options.segmentSeconds);
  const lines = [
    '#EXTM3U',
    '#EXT-X-VERSION:7',
    `#EXT-X-TARGETDURATION:${target}`,
    `#EXT-X-MEDIA-SEQUENCE:${mediaSequence}`,
    `#EXT-X-DISCONTINUITY-SEQUENCE:${discontinuitySequence}`,
    '#EXT-X-INDEPENDENT-SEGMENTS',
  ];
  if (options.playlistType) lines.push(`#EXT-X-PLAYLIST-TYPE:${options.playlistType.toUpperCase()}`);
  if (options.deltaUpdates && !options.ended) lines.push(`#EXT-X-SERVER-CONTROL:CAN-SKIP-UNTIL=${(target * skipBoundaryTargetDurations).toFixed(1)}`);
  let currentInit: string | undefined;
  listed.forEach((segment) => {
    // Also on the first listed segment: the discontinuity sequence counts only those that slid out.
    if (segment.discontinuity) lines.push('#EXT-X-DISCONTINUITY');
    if (segment.initUri !== currentInit) {
      lines.push(`#EXT-X-MAP:URI="${segment.initUri}"`);
      currentInit = segment.initUri;
    }
    lines.push(`#EXT-X-PROGRAM-DATE-TIME:${new Date(segment.programDateTime).toISOString()}`);
    lines.push(`#EXTINF:${segment.duration.toFixed(3)},`, segment.uri);
  });
  if (options.ended) lines.push('#EXT-X-ENDLIST');
  return lines.join('\n') + '\n';
}

/** A time-shift (or any complete media) playlist's segments as the packager wrote them. */
export function segmentsOfPlaylist(text: string): PackagedSegment[] {
  const parsed = parsePlaylist(text);
  const firstSequence = parsed.mediaSequence ?? 0;
  let initUri: string | undefined;
  return parsed.segments.map((segment, index) => {
    initUri = segment.map?.uri ?? initUri;
    if (!initUri) throw new Error(`segment ${segment.uri} has no init segment (EXT-X-MAP)`);
    if (segment.programDateTime === undefined) throw new Error(`segment ${segment.uri} has no program date time`);
    return {
      sequence: firstSequence + index,
      uri: segment.uri,
      duration: segment.duration,
      programDateTime: segment.programDateTime,
      initUri,
      discontinuity: Boolean(segment.discontinuity),
    };
  });
}

/** RFC 8216: every EXTINF, rounded to the nearest integer, must not exceed the target duration. */
export function targetDuration(segments: readonly PackagedSegment[], segmentSeconds: number): number {
  const longest = segments.reduce((max, segment) => Math.max(max, Math.round(segment.duration)), 0);
  return Math.max(Math.ceil(segmentSeconds), longest);
}

function assertIncreasing(segments: readonly PackagedSegment[]): void {
  for (let index = 1; index < segments.length; index++) {
    if (segments[index]!.sequence <= segments[index - 1]!.sequence) {
      throw new Error(`segment sequence went from ${segments[index - 1]!.sequence} to ${segments[index]!.sequence}; it must only increase`);
    }
  }
}
