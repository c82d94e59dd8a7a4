// Keeps a peer-to-peer viewer of a live lesson at the distance from the live edge that
// live-distance-policy.ts gives for its peers: near the edge while it has none, further back while
// peers that can serve it are connected. The target goes to hls.js at run time (hls.targetLatency,
// which its catch-up, its live sync position and so video.js's LIVE button read); hls.js closes a
// gap by itself, playing up to 10 % faster, and a step back is made here, once per move back, as an
// instant seek within what is buffered (no fetch). Checked when a segment is buffered and when a peer
// comes or goes.
import Hls from 'hls.js';
import { liveDistancesFor, nextLiveDistance, startingLiveDistance, type LiveDistanceState } from './live-distance-policy.ts';
import type { MainStreamPeers } from './main-stream-peers.ts';

/** Segments behind the playlist's edge without peers (as over HTTP only) and with them (p2p-profile.ts). */
export type LiveDistanceSegments = { aloneSegments: number; sharingSegments: number };

export function followLiveDistance(hls: Hls, peers: MainStreamPeers, segments: LiveDistanceSegments): void {
  // Until the first playlist, unknown: hls.js aims where its config says (aloneSegments).
  let state: LiveDistanceState | null = null;
  const check = () => {
    const media = hls.media;
    const details = hls.latestLevelDetails;
    if (!media || !details?.live) return;
    const distances = liveDistancesFor(details.targetduration, segments.aloneSegments, segments.sharingSegments);
    state ??= startingLiveDistance(distances);
    // As hls.js measures its latency (the playlist's edge plus the time since it last grew), but read
    // now: hls.latency is only updated on the next timeupdate, after a step back as well.
    const behind = !media.paused && !media.seeking && media.currentTime > 0 ? details.edge + details.age - media.currentTime : null;
    const step = nextLiveDistance(state, peers.ids.size, behind, distances);
    // Setting it also clears the second hls.js adds to its target after each stall: the new target is meant.
    if (step.state.targetSeconds !== state.targetSeconds) hls.targetLatency = step.state.targetSeconds;
    state = step.state;
    if (step.stepBackSeconds > 0) stepBackWithinBuffer(media, step.stepBackSeconds);
  };
  hls.on(Hls.Events.FRAG_BUFFERED, check);
  peers.onChange(check);
}

/**
 * Moves the playhead `seconds` back if that is still buffered; if not (a viewer that has just
 * started), a later check does it once it has played that far.
 */
function stepBackWithinBuffer(media: HTMLMediaElement, seconds: number): void {
  const to = media.currentTime - seconds;
  const buffered = media.buffered;
  for (let index = 0; index < buffered.length; index++) {
    if (buffered.start(index) <= to && to <= buffered.end(index)) {
      media.currentTime = to;
      return;
    }
  }
}
