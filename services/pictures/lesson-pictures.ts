// A live lesson's pictures, made beside it from the source segments already on disk: its poster
// (<lesson>/poster.jpg, a frame of the newest segment, refreshed every `posterSeconds`) and its
// seek-bar thumbnails (<lesson>/thumbnails/: one every `thumbnailSeconds`, gathered into a new
// sprite every `batchSeconds`, listed by thumbnails.vtt over the lesson's time-shift timeline).
//
// Pictures never cost the lesson anything: they read finished segments (never the encoder's feed),
// run at the lowest CPU priority, one batch at a time, and while `busy()` says the node is short of
// CPU (renditions shed, little idle CPU) they are the first work to thin out: batches come
// `busyStretch` times less often (the segments wait for them), so a loaded node still gets a poster
// and thumbnails now and then at a quarter of the cost.
// Write order: a sprite is in place before the track names it, and a sprite number is never
// reused (sprites are cached as immutable), also across a restart (thumbnails.json, the folder).
import { spawn } from 'node:child_process';
import { mkdir, readdir, readFile, rename, rm } from 'node:fs/promises';
import { setPriority } from 'node:os';
import { join } from 'node:path';
import { writeFileAtomic } from '../core/atomic-write.ts';
import type { Logger } from '../core/log.ts';
import { thumbnailsFolder } from '../media-http/cache-policy.ts';
import { cpuSecondsOf, pictureBatchArgs, type SegmentFiles } from './picture-args.ts';
import {
  pickThumbnailSegments,
  readThumbnailIndex,
  spriteName,
  thumbnailCues,
  thumbnailsOfSprite,
  writeThumbnailTrack,
  type ThumbnailIndex,
  type ThumbnailSource,
} from './thumbnail-plan.ts';

export const posterName = 'poster.jpg';
export const thumbnailTrackName = 'thumbnails.vtt';
export const thumbnailIndexName = 'thumbnails.json';

export type LessonPicturesOptions = {
  lessonDir: string;
  /** The folder the source segments are in, and their list so far (the packager's source track). */
  sourceDir: string;
  segments(): readonly ThumbnailSource[];
  ffmpegPath: string;
  posterSeconds: number;
  thumbnailSeconds: number;
  batchSeconds: number;
  /** True while the node is short of CPU: the batch waits. */
  busy(): boolean;
  log: Logger;
};

export type LessonPictures = {
  /** The lesson ended: the last thumbnails are made (whatever the load), then nothing more. */
  finish(): Promise<void>;
  /** CPU seconds the lesson's picture ffmpegs have used so far (from ffmpeg's own -benchmark). */
  cpuSeconds(): number;
  batches(): { made: number; madeBusy: number; failed: number };
};

/** Pictures run below the renditions (niceness 10): the first work the kernel leaves waiting. */
const pictureNiceness = 19;
const checkMs = 1000;
/** While the node is busy, pictures come this many times less often. */
export const busyStretch = 4;

export function createLessonPictures(options: LessonPicturesOptions): LessonPictures {
  const { log } = options;
  const thumbnailsDir = join(options.lessonDir, thumbnailsFolder);
  let index: ThumbnailIndex | undefined;
  let lastPosterAt = 0;
  let lastPosterSequence = -1;
  let lastBatchAt = 0;
  let cpuSeconds = 0;
  const counts = { made: 0, madeBusy: 0, failed: 0 };
  let running: Promise<void> = Promise.resolve();
  let batchRunning = false;
  let finished = false;

  const loadIndex = async (): Promise<ThumbnailIndex> => {
    if (index) return index;
    await mkdir(thumbnailsDir, { recursive: true });
    const names = await readdir(thumbnailsDir);
    const highest = Math.max(-1, ...names.map((name) => Number(/^sprite-(\d+)\.jpg$/.exec(name)?.[1] ?? -1)));
    const text = await readFile(join(thumbnailsDir, thumbnailIndexName), 'utf8').catch(() => undefined);
    index = readThumbnailIndex(text, highest + 1);
    return index;
  };

  const filesOf = (segment: ThumbnailSource): SegmentFiles => ({ init: join(options.sourceDir, segment.initUri), segment: join(options.sourceDir, segment.uri) });

  /**
   * One batch: the thumbnails due (up to a sprite's worth) and the poster if due, with the intervals
   * `stretch` times longer; `final` takes every thumbnail left. True when it made thumbnails.
   */
  const batch = async (final: boolean, stretch = 1): Promise<boolean> => {
    const current = await loadIndex();
    const segments = options.segments();
    const newest = segments.at(-1);
    if (!newest) return false;
    const now = Date.now();
    const { picked, lastSequence } = pickThumbnailSegments(segments, current, options.thumbnailSeconds);
    const thumbnailsDue = picked.length > 0 && (final || current.thumbnails.length === 0 || now - lastBatchAt >= stretch * options.batchSeconds * 1000);
    const posterDue = newest.sequence !== lastPosterSequence && (lastPosterSequence < 0 || now - lastPosterAt >= stretch * options.posterSeconds * 1000);
    if (!thumbnailsDue && !posterDue) return false;
    const sprite = current.nextSprite;
    const spritePath = join(thumbnailsDir, spriteName(sprite));
    const spriteTemporary = join(thumbnailsDir, `.${spriteName(sprite)}.tmp`);
    const posterPath = join(options.lessonDir, posterName);
    const posterTemporary = join(options.lessonDir, `.${posterName}.tmp`);
    const args = pictureBatchArgs({
      thumbnails: thumbnailsDue ? picked.map(filesOf) : [],
      ...(thumbnailsDue ? { spriteOutput: spriteTemporary } : {}),
      ...(posterDue ? { poster: filesOf(newest), posterOutput: posterTemporary } : {}),
    });
    lastBatchAt = now;
    try {
      cpuSeconds += await runPictureFfmpeg(options.ffmpegPath, args);
      if (posterDue) {
        await rename(posterTemporary, posterPath);
        lastPosterAt = now;
        lastPosterSequence = newest.sequence;
      }
      if (thumbnailsDue) {
        await rename(spriteTemporary, spritePath);
        index = { lastSequence, nextSprite: sprite + 1, thumbnails: [...current.thumbnails, ...thumbnailsOfSprite(picked, sprite)] };
        await writeFileAtomic(join(thumbnailsDir, thumbnailIndexName), JSON.stringify(index));
        await writeFileAtomic(join(thumbnailsDir, thumbnailTrackName), writeThumbnailTrack(thumbnailCues(index.thumbnails, segments)));
      }
      counts.made++;
      if (stretch > 1) counts.madeBusy++;
      return thumbnailsDue;
    } catch (error) {
      counts.failed++;
      // The sprite's number is spent: a half-written one may have reached a cache.
      if (thumbnailsDue) index = { ...current, nextSprite: sprite + 1 };
      log.warn('lesson pictures not made: the lesson goes on without them', { error: (error as Error).message });
      await Promise.all([rm(spriteTemporary, { force: true }), rm(posterTemporary, { force: true })]);
      return false;
    }
  };

  const timer = setInterval(() => {
    if (batchRunning || finished) return;
    batchRunning = true;
    running = batch(false, options.busy() ? busyStretch : 1)
      .then(() => undefined)
      .finally(() => (batchRunning = false));
  }, checkMs);
  timer.unref();

  return {
    async finish() {
      if (finished) return running;
      finished = true;
      clearInterval(timer);
      await running;
      // Every thumbnail left, a sprite at a time; a failing batch stops here rather than loop.
      running = (async () => {
        while (await batch(true));
      })();
      return running;
    },
    cpuSeconds: () => cpuSeconds,
    batches: () => ({ ...counts }),
  };
}

/** Runs one batch at the lowest priority; resolves with the CPU seconds it used. */
export function runPictureFfmpeg(ffmpegPath: string, args: readonly string[]): Promise<number> {
  return new Promise((resolve, reject) => {
    const child = spawn(ffmpegPath, args, { stdio: ['ignore', 'ignore', 'pipe'] });
    if (child.pid !== undefined) {
      try {
        setPriority(child.pid, pictureNiceness);
      } catch {
        // Not allowed here: it still runs, one batch at a time.
      }
    }
    let stderr = '';
    child.stderr.setEncoding('utf8').on('data', (chunk: string) => (stderr = (stderr + chunk).slice(-4000)));
    child.once('error', reject);
    child.once('close', (code) => {
      if (code === 0) return resolve(cpuSecondsOf(stderr) ?? 0);
      const lastLines = stderr.trim().split('\n').slice(-3).join(' | ');
      reject(new Error(`ffmpeg exited with ${code}: ${lastLines || 'no message'}`));
    });
  });
}
