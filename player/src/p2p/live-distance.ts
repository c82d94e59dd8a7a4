// Keeps a peer-to-peer viewer of a live lesson at its distance from the live edge when it starts
// closer. hls.js starts a viewer liveSyncDuration behind the edge, but one who joins in a lesson's
// first seconds (a playlist shorter than that) starts at the first segment, closer; and hls.js only
// ever catches up (plays faster), never falls back. A viewer closer than the others needs every new
// segment before any peer can have it, so it would fetch everything over HTTP for the whole lesson.
// So once, when it first plays too close, it steps back in what it has buffered (an instant seek,
// no fetch) to the distance the others keep.
import Hls from 'hls.js';

/** How much closer than its target a viewer may play before it steps back, in seconds. */
const slackSeconds = 1;

export function keepLiveDistance(hls: Hls): void {
  const check = () => {
    const media = hls.media;
    const target = hls.targetLatency;
    if (!media || media.paused || target === null || !hls.latestLevelDetails?.live) return;
    const closer = target - hls.latency;
    if (closer <= slackSeconds) {
      // Far enough once: from then on hls.js's own catch-up keeps it there.
      if (media.currentTime > 0) hls.off(Hls.Events.FRAG_BUFFERED, check);
      return;
    }
    const to = media.currentTime - closer;
    const buffered = media.buffered;
    for (let index = 0; index < buffered.length; index++) {
      if (buffered.start(index) <= to && to <= buffered.end(index)) {
        media.currentTime = to;
        hls.off(Hls.Events.FRAG_BUFFERED, check);
        return;
      }
    }
  };
  hls.on(Hls.Events.FRAG_BUFFERED, check);
}
