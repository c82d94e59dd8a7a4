// The settings a school's encoder should send for a lesson's latency mode: what the /school guide
// lists, what the downloadable OBS profile sets (catalog/ingest/obs-profile.ts) and what the live
// check measures against (player/src/school/encoder-check.ts). Pure. The picture is 720p30 (a
// classroom camera's board stays readable, and it is the top of the ladder most nodes can afford);
// the video bitrate is the top rendition's own (ladder.ts), sent CBR so segments stay under the
// rate the ladder advertises (source-fitness.ts); a keyframe every 2 s (every second for `low`, whose
// segments last 1 s), so the source can be cut into the lesson's segments as sent.
import type { LatencyMode } from '../core/config/schema.ts';
import { chooseLadder, segmentSecondsFor } from './ladder.ts';

export type EncoderSettings = {
  width: number;
  height: number;
  fps: number;
  /** CBR video bitrate. */
  videoKbps: number;
  /** The most the source may carry and still be served as sent (the top rendition's maxrate). */
  maxVideoKbps: number;
  keyframeSeconds: number;
  audio: { codec: 'aac'; sampleRate: 48000; channels: 2; kbps: number };
};

const picture = { width: 1280, height: 720, fps: 30 };

export function recommendedEncoderSettings(latencyMode: LatencyMode): EncoderSettings {
  const top = chooseLadder(picture, 1)[0]!;
  return {
    ...picture,
    videoKbps: top.videoKbps,
    maxVideoKbps: top.maxKbps,
    keyframeSeconds: Math.min(2, segmentSecondsFor[latencyMode]),
    audio: { codec: 'aac', sampleRate: 48000, channels: 2, kbps: 128 },
  };
}
