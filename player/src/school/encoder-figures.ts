// The encoder figures the school page shows, in words: "2.0 Mbit/s", "30 fps", "1280×720". Pure.
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

export function formatBitrate(kbps: number): string {
  return kbps >= 1000 ? `${(kbps / 1000).toFixed(1)} Mbit/s` : `${Math.round(kbps)} kbit/s`;
}
