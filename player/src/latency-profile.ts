// hls.js settings for watching a live lesson in normal latency mode: 2 s fMP4 segments, no LL-HLS
// parts. Every option that differs from hls.js's default is here, with the reason.
import type { HlsConfig } from 'hls.js';

/** Where the build puts hls.js's worker script (see player/build.ts). */
export const hlsWorkerUrl = '/assets/hls.worker.js';

export const liveLessonHlsConfig: Partial<HlsConfig> = {
  // Normal-mode lesson playlists have no LL-HLS parts, preload hints or rendition reports, so hls.js
  // has none of its low-latency loading to do. The flag stays on because in hls.js 1.7 it is also what
  // turns on the playback-rate catch-up below (LatencyController.onTimeupdate returns early without
  // it); with it off, maxLiveSyncPlaybackRate does nothing and a viewer who fell behind stays behind.
  lowLatencyMode: true,

  // Play 2 segments (about 4 s) behind the live edge instead of hls.js's 3: close enough that the
  // teacher's voice and the chat stay in step, with one segment of slack for a slow download.
  liveSyncDurationCount: 2,
  // A viewer who drifts more than 8 segments (16 s) behind, after a stall or a background tab, jumps
  // back to the live position instead of staying late for the rest of the lesson.
  liveMaxLatencyDurationCount: 8,
  // Smaller drifts (up to one segment past the target) are caught up by playing up to 10 % faster,
  // which is hard to hear in speech.
  maxLiveSyncPlaybackRate: 1.1,
  // Report an infinite duration so video.js's live UI (LIVE button, live seek bar) turns on.
  liveDurationInfinity: true,

  // Live buffers can never be longer than the distance to the live edge, so keep the forward buffer
  // modest, and drop what was played more than 30 s ago so a two-hour lesson does not fill memory.
  maxBufferLength: 10,
  maxMaxBufferLength: 20,
  backBufferLength: 30,

  // Parse segments off the main thread so the controls stay smooth on phones. The bundled (ES module)
  // hls.js only uses a worker when given the worker script's URL.
  enableWorker: true,
  workerPath: hlsWorkerUrl,

  // Start at the lowest rendition: its first segments are the smallest, so the first frame comes
  // soonest (docs/benchmarks.md, first frame); in Auto the bandwidth measured on them moves the viewer
  // up within a few segments.
  startLevel: 0,

  // In Auto, do not fetch a rendition bigger than the player shows (device pixels included): a phone
  // showing a 390 px wide player does not need 1080p.
  capLevelToPlayerSize: true,
};

/**
 * For the time-shift page: a viewer who seeks back into the lesson stays there. Without this,
 * hls.js pulls anyone more than liveMaxLatencyDurationCount segments behind back to the live edge.
 */
export function allowSeekingBack(config: Partial<HlsConfig>): Partial<HlsConfig> {
  return { ...config, liveMaxLatencyDurationCount: Number.POSITIVE_INFINITY };
}
