// Where a node that takes over a live lesson from a node that went down starts numbering. It has
// none of the down node's segments, so it cannot continue that node's numbers; it starts above
// anything that node could have published, so a relay or player that saw the old node's playlists
// never sees the media sequence go backwards, and never gets a segment or init name (which carry
// the run: r<run>-<index>.m4s) that a cache already holds for other bytes. The bounds only grow with
// the time since the lesson went live, so a chain of takeovers keeps them (each node's numbers stay
// below the next node's start).

/**
 * Encoder runs a node can start in a second at most: each run starts an ffmpeg and waits for it to
 * exit (a reconnect, a backup switch or a restart after a crash), which takes far longer than this.
 */
export const maxRunsPerSecond = 10;
/**
 * Media an encoder can send faster than real time: a reconnect replays up to a group of pictures
 * already shown, so the media a lesson holds can run ahead of the wall clock; twice is generous.
 */
export const maxMediaPerSecond = 2;

export type TakeoverNumbering = {
  /** The sequence number of this node's first segment of the lesson. */
  firstSequence: number;
  /** Runs numbered before this node's (its first run is runsBefore + 1). */
  runsBefore: number;
};

/**
 * `liveSeconds`: since the lesson first went live (on any node). Every run's segments but its last
 * are at least `segmentSeconds` long (ffmpeg forces a keyframe at each boundary), so the old node
 * published at most (media seconds / segmentSeconds) + one short segment per run.
 */
export function takeoverNumbering(liveSeconds: number, segmentSeconds: number): TakeoverNumbering {
  const seconds = Math.max(0, liveSeconds);
  const runsBefore = Math.ceil(seconds * maxRunsPerSecond) + 1;
  const firstSequence = Math.ceil((seconds * maxMediaPerSecond) / segmentSeconds) + runsBefore + 1;
  return { firstSequence, runsBefore };
}
