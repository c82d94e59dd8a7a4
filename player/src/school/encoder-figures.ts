// The encoder figures the school page shows, in words: "2.0 Mbit/s", "30 fps", "1280×720", and the
// warning when the source cannot be served as it is sent. Pure.
import type { EncoderStatus } from '../shared/catalog-types.ts';

export type EncoderFigures = { connected: boolean; bitrate: string; fps: string; resolution: string };

export function encoderFigures(encoder: EncoderStatus | null): EncoderFigures {
  const none = '—';
  if (!encoder?.connected) return { connected: false, bitrate: none, fps: none, resolution: none };
  return {
    connected: true,
    bitrate: encoder.bitrateKbps === null ? none : formatBitrate(encoder.bitrateKbps),
    fps: encoder.fps === null ? none : `${Math.round(encoder.fps * 10) / 10} fps`,
    resolution: encoder.width && encoder.height ? `${encoder.width}×${encoder.height}` : none,
  };
}

/**
 * The warning for a source the ingest cannot serve as it is sent (null: none): the lesson still
 * goes out, recorded as sent and transcoded, and the advice says what to change in the encoder.
 */
export function encoderAdvice(encoder: EncoderStatus | null): string | null {
  if (!encoder?.advice) return null;
  const stream = encoder.connected ? 'Your stream is' : 'Your last stream was';
  return `${stream} recorded as sent, but it cannot be served to viewers as it is: ${encoder.advice}`;
}

export function formatBitrate(kbps: number): string {
  return kbps >= 1000 ? `${(kbps / 1000).toFixed(1)} Mbit/s` : `${Math.round(kbps)} kbit/s`;
}
