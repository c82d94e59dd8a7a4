// How renditions are named in the quality menu: by picture height ("720p"), with the bitrate added
// when two renditions share a height. Pure, so it is tested without a browser.
import { t } from './i18n/i18n.ts';

/** One rendition the viewer can pick; `index` is its position in hls.js's level list. */
export type QualityLevel = { index: number; height: number; bitrate: number };

export function levelLabel(level: QualityLevel, all: readonly QualityLevel[]): string {
  const kbps = level.bitrate / 1000;
  if (level.height <= 0) return t('player.kbps', { kbps });
  const sameHeight = all.filter((other) => other.height === level.height).length > 1;
  return sameHeight ? t('player.heightAndRate', { height: level.height, kbps }) : `${level.height}p`;
}

/** Levels in menu order: best picture first. */
export function menuOrder(levels: readonly QualityLevel[]): QualityLevel[] {
  return [...levels].sort((a, b) => b.height - a.height || b.bitrate - a.bitrate);
}

/** The Auto entry's label: "Auto", or "Auto (480p)" once a rendition is playing. */
export function autoLabel(playing: QualityLevel | undefined, all: readonly QualityLevel[]): string {
  return playing ? t('player.autoPlaying', { level: levelLabel(playing, all) }) : t('player.auto');
}
