// Whether a segment continues a track, by time alone (pure). A track (a rendition's playlist) takes
// segments from its own encoder's runs and, while it has none, another track's; each has a place in
// the lesson's time (its program date time), and a track must never list the same time twice.
//
// A segment continues the track when it starts where the track has got to, give or take the
// tolerance (a frame's rounding, a cut a little early), and at least half of it is time the track
// has not covered yet. The second rule matters for a run's last segment, cut short when its encoder
// stops: shorter than the tolerance, it would otherwise pass the first rule after the track already
// covers its time, and be listed again, or linked into a lower rung after that rung's own segment of
// the same time (the source's bytes at the source's bit rate, above the rung's BANDWIDTH).

/** `trackEndMs`: where the track's newest segment ends (-Infinity when it has none); `startMs` and `seconds`: the segment's. */
export function continuesTrack(trackEndMs: number, startMs: number, seconds: number, toleranceMs: number): boolean {
  const lengthMs = seconds * 1000;
  return startMs >= trackEndMs - toleranceMs && startMs + lengthMs - trackEndMs >= lengthMs / 2;
}
