// Which of a lesson's segments become seek-bar thumbnails, where each sits in its sprite image, and
// the WebVTT track that points a player at them. Pure: segments and the thumbnails made so far in,
// plans and text out, so the layout and the timing are tested without ffmpeg.
//
// A thumbnail is the first frame (a keyframe) of a source segment, at most one every
// `intervalSeconds`; it is known by its wall-clock time, so the same thumbnails serve the lesson's
// time-shift timeline and any replay cut from it (a recording may be part of a lesson).

/** What a thumbnail needs from a segment; the packager's records carry it (segment-record.ts). */
export type ThumbnailSource = { sequence: number; uri: string; initUri: string; programDateTime: number; duration: number };

/** One thumbnail made: its wall-clock time (ms) and its rectangle in sprite-<sprite>.jpg. */
export type Thumbnail = { at: number; sprite: number; x: number; y: number; w: number; h: number };

/** What the lesson keeps in thumbnails/thumbnails.json (never served): enough to carry on after a restart. */
export type ThumbnailIndex = { lastSequence: number; nextSprite: number; thumbnails: Thumbnail[] };

/** A timeline a player sees: the segments of a playlist, in order (time-shift or replay). */
export type TimelineSegment = { programDateTime: number; duration: number };

export type ThumbnailCue = { start: number; end: number; thumbnail: Thumbnail };

export const thumbnailWidth = 160;
export const thumbnailHeight = 90;
/** Columns of a sprite; a sprite holds at most `spriteColumns * spriteColumns` thumbnails. */
export const spriteColumns = 5;
export const maxThumbnailsPerSprite = spriteColumns * spriteColumns;

export const emptyThumbnailIndex: ThumbnailIndex = { lastSequence: -1, nextSprite: 0, thumbnails: [] };

export const spriteName = (sprite: number) => `sprite-${sprite}.jpg`;

/**
 * The segments after `index.lastSequence` that become thumbnails, at most `max`: the first, then
 * each starting at least `intervalSeconds` after the last thumbnail. `lastSequence` is the last
 * segment looked at, so the next batch starts after it.
 */
export function pickThumbnailSegments(
  segments: readonly ThumbnailSource[],
  index: Pick<ThumbnailIndex, 'lastSequence' | 'thumbnails'>,
  intervalSeconds: number,
  max = maxThumbnailsPerSprite,
): { picked: ThumbnailSource[]; lastSequence: number } {
  const picked: ThumbnailSource[] = [];
  let lastAt = index.thumbnails.at(-1)?.at;
  let lastSequence = index.lastSequence;
  for (const segment of segments) {
    if (segment.sequence <= index.lastSequence) continue;
    if (lastAt === undefined || segment.programDateTime >= lastAt + intervalSeconds * 1000) {
      if (picked.length === max) break;
      picked.push(segment);
      lastAt = segment.programDateTime;
    }
    lastSequence = segment.sequence;
  }
  return { picked, lastSequence };
}

/** The grid of a sprite of `count` thumbnails: as many columns as needed up to `spriteColumns`, rows filled in order. */
export function spriteLayout(count: number): { columns: number; rows: number; cells: Array<{ x: number; y: number }> } {
  if (!Number.isInteger(count) || count < 1 || count > maxThumbnailsPerSprite) throw new RangeError(`a sprite holds 1 to ${maxThumbnailsPerSprite} thumbnails, not ${count}`);
  const columns = Math.min(count, spriteColumns);
  const rows = Math.ceil(count / columns);
  const cells = Array.from({ length: count }, (_, cell) => ({ x: (cell % columns) * thumbnailWidth, y: Math.floor(cell / columns) * thumbnailHeight }));
  return { columns, rows, cells };
}

/** The thumbnails a sprite of `picked` adds, in its cells. */
export function thumbnailsOfSprite(picked: readonly ThumbnailSource[], sprite: number): Thumbnail[] {
  const { cells } = spriteLayout(picked.length);
  return picked.map((segment, cell) => ({ at: segment.programDateTime, sprite, x: cells[cell]!.x, y: cells[cell]!.y, w: thumbnailWidth, h: thumbnailHeight }));
}

/**
 * The cues of a timeline: each thumbnail at its place in the timeline (seconds from its start),
 * shown until the next one or the timeline's end. A thumbnail from before the timeline (a replay
 * that starts between two) opens it at 0; thumbnails after it, or in a gap between two encoder
 * runs, are placed at the next segment's start and the earlier of two at one place is dropped.
 */
export function thumbnailCues(thumbnails: readonly Thumbnail[], timeline: readonly TimelineSegment[]): ThumbnailCue[] {
  if (timeline.length === 0) return [];
  const starts: number[] = [];
  let total = 0;
  for (const segment of timeline) {
    starts.push(total);
    total += segment.duration;
  }
  const placed: Array<{ start: number; thumbnail: Thumbnail }> = [];
  for (const thumbnail of thumbnails) {
    const start = timelinePosition(thumbnail.at, timeline, starts);
    if (start === undefined || start >= total) continue;
    while (placed.length > 0 && placed.at(-1)!.start >= start) placed.pop();
    placed.push({ start, thumbnail });
  }
  return placed.map((entry, index) => ({ start: entry.start, end: placed[index + 1]?.start ?? total, thumbnail: entry.thumbnail }));
}

/** By binary search: a four-hour lesson's track is rewritten every batch on the ingest's event loop. */
function timelinePosition(at: number, timeline: readonly TimelineSegment[], starts: readonly number[]): number | undefined {
  if (at < timeline[0]!.programDateTime) return 0;
  // The last segment starting at or before `at`.
  let low = 0;
  let high = timeline.length - 1;
  while (low < high) {
    const middle = (low + high + 1) >> 1;
    if (timeline[middle]!.programDateTime <= at) low = middle;
    else high = middle - 1;
  }
  const segment = timeline[low]!;
  if (at < segment.programDateTime + segment.duration * 1000) return starts[low]! + (at - segment.programDateTime) / 1000;
  // In a gap after it (between two encoder runs): the next segment's start; after the last: none.
  return starts[low + 1];
}

/** The WebVTT thumbnail track: each cue names its sprite (relative to the track) and rectangle (Media Fragments `#xywh`). */
export function writeThumbnailTrack(cues: readonly ThumbnailCue[]): string {
  const lines = ['WEBVTT', ''];
  for (const { start, end, thumbnail } of cues) {
    lines.push(`${vttTime(start)} --> ${vttTime(end)}`, `${spriteName(thumbnail.sprite)}#xywh=${thumbnail.x},${thumbnail.y},${thumbnail.w},${thumbnail.h}`, '');
  }
  return lines.join('\n');
}

/** hh:mm:ss.mmm */
export function vttTime(seconds: number): string {
  const ms = Math.round(seconds * 1000);
  const pad = (value: number, width = 2) => String(value).padStart(width, '0');
  return `${pad(Math.floor(ms / 3_600_000))}:${pad(Math.floor(ms / 60_000) % 60)}:${pad(Math.floor(ms / 1000) % 60)}.${pad(ms % 1000, 3)}`;
}

/** A stored index, or the empty one when the text is missing or not one (a damaged index starts over, numbering after `minSprite`). */
export function readThumbnailIndex(text: string | undefined, minSprite = 0): ThumbnailIndex {
  let index = emptyThumbnailIndex;
  try {
    const parsed = text === undefined ? undefined : (JSON.parse(text) as Partial<ThumbnailIndex>);
    if (parsed && typeof parsed.lastSequence === 'number' && typeof parsed.nextSprite === 'number' && Array.isArray(parsed.thumbnails)) index = parsed as ThumbnailIndex;
  } catch {
    index = emptyThumbnailIndex;
  }
  // A sprite number is never used twice: a sprite is cached as immutable.
  return { ...index, nextSprite: Math.max(index.nextSprite, minSprite) };
}
