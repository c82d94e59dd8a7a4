// The ffmpeg command of one picture batch: a sprite of seek-bar thumbnails and/or the lesson's
// poster, from source segments already on disk. Pure, so the command is tested without ffmpeg.
//
// Why it is cheap: each input is one segment (its init segment and media segment read as one file
// through ffmpeg's concat protocol), opened with `-skip_frame nokey`, so the decoder touches only
// keyframes, and `trim=end_frame=1` keeps the first, which starts the segment: 0.18 % of a core per
// 1080p lesson, against 5.8 % for decoding every frame (scripts/bench/pictures.ts, docs/benchmarks.md).
// One process makes a whole batch (up to 25 thumbnails and the poster, tiled by ffmpeg itself), so
// a lesson starts three ffmpegs a minute rather than a dozen; the CPU is the same either way.
// `-benchmark` makes ffmpeg print its own CPU time, which the lesson counts (cpuSecondsOf).
import { spriteLayout, thumbnailHeight, thumbnailWidth } from './thumbnail-plan.ts';

/** A segment as ffmpeg reads it: its init segment and itself. */
export type SegmentFiles = { init: string; segment: string };

/** `thumbnails` go into one sprite at `spriteOutput`; `poster` (the newest segment) is scaled to at most `posterWidth`. */
export type PictureBatch = {
  thumbnails: readonly SegmentFiles[];
  spriteOutput?: string;
  poster?: SegmentFiles;
  posterOutput?: string;
};

export const posterWidth = 640;
/** JPEG quality (ffmpeg's qscale: 2 best, 31 worst): thumbnails are small and seen briefly. */
const thumbnailQuality = 6;
const posterQuality = 4;

export function pictureBatchArgs(batch: PictureBatch): string[] {
  const inputs = [...batch.thumbnails, ...(batch.poster ? [batch.poster] : [])];
  if (inputs.length === 0) throw new Error('a picture batch needs a thumbnail or a poster');
  if (batch.thumbnails.length > 0 && !batch.spriteOutput) throw new Error('thumbnails need a sprite output');
  if (batch.poster && !batch.posterOutput) throw new Error('a poster needs an output');
  for (const files of inputs) {
    // The concat protocol splits on '|': a path with one would read the wrong files.
    if (files.init.includes('|') || files.segment.includes('|')) throw new Error(`a segment path must not contain '|': ${files.segment}`);
  }
  // `-benchmark` prints at level info.
  const args = ['-hide_banner', '-nostdin', '-nostats', '-loglevel', 'info', '-benchmark', '-y'];
  for (const files of inputs) args.push('-skip_frame', 'nokey', '-threads', '1', '-i', `concat:${files.init}|${files.segment}`);
  const filters: string[] = [];
  const fit = `scale=${thumbnailWidth}:${thumbnailHeight}:force_original_aspect_ratio=decrease,pad=${thumbnailWidth}:${thumbnailHeight}:(ow-iw)/2:(oh-ih)/2,setsar=1`;
  const outputs: string[] = [];
  if (batch.thumbnails.length > 0) {
    const { columns, rows } = spriteLayout(batch.thumbnails.length);
    const labels = batch.thumbnails.map((_, index) => `[t${index}]`);
    batch.thumbnails.forEach((_, index) => filters.push(`[${index}:v]trim=end_frame=1,${fit}${labels[index]}`));
    // concat puts the single frames one after another; tile lays them out in reading order.
    filters.push(`${labels.join('')}concat=n=${labels.length}:v=1:a=0,tile=${columns}x${rows}[sprite]`);
    outputs.push('-map', '[sprite]', '-frames:v', '1', '-q:v', String(thumbnailQuality), '-f', 'mjpeg', batch.spriteOutput!);
  }
  if (batch.poster) {
    filters.push(`[${inputs.length - 1}:v]trim=end_frame=1,scale='min(${posterWidth},iw)':-2,setsar=1[poster]`);
    outputs.push('-map', '[poster]', '-frames:v', '1', '-q:v', String(posterQuality), '-f', 'mjpeg', batch.posterOutput!);
  }
  return [...args, '-filter_complex', filters.join(';'), '-filter_complex_threads', '1', ...outputs];
}

/** The CPU seconds (user + system) ffmpeg reports with `-benchmark`, or undefined when it printed none. */
export function cpuSecondsOf(stderr: string): number | undefined {
  const match = /bench: utime=([\d.]+)s stime=([\d.]+)s/.exec(stderr);
  return match ? Number(match[1]) + Number(match[2]) : undefined;
}
