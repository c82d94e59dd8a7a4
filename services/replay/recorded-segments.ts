// Which of a lesson's segments belong to a recording. Pure: the lesson's time-shift playlist (every
// segment since the start, with program date times) and the recording's time range in, the
// segments out. A segment belongs when any of it falls inside the range, so a recording started or
// stopped mid-segment keeps that whole segment rather than losing the moment it was started.
import type { PackagedSegment } from '../packager/media-playlist.ts';

export type RecordingRange = { startedAt: number; endedAt: number | null };
export type SequenceRange = { first: number; last: number };

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
