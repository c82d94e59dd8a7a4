// What an encoder sends, measured on its own clock (the FLV timestamps), so the school page can set
// it against what it should send (player/src/school/encoder-check.ts) whatever the network or the
// ingest node's load: the frame rate and video bitrate over its last whole keyframe interval, that
// interval, and its audio as its sequence header declares it. Kept beside the encoder's status in
// the catalog (encoder_status.sent, migration 016). Plain data.
import type { AudioCodec } from './flv-tag.ts';

export type EncoderSent = {
  /** Frames per second of media time over the last keyframe interval (null: no whole interval yet). */
  fps: number | null;
  /** Video kbit/s of media time over the last keyframe interval. */
  videoKbps: number | null;
  /** Seconds between the last two video keyframes. */
  keyframeSeconds: number | null;
  /** Null: no audio tag seen. sampleRate and channels: from the AAC sequence header (null for other codecs). */
  audio: { codec: AudioCodec; sampleRate: number | null; channels: number | null } | null;
};

export const nothingSent: EncoderSent = { fps: null, videoKbps: null, keyframeSeconds: null, audio: null };
