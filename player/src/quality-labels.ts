// How renditions are named in the quality menu: by picture height ("720p"), with the bitrate added
// when two renditions share a height. Pure, so it is tested without a browser.

/** One rendition the viewer can pick; `index` is its position in hls.js's level list. */
export type QualityLevel = { index: number; height: number; bitrate: number };

export function levelLabel(level: QualityLevel, all: readonly QualityLevel[]): string {
  const base = level.height > 0 ? `${level.height}p` : `${Math.round(level.bitrate / 1000)} kb/s`;
  const sameHeight = all.filter((other) => other.height === level.height).length > 1;
  return sameHeight && level.height > 0 ? `${base} · ${Math.round(level.bitrate / 1000)} kb/s` : base;
}

/** Levels in menu order: best picture first. */
export function menuOrder(levels: readonly QualityLevel[]): QualityLevel[] {
  return [...levels].sort((a, b) => b.height - a.height || b.bitrate - a.bitrate);
}

/** The Auto entry's label: "Auto", or "Auto (480p)" once a rendition is playing. */
export function autoLabel(playing: QualityLevel | undefined, all: readonly QualityLevel[]): string {
  return playing ? `Auto (${levelLabel(playing, all)})` : 'Auto';
}
