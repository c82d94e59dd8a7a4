// Chooses a lesson's renditions from its source. Never upscales: the top rendition is the source
// height (or the standard rung it matches); lower rungs follow down to 360p, keeping the lowest
// one when renditions must be dropped, because that is the one weak phones and links need.
import type { LatencyMode } from '../core/config/schema.ts';

/** `aacAudio`: the audio is AAC, which the source copy keeps as sent (other codecs it encodes to AAC). */
export type Source = { width: number; height: number; fps: number; hasAudio: boolean; aacAudio?: boolean };

export type Rendition = {
  name: string;
  width: number;
  height: number;
  fps: number;
  videoKbps: number;
  maxKbps: number;
  bufferKbps: number;
};

const standardHeights = [1080, 720, 480, 360] as const;
/** Bits per pixel per frame for x264 at these sizes: about 2.5 Mb/s for 720p30. */
const bitsPerPixel = 0.09;

export const segmentSecondsFor: Record<LatencyMode, number> = { low: 1, normal: 2, high: 4 };

export function chooseLadder(source: Pick<Source, 'width' | 'height' | 'fps'>, maxRenditions: number): Rendition[] {
  if (source.width < 16 || source.height < 16) throw new Error(`source picture ${source.width}x${source.height} is too small to transcode`);
  const fps = Math.min(60, source.fps > 0 ? source.fps : 30);
  const top = even(Math.min(source.height, 2160));
  const lower = standardHeights.filter((height) => height < top * 0.95);
  let heights = [top, ...lower];
  if (heights.length > maxRenditions) {
    const lowest = heights[heights.length - 1]!;
    heights = maxRenditions === 1 ? [top] : [...heights.slice(0, maxRenditions - 1), lowest];
  }
  return heights.map((height) => rendition(source, height, fps));
}

function rendition(source: Pick<Source, 'width' | 'height'>, height: number, fps: number): Rendition {
  const width = even((height * source.width) / source.height);
  // Frames above 30 per second cost about half as much again as the first 30.
  const effectiveFps = fps <= 30 ? fps : 30 + (fps - 30) / 2;
  const videoKbps = roundTo50((width * height * effectiveFps * bitsPerPixel) / 1000);
  // A VBV buffer of one second at maxrate: a segment can then carry at most maxrate + bufsize / its
  // length, the bound the master playlist's BANDWIDTH must cover (advertised-bandwidth.ts).
  const maxKbps = roundTo50(videoKbps * 1.2);
  return { name: `${height}p`, width, height, fps, videoKbps, maxKbps, bufferKbps: maxKbps };
}

function even(value: number): number {
  return Math.max(2, Math.round(value / 2) * 2);
}

function roundTo50(value: number): number {
  return Math.max(50, Math.round(value / 50) * 50);
}

/** The source copy's folder: the lesson as the school sent it, its recording whatever the ladder did. */
export const sourceRenditionName = 'source';

/**
 * The source copy as a rendition: the source's picture, and the top rung's rates as a first guess
 * (the packager advertises what its segments really carry once it has some).
 */
export function sourceRendition(source: Pick<Source, 'width' | 'height' | 'fps'>, top: Rendition): Rendition {
  return { ...top, name: sourceRenditionName, width: even(source.width), height: even(source.height), fps: Math.min(60, source.fps > 0 ? source.fps : 30) };
}
