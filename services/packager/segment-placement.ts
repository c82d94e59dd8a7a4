// Whether a track takes a segment: only one that carries on from where the track has got to. A track
// may be fed by its own runs and, between them, by another track's segments (lesson-packager.ts), so
// the same moment can be offered twice: a rendition's own last segment and the source's, both cut
// short when an encoder drops, or a segment offered again when the track is linked once more. Taking
// both would put the same seconds in a playlist twice, program date times going backwards: players
// that place segments by their date (Shaka) then see holes and overlaps, and a stall.

/**
 * True when the segment starts no earlier than `toleranceMs` before the track's end (a frame's
 * rounding, a cut a little early) and more than half of it lies after that end: it brings new media.
 */
export function carriesOn(trackEndMs: number, segment: { programDateTime: number; duration: number }, toleranceMs: number): boolean {
  if (trackEndMs === -Infinity) return true;
  const durationMs = segment.duration * 1000;
  const endMs = segment.programDateTime + durationMs;
  return segment.programDateTime >= trackEndMs - toleranceMs && endMs - trackEndMs > durationMs / 2;
}
