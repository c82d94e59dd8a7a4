// How far behind the live edge a peer-to-peer viewer of a live lesson plays, from what it knows: how
// many peers could serve it and how far behind it is now. A viewer with no peer (alone in its
// swarm, or its tracker unreachable) has nobody to wait for, so it plays as close as a viewer over
// HTTP only; with peers it plays further back, leaving a new segment time to travel from its seeder
// to the others (p2p-profile.ts). hls.js moves a viewer closer by itself (it plays up to 10 %
// faster); it never falls back, so moving back is a step back within what is buffered. Pure: the
// hls.js side is live-distance.ts.

/** Seconds behind the live edge, with and without peers. */
export type LiveDistances = {
  /** No peer: as close as a viewer over HTTP only (latency-profile.ts). */
  aloneSeconds: number;
  /** Peers connected: far enough back for segments to reach this viewer from them. */
  sharingSeconds: number;
};

/**
 * What the player aims at, and whether it is on its way back to a target further from the edge
 * (a step back not yet made, for want of buffer).
 */
export type LiveDistanceState = { targetSeconds: number; movingBack: boolean };

/** The next state, and how far to step back now (0: no step). */
export type DistanceStep = { state: LiveDistanceState; stepBackSeconds: number };

/**
 * How much closer than its target a viewer may play and count as there, in seconds: a smaller gap
 * is not worth showing the viewer a moment twice, and hls.js's own estimate of its distance moves
 * by a fraction of a segment with each playlist reload.
 */
export const stepBackSlackSeconds = 1;

/** The distances, in seconds, for lesson playlists of `targetDuration` seconds, from segment counts. */
export function liveDistancesFor(targetDuration: number, aloneSegments: number, sharingSegments: number): LiveDistances {
  return { aloneSeconds: aloneSegments * targetDuration, sharingSeconds: Math.max(aloneSegments, sharingSegments) * targetDuration };
}

/** A viewer starts alone: as close as over HTTP only, where hls.js's own config puts it. */
export function startingLiveDistance(distances: LiveDistances): LiveDistanceState {
  return { targetSeconds: distances.aloneSeconds, movingBack: false };
}

/**
 * `peers`: peers connected that can serve this viewer's segments; `behindSeconds`: how far behind the
 * live edge it plays now (null while it does not know, or is seeking). When its target moves further
 * back, a viewer closer than it by more than the slack steps back, once: then it is there, and the
 * noise of its distance estimate does not walk it back further. Alone, being close costs nothing,
 * and a viewer behind its target is brought closer by hls.js.
 */
export function nextLiveDistance(state: LiveDistanceState, peers: number, behindSeconds: number | null, distances: LiveDistances): DistanceStep {
  const targetSeconds = peers > 0 ? distances.sharingSeconds : distances.aloneSeconds;
  const movingBack = targetSeconds > state.targetSeconds || (targetSeconds === state.targetSeconds && state.movingBack);
  if (!movingBack || behindSeconds === null) return { state: { targetSeconds, movingBack }, stepBackSeconds: 0 };
  const closer = targetSeconds - behindSeconds;
  if (closer <= stepBackSlackSeconds) return { state: { targetSeconds, movingBack: false }, stepBackSeconds: 0 };
  return { state: { targetSeconds, movingBack: true }, stepBackSeconds: closer };
}
