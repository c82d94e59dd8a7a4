// Builds the one ffmpeg command a live lesson run needs: FLV from our RTMP tap on stdin, decoded
// once, split and scaled into the ladder, every rendition encoded with keyframes forced at the same
// instants (so segments line up across renditions), cut into CMAF/fMP4 segments. ffmpeg is only
// the segmenter: it writes into a private directory per run (a dot-directory, never served), and
// the packager publishes each segment under the lesson's own names once ffmpeg lists it as done.
// Variants are numbered, not named, and the init segment's name is read back from ffmpeg's
// playlist, because ffmpeg 4.1 (the npm fallback binary) knows neither names nor temp files.
import type { Rendition } from './ladder.ts';

export type TranscodeJob = {
  ladder: readonly Rendition[];
  hasAudio: boolean;
  segmentSeconds: number;
  preset: string;
  audioKbps: number;
  /** Directory of the lesson; each rendition gets a sub-directory named after it. */
  lessonDir: string;
  /** Encoder run within the lesson (1, 2, ... after reconnects); part of every file name. */
  run: number;
};

export type FfmpegInvocation = { inputOptions: string[]; outputOptions: string[]; output: string };

/** Where ffmpeg writes a run's files: `<lessonDir>/.segmenter/r<run>/<variant index>/`. */
export const segmenterDir = (lessonDir: string, run: number) => `${lessonDir}/.segmenter/r${run}`;
export const segmenterPlaylistName = 'ffmpeg.m3u8';
/** ffmpeg's segment names within a variant directory. */
export const segmenterSegmentPattern = /^(\d+)\.m4s$/;

export function buildTranscodeArgs(job: TranscodeJob): FfmpegInvocation {
  if (job.ladder.length === 0) throw new Error('the ladder has no renditions');
  const count = job.ladder.length;
  const split = `[0:v]split=${count}${job.ladder.map((_, index) => `[s${index}]`).join('')}`;
  const scales = job.ladder.map((rendition, index) => `[s${index}]scale=${rendition.width}:${rendition.height}:flags=bicubic,format=yuv420p[v${index}]`);
  const keyframeInterval = Math.max(1, Math.round(job.ladder[0]!.fps * job.segmentSeconds));

  const inputOptions = [
    // Warnings and errors only, so the lines kept for a failure report are the ones that explain it.
    '-loglevel', 'level+warning',
    '-f', 'flv',
    // Our FLV starts at a keyframe with its codec headers, so a short probe is enough; a long one
    // only delays the lesson's first segment. (No -fflags nobuffer: with a B-frame source it holds
    // back the first segment until the source's next keyframe, up to 10 s with some encoders.)
    '-probesize', '1000000',
    '-analyzeduration', '1000000',
  ];

  const outputOptions = ['-filter_complex', [split, ...scales].join(';')];
  job.ladder.forEach((_, index) => outputOptions.push('-map', `[v${index}]`));
  if (job.hasAudio) job.ladder.forEach(() => outputOptions.push('-map', '0:a:0'));

  outputOptions.push(
    '-c:v', 'libx264',
    '-preset', job.preset,
    '-tune', 'zerolatency',
    '-profile:v', 'high',
    '-pix_fmt', 'yuv420p',
    '-g', String(keyframeInterval),
    '-keyint_min', String(keyframeInterval),
    '-sc_threshold', '0',
    '-force_key_frames', `expr:gte(t,n_forced*${job.segmentSeconds})`,
  );
  job.ladder.forEach((rendition, index) => {
    outputOptions.push(
      `-b:v:${index}`, `${rendition.videoKbps}k`,
      `-maxrate:v:${index}`, `${rendition.maxKbps}k`,
      `-bufsize:v:${index}`, `${rendition.bufferKbps}k`,
      `-r:v:${index}`, String(rendition.fps),
    );
  });
  if (job.hasAudio) outputOptions.push('-c:a', 'aac', '-b:a', `${job.audioKbps}k`, '-ar', '48000', '-ac', '2');

  const streamMap = job.ladder.map((_, index) => (job.hasAudio ? `v:${index},a:${index}` : `v:${index}`)).join(' ');
  const dir = segmenterDir(job.lessonDir, job.run);
  outputOptions.push(
    '-f', 'hls',
    '-hls_time', String(job.segmentSeconds),
    '-hls_list_size', '10',
    '-hls_segment_type', 'fmp4',
    '-hls_flags', 'independent_segments',
    // ffmpeg 5 wants %v in the init segment's own name when there are several variants.
    '-hls_fmp4_init_filename', 'init_%v.mp4',
    '-hls_segment_filename', `${dir}/%v/%d.m4s`,
    '-var_stream_map', streamMap,
  );
  return { inputOptions, outputOptions, output: `${dir}/%v/${segmenterPlaylistName}` };
}

/**
 * Global options that make ffmpeg write its progress (speed, frames dropped and duplicated) as
 * `key=value` lines to its stdout every `periodSeconds` (ffmpeg-progress.ts reads them), instead of
 * its stats line on stderr. `periodSeconds` null: ffmpeg's own period (0.5 s), for an ffmpeg older
 * than 4.4 that has no -stats_period (the npm fallback binary is 4.1).
 */
export function progressOptions(periodSeconds: number | null): string[] {
  return ['-nostats', '-progress', 'pipe:1', ...(periodSeconds === null ? [] : ['-stats_period', String(periodSeconds)])];
}
