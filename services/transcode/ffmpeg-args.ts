// Builds the ffmpeg commands a live lesson needs, each reading FLV from our RTMP tap on stdin and
// cutting CMAF/fMP4 segments into a private directory per run (a dot-directory, never served); the
// packager publishes each segment under the lesson's own names once ffmpeg lists it as done. Two kinds:
// - the source copy (buildCopyArgs): the school's stream remuxed, never re-encoded. It costs a few
//   percent of a core, so it keeps up at any load: it is the lesson's recording, and its top
//   rendition when the source is fit to serve (source-fitness.ts).
// - the encoded rungs (buildLadderArgs): one process decodes the source once and splits the
//   picture to every rung it encodes (`-filter_complex split`), each rung scaled, encoded and
//   segmented into its own run's directory. Decoding a 720p30 source costs about as much as
//   encoding a low rung, so one decode for all the rungs is what lets a node carry more lessons
//   (docs/benchmarks.md). Keyframes follow the source's own (`-force_key_frames source`), so every
//   rung's segments start where the copy's do; an ffmpeg older than 5.1 (the npm fallback binary is
//   4.1) forces them by time instead. Which rungs share a process is lesson-renditions.ts's choice.
// The init segment's name is read back from ffmpeg's playlist.
import type { Rendition } from './ladder.ts';

/** What every process of a run shares: where it writes, how long its segments are. */
export type SegmenterJob = {
  segmentSeconds: number;
  /** Directory of the lesson; the run's private files go under `.segmenter/r<run>/`. */
  lessonDir: string;
  /** The run within the lesson: every copy and rendition process takes its own number. */
  run: number;
};

/** `copy`: AAC as sent; `aac`: another codec, encoded (cheap); `none`: a source without audio. */
export type CopyJob = SegmenterJob & { audio: 'copy' | 'aac' | 'none'; audioKbps: number };

/** The encoded rungs one process carries: each is written into its own run's directory. */
export type LadderJob = Omit<SegmenterJob, 'run'> & {
  rungs: ReadonlyArray<{ rendition: Rendition; run: number }>;
  hasAudio: boolean;
  preset: string;
  audioKbps: number;
  /** `source`: a keyframe wherever the source has one; `every-segment`: one each segmentSeconds (a source whose own are too far apart). */
  keyframes: 'source' | 'every-segment';
};

/** One output file of a process and the options that apply to it. */
export type FfmpegOutput = { options: string[]; path: string };

/** `inputOptions` also carry the global ones (a -filter_complex). */
export type FfmpegInvocation = { inputOptions: string[]; outputs: FfmpegOutput[] };

/** Where ffmpeg writes a run's files: `<lessonDir>/.segmenter/r<run>/`. */
export const segmenterDir = (lessonDir: string, run: number) => `${lessonDir}/.segmenter/r${run}`;
export const segmenterPlaylistName = 'ffmpeg.m3u8';
/** ffmpeg's segment names within a run directory. */
export const segmenterSegmentPattern = /^(\d+)\.m4s$/;

const inputOptions = [
  // Warnings and errors only, so the lines kept for a failure report are the ones that explain it.
  '-loglevel', 'level+warning',
  // The source's own timestamps in every output: the copy and each rendition of a run then place
  // the same frame at the same instant, wherever each process started (without it each starts at
  // 0, and a B-frame source's copy sits two frames off its renditions: a gap at every switch).
  '-copyts',
  '-f', 'flv',
  // Our FLV starts at a keyframe with its codec headers, so a short probe is enough; a long one
  // only delays the lesson's first segment. (No -fflags nobuffer: with a B-frame source it holds
  // back the first segment until the source's next keyframe, up to 10 s with some encoders.)
  '-probesize', '1000000',
  '-analyzeduration', '1000000',
];

export function buildCopyArgs(job: CopyJob): FfmpegInvocation {
  const outputOptions = ['-map', '0:v:0', '-c:v', 'copy'];
  if (job.audio !== 'none') outputOptions.push('-map', '0:a:0');
  if (job.audio === 'copy') outputOptions.push('-c:a', 'copy');
  if (job.audio === 'aac') outputOptions.push(...audioEncode(job.audioKbps));
  return { inputOptions: [...inputOptions], outputs: [{ options: [...outputOptions, ...hlsOptions(job)], path: playlistOf(job) }] };
}

/**
 * One decode of the source, split to every rung of `job` (in the order given), each scaled and
 * encoded into its own output. Each output maps the picture its rung was given and the source's
 * audio, encoded for it (AAC is a few percent of a core; outputs cannot share an encoder).
 */
export function buildLadderArgs(job: LadderJob): FfmpegInvocation {
  if (job.rungs.length === 0) throw new Error('a ladder process needs at least one rung');
  const count = job.rungs.length;
  const scaled = job.rungs.map(({ rendition }, index) => `${count > 1 ? `[s${index}]` : '[0:v:0]'}${scaleFilter(rendition)}[v${index}]`);
  const graph = count > 1 ? [`[0:v:0]split=${count}${job.rungs.map((_, index) => `[s${index}]`).join('')}`, ...scaled] : scaled;
  const outputs = job.rungs.map(({ rendition, run }, index) => {
    const options = ['-map', `[v${index}]`, ...videoEncode(rendition, job)];
    if (job.hasAudio) options.push('-map', '0:a:0', ...audioEncode(job.audioKbps));
    const segmenter = { segmentSeconds: job.segmentSeconds, lessonDir: job.lessonDir, run };
    return { options: [...options, ...hlsOptions(segmenter)], path: playlistOf(segmenter) };
  });
  return { inputOptions: [...inputOptions, '-filter_complex', graph.join(';')], outputs };
}

function scaleFilter(rendition: Rendition): string {
  return `scale=${rendition.width}:${rendition.height}:flags=bicubic,format=yuv420p`;
}

function videoEncode(rendition: Rendition, job: LadderJob): string[] {
  const keyframeInterval = Math.max(1, Math.round(rendition.fps * job.segmentSeconds));
  const options = [
    '-c:v', 'libx264',
    '-preset', job.preset,
    '-tune', 'zerolatency',
    '-profile:v', 'high',
    '-pix_fmt', 'yuv420p',
    '-sc_threshold', '0',
    '-r', String(rendition.fps),
    '-b:v', `${rendition.videoKbps}k`,
    '-maxrate', `${rendition.maxKbps}k`,
    '-bufsize', `${rendition.bufferKbps}k`,
  ];
  if (job.keyframes === 'source') {
    // The source decides; the long GOP bound only stops x264 adding keyframes of its own.
    options.push('-force_key_frames', 'source', '-g', String(keyframeInterval * 8));
  } else {
    options.push('-g', String(keyframeInterval), '-keyint_min', String(keyframeInterval), '-force_key_frames', `expr:gte(t,n_forced*${job.segmentSeconds})`);
  }
  return options;
}

const playlistOf = (job: SegmenterJob) => `${segmenterDir(job.lessonDir, job.run)}/${segmenterPlaylistName}`;

/**
 * AAC kept continuous and in step with the video: where the source's audio has a hole or its
 * timestamps jump (an encoder's network hiccup), silence fills the gap (`aresample=async`), as
 * the video is filled with repeated frames, so no segment lacks audio for its video's time.
 */
function audioEncode(audioKbps: number): string[] {
  return ['-af', 'aresample=async=1', '-c:a', 'aac', '-b:a', `${audioKbps}k`, '-ar', '48000', '-ac', '2'];
}

function hlsOptions(job: SegmenterJob): string[] {
  const dir = segmenterDir(job.lessonDir, job.run);
  return [
    '-f', 'hls',
    '-hls_time', String(job.segmentSeconds),
    '-hls_list_size', '10',
    '-hls_segment_type', 'fmp4',
    '-hls_flags', 'independent_segments',
    '-hls_fmp4_init_filename', 'init.mp4',
    '-hls_segment_filename', `${dir}/%d.m4s`,
  ];
}

/**
 * Global options that make ffmpeg write its progress (speed, media time, frames dropped and
 * duplicated) as `key=value` lines to its stdout every `periodSeconds` (ffmpeg-progress.ts reads
 * them), instead of its stats line on stderr. `periodSeconds` null: ffmpeg's own period (0.5 s),
 * for an ffmpeg older than 4.4 that has no -stats_period (the npm fallback binary is 4.1).
 */
export function progressOptions(periodSeconds: number | null): string[] {
  return ['-nostats', '-progress', 'pipe:1', ...(periodSeconds === null ? [] : ['-stats_period', String(periodSeconds)])];
}
