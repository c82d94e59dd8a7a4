// The encoder figures the school page shows, in words: "2.0 Mbit/s", "30 fps", "1280×720", and the
// warning when the source cannot be served as it is sent. Pure.
import { t } from '../i18n/i18n.ts';
import type { EncoderStatus } from '../shared/catalog-types.ts';
import { adviceInWords } from './encoder-advice-words.ts';

export type EncoderFigures = { connected: boolean; bitrate: string; fps: string; resolution: string };

export function encoderFigures(encoder: EncoderStatus | null): EncoderFigures {
  const none = t('value.none');
  if (!encoder?.connected) return { connected: false, bitrate: none, fps: none, resolution: none };
  return {
    connected: true,
    bitrate: encoder.bitrateKbps === null ? none : formatBitrate(encoder.bitrateKbps),
    fps: encoder.fps === null ? none : t('unit.fps', { fps: encoder.fps }),
    resolution: encoder.width && encoder.height ? `${encoder.width}×${encoder.height}` : none,
  };
}

/**
 * The warning for a source the ingest cannot serve as it is sent (null: none): the lesson still
 * goes out, recorded as sent and transcoded, and the advice says what to change in the encoder.
 */
export function encoderAdvice(encoder: EncoderStatus | null): string | null {
  if (!encoder?.advice) return null;
  return t('encoder.advice', { connected: encoder.connected ? 'yes' : 'no', advice: adviceInWords(encoder.advice) });
}

export function formatBitrate(kbps: number): string {
  return kbps >= 1000 ? t('unit.mbps', { mbps: kbps / 1000 }) : t('unit.kbps', { kbps });
}
