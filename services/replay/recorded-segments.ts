// Which of a lesson's segments belong to a recording. Pure: the lesson's time-shift playlist (every
// segment since the start, with program date times) and the recording's time range in, the
// segments out. A segment belongs when any of it falls inside the range, so a recording started or
// stopped mid-segment keeps that whole segment rather than losing the moment it was started.
import { parsePlaylist } from '../core/parse-playlist.ts';
import type { PackagedSegment } from '../packager/media-playlist.ts';

export type RecordingRange = { startedAt: number; endedAt: number | null };
export type SequenceRange = { first: number; last: number };

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

/** The sequence numbers of the segments overlapping the range, or undefined when none does. */
export function recordedSequences(segments: readonly PackagedSegment[], range: RecordingRange): SequenceRange | undefined {
  const inside = segments.filter(
    (segment) => segment.programDateTime + segment.duration * 1000 > range.startedAt && (range.endedAt === null || segment.programDateTime < range.endedAt),
  );
  if (inside.length === 0) return undefined;
  return { first: inside[0]!.sequence, last: inside.at(-1)!.sequence };
}

export function segmentsIn(segments: readonly PackagedSegment[], range: SequenceRange): PackagedSegment[] {
  return segments.filter((segment) => segment.sequence >= range.first && segment.sequence <= range.last);
}
