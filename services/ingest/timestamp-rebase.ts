// Takes a forward jump out of an encoder's timestamps before any process of the run sees them.
// Pure (state in, numbers out), so it is tested without RTMP.
//
// Some encoders jump their clock forward after a network hiccup (seen: 10 s) while they go on
// sending media in real time. Copied as sent, the jump is a hole in the recording's time: ffmpeg's
// fMP4 muxer holds the last frame before it over the hole, leaves the audio empty there, and its
// HLS muxer gives the segment before the hole the hole's length (EXTINF 12 s over 2 s of media),
// so a player stalls or jumps there. The renditions, encoded at a constant frame rate, fill the
// hole with a frozen picture and silence instead, and cut their segments elsewhere than the copy.
// Taken out here, in the one feed every process of a run reads, the copy and every rendition see
// the same continuous timestamps: the recording keeps every frame and sample as sent (only their
// times after the jump move, all by the same amount, so audio stays in step with the picture), and
// the playlists need nothing a player might read differently.
//
// A jump is a tag more than `jumpMs` ahead of the newest tag of any track: a pause in one track
// alone (muted audio, a still picture sent sparingly) never counts while the other goes on. The
// tag after a jump is placed one of its track's own steps after that track's previous tag. Each jump
// is kept as the raw time it starts at, so a tag of the other track still from before it (tracks
// interleave a little) keeps the times of before. Backward jumps are left as they are.

/** A source's tracks are never this far apart in time, nor a sane encoder's frames. */
export const defaultJumpMs = 1000;

export type TimestampRebase = {
  /** The timestamp (ms) a media tag of `track` takes, given the encoder's own. */
  rebase(track: 'audio' | 'video', timestamp: number): number;
  /** The jumps taken out so far: from which raw timestamp, and how many ms. */
  jumps(): ReadonlyArray<{ fromMs: number; amountMs: number }>;
};

export function createTimestampRebase(jumpMs = defaultJumpMs): TimestampRebase {
  const jumps: Array<{ fromMs: number; amountMs: number }> = [];
  /** Newest raw timestamp of any track. */
  let newest: number | undefined;
  const tracks = new Map<'audio' | 'video', { last: number; step: number }>();
  /** The ms taken out of a raw timestamp: every jump that starts at or before it. */
  const removedBefore = (timestamp: number) => jumps.reduce((sum, jump) => (jump.fromMs <= timestamp ? sum + jump.amountMs : sum), 0);

  return {
    rebase(track, timestamp) {
      const seen = tracks.get(track);
      if (newest !== undefined && seen && timestamp - newest > jumpMs) {
        // One of the track's own steps after its previous tag (a frame, an AAC frame), at most jumpMs.
        const amountMs = timestamp - (seen.last + Math.min(seen.step, jumpMs));
        jumps.push({ fromMs: timestamp, amountMs });
      }
      if (seen && timestamp > seen.last) tracks.set(track, { last: timestamp, step: timestamp - seen.last });
      else if (!seen) tracks.set(track, { last: timestamp, step: 0 });
      newest = Math.max(newest ?? timestamp, timestamp);
      return timestamp - removedBefore(timestamp);
    },
    jumps: () => jumps,
  };
}
