// The live check on the school page: what the classroom's encoder sends (measured by the ingest on
// the encoder's own clock, services/ingest/encoder-sent.ts) set against what the lesson needs
// (services/transcode/encoder-settings.ts), one row per setting, each "ok", "fix" (with the fix in
// words) or "waiting" (not measured yet). Pure.
import type { EncoderSettings } from '../../../services/transcode/encoder-settings.ts';
import type { EncoderStatus } from '../shared/catalog-types.ts';
import { t } from '../i18n/i18n.ts';

export type CheckItem = 'resolution' | 'fps' | 'bitrate' | 'keyframes' | 'audio';
export type CheckRow = { item: CheckItem; sent: string | null; expected: string; verdict: 'ok' | 'fix' | 'waiting'; fix: string | null };

/** Keyframes may come this much further apart than the target (the slack the ingest allows, source-fitness.ts). */
const keyframeSlack = 1.25;
/** Below this share of the recommended bitrate the picture turns to mush on a moving board. */
const lowestBitrateShare = 0.3;
const fpsRange = { min: 24, max: 30.5 };
const heightRange = { min: 720, max: 1080 };

export function checkEncoder(encoder: EncoderStatus, want: EncoderSettings): CheckRow[] {
  const sent = encoder.sent;
  const row = (item: CheckItem, shown: string | null, expected: string, fix: string | null | undefined): CheckRow => ({
    item,
    sent: shown,
    expected,
    verdict: fix === undefined ? 'waiting' : fix === null ? 'ok' : 'fix',
    fix: fix ?? null,
  });
  const picture = `${want.width}×${want.height}`;
  const height = encoder.height;
  const fps = sent?.fps ?? null;
  const kbps = sent?.videoKbps ?? null;
  const keyframes = sent?.keyframeSeconds ?? null;
  const audio = sent?.audio;
  // Audio tags come with the first frames; until a keyframe interval has been measured as well, no audio is not yet a verdict.
  const audioMeasured = sent !== null && (audio !== null || keyframes !== null);
  return [
    row(
      'resolution',
      encoder.width && height ? `${encoder.width}×${height}` : null,
      picture,
      !height ? undefined : height < heightRange.min ? t('check.fixResolutionLow', { picture }) : height > heightRange.max ? t('check.fixResolutionHigh', { picture }) : null,
    ),
    row(
      'fps',
      fps === null ? null : t('unit.fps', { fps }),
      t('unit.fps', { fps: want.fps }),
      fps === null ? undefined : fps < fpsRange.min ? t('check.fixFpsLow', { fps: want.fps }) : fps > fpsRange.max ? t('check.fixFpsHigh', { fps: want.fps }) : null,
    ),
    row(
      'bitrate',
      kbps === null ? null : t('unit.kbps', { kbps }),
      t('check.expectBitrate', { kbps: want.videoKbps }),
      kbps === null
        ? undefined
        : kbps > want.maxVideoKbps
          ? t('check.fixBitrateHigh', { kbps: want.videoKbps, max: want.maxVideoKbps })
          : kbps < want.videoKbps * lowestBitrateShare
            ? t('check.fixBitrateLow', { kbps: want.videoKbps })
            : null,
    ),
    row(
      'keyframes',
      keyframes === null ? null : t('unit.seconds', { seconds: keyframes }),
      t('unit.seconds', { seconds: want.keyframeSeconds }),
      keyframes === null ? undefined : keyframes > want.keyframeSeconds * keyframeSlack ? t('check.fixKeyframes', { seconds: want.keyframeSeconds, frames: want.keyframeSeconds * want.fps }) : null,
    ),
    row(
      'audio',
      !audioMeasured ? null : !audio ? t('check.noAudio') : t('check.audio', { codec: audio.codec, khz: (audio.sampleRate ?? 0) / 1000, channels: audio.channels ?? 0 }),
      t('check.audio', { codec: want.audio.codec, khz: want.audio.sampleRate / 1000, channels: want.audio.channels }),
      !audioMeasured
        ? undefined
        : !audio
          ? t('check.fixNoAudio')
          : audio.codec !== 'aac'
            ? t('check.fixAudioCodec')
            : audio.sampleRate !== null && audio.sampleRate !== want.audio.sampleRate
              ? t('check.fixSampleRate', { khz: want.audio.sampleRate / 1000 })
              : null,
    ),
  ];
}
