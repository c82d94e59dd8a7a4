// Keeps a peer-to-peer viewer of a live lesson at the distance from the live edge that
// live-distance-policy.ts gives for its peers: near the edge while it has none, further back while
// peers that can serve it are connected. The target goes to hls.js at run time (hls.targetLatency,
// which its catch-up, its live sync position and so video.js's LIVE button read); hls.js closes a
// gap by itself, playing up to 10 % faster, and a step back is made here, once per move back, as an
// instant seek within what is buffered (no fetch). A viewer thrown far back by a stall it did not
// choose (not a seek of its own) is taken back to its target. Checked when a segment is buffered and
// when a peer comes or goes.
import Hls from 'hls.js';
import { jumpBackToTarget, liveDistancesFor, nextLiveDistance, startingLiveDistance, type LiveDistanceState } from './live-distance-policy.ts';
import type { MainStreamPeers } from './main-stream-peers.ts';

/** Segments behind the playlist's edge without peers (as over HTTP only) and with them (p2p-profile.ts). */
export type LiveDistanceSegments = { aloneSegments: number; sharingSegments: number };

export function followLiveDistance(hls: Hls, peers: MainStreamPeers, segments: LiveDistanceSegments): void {
  // Until the first playlist, unknown: hls.js aims where its config says (aloneSegments).
  let state: LiveDistanceState | null = null;
  // Seeks this file makes, so that only the viewer's own count as a choice to play further back.
  let ownSeeks = 0;
  let viewerSeeked = false;
  const seekTo = (media: HTMLMediaElement, to: number) => {
    ownSeeks++;
    media.currentTime = to;
  };
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
    if (step.stepBackSeconds > 0) stepBackWithinBuffer(media, step.stepBackSeconds, seekTo);
    else if (jumpBackToTarget(behind, state.targetSeconds, details.targetduration, viewerSeeked) && hls.liveSyncPosition !== null) seekTo(media, hls.liveSyncPosition);
  };
  // A seek back of more than a segment that this file did not make is the viewer going back in the
  // lesson (the seek bar); a seek forward (the LIVE button) brings them back. hls.js's own seeks (its
  // start position, gap jumps) go forward.
  let playedTo = 0;
  const watched = new WeakSet<HTMLMediaElement>();
  const watchSeeks = () => {
    const media = hls.media;
    if (!media || watched.has(media)) return;
    watched.add(media);
    media.addEventListener('timeupdate', () => {
      if (!media.seeking) playedTo = media.currentTime;
    });
    media.addEventListener('seeking', () => {
      if (ownSeeks > 0) {
        ownSeeks--;
        return;
      }
      const segment = hls.latestLevelDetails?.targetduration ?? 2;
      if (media.currentTime < playedTo - segment) viewerSeeked = true;
      else if (media.currentTime > playedTo) viewerSeeked = false;
    });
  };
  watchSeeks();
  hls.on(Hls.Events.MEDIA_ATTACHED, watchSeeks);
  hls.on(Hls.Events.FRAG_BUFFERED, check);
  peers.onChange(check);
}

/**
 * Moves the playhead `seconds` back if that is still buffered; if not (a viewer that has just
 * started), a later check does it once it has played that far.
 */
function stepBackWithinBuffer(media: HTMLMediaElement, seconds: number, seekTo: (media: HTMLMediaElement, to: number) => void): void {
  const to = media.currentTime - seconds;
  const buffered = media.buffered;
  for (let index = 0; index < buffered.length; index++) {
    if (buffered.start(index) <= to && to <= buffered.end(index)) {
      seekTo(media, to);
      return;
    }
  }
}
