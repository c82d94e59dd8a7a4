// Reads a WebVTT thumbnail track (what services/pictures/ writes, and what other servers write in
// the same common form): cues whose text is an image URL with a `#xywh=x,y,w,h` media fragment
// naming the thumbnail's rectangle in a sprite. Pure, so it is tested without a browser.

export type ThumbnailCue = { start: number; end: number; url: string; x: number; y: number; w: number; h: number };

const timing = /^((?:\d+:)?\d{2}:\d{2}\.\d{3})\s+-->\s+((?:\d+:)?\d{2}:\d{2}\.\d{3})/;

/** Cues in order of start; a cue that is not a thumbnail (no image URL) is left out. URLs are resolved against `trackUrl`. */
export function parseThumbnailTrack(text: string, trackUrl: string): ThumbnailCue[] {
  const lines = text.replace(/^\uFEFF/, '').split(/\r\n|\r|\n/);
  if (!/^WEBVTT(\s|$)/.test(lines[0] ?? '')) throw new Error('not a WebVTT track');
  const cues: ThumbnailCue[] = [];
  for (let index = 1; index < lines.length; index++) {
    const times = timing.exec(lines[index]!);
    if (!times) continue;
    const payload = (lines[index + 1] ?? '').trim();
    if (payload === '') continue;
    const hash = payload.indexOf('#');
    const image = hash >= 0 ? payload.slice(0, hash) : payload;
    const rect = /(?:^|&)xywh=(?:pixel:)?(\d+),(\d+),(\d+),(\d+)/.exec(hash >= 0 ? payload.slice(hash + 1) : '');
    let url: string;
    try {
      url = new URL(image, trackUrl).href;
    } catch {
      continue;
    }
    const [x, y, w, h] = rect ? rect.slice(1).map(Number) : [0, 0, 0, 0];
    cues.push({ start: seconds(times[1]!), end: seconds(times[2]!), url, x: x!, y: y!, w: w!, h: h! });
  }
  return cues.sort((a, b) => a.start - b.start);
}

/** The cue shown at `time` (seconds on the track's timeline), or undefined outside every cue. */
export function cueAt(cues: readonly ThumbnailCue[], time: number): ThumbnailCue | undefined {
  let low = 0;
  let high = cues.length - 1;
  let found: ThumbnailCue | undefined;
  // The last cue starting at or before `time`.
  while (low <= high) {
    const middle = (low + high) >> 1;
    if (cues[middle]!.start <= time) {
      found = cues[middle];
      low = middle + 1;
    } else {
      high = middle - 1;
    }
  }
  return found && time < found.end ? found : undefined;
}

/** Where a thumbnail `width` wide sits over a bar `barWidth` wide when the pointer is at `x`: centred, kept inside the bar. */
export function thumbnailLeft(x: number, width: number, barWidth: number): number {
  return Math.max(0, Math.min(barWidth - width, x - width / 2));
}

function seconds(stamp: string): number {
  const parts = stamp.split(':').map(Number);
  return parts.reduce((total, part) => total * 60 + part, 0);
}
