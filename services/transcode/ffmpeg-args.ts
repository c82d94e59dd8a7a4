// Builds the one ffmpeg command a live lesson run needs: FLV from our RTMP tap on stdin, decoded
// once, split and scaled into the ladder, every rendition encoded with keyframes forced at the same
// instants (so segments line up across renditions), cut into CMAF/fMP4 segments. ffmpeg is only
// the segmenter: the playlist it writes (a dot-file beside the segments) is read by our packager
// and never served.
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

/** The private playlist ffmpeg writes for a run, relative to a rendition directory. */
export const segmenterPlaylistName = (run: number) => `.ffmpeg-r${run}.m3u8`;
export const initSegmentName = (run: number, rendition: string) => `init-r${run}-${rendition}.mp4`;
export const segmentNamePattern = /^r(\d+)-(\d+)\.m4s$/;

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

  const streamMap = job.ladder
    .map((rendition, index) => (job.hasAudio ? `v:${index},a:${index},name:${rendition.name}` : `v:${index},name:${rendition.name}`))
    .join(' ');
  outputOptions.push(
    '-f', 'hls',
    '-hls_time', String(job.segmentSeconds),
    '-hls_list_size', '10',
    '-hls_segment_type', 'fmp4',
    // temp_file: a segment appears under its name only once complete, so nothing half-written is served.
    '-hls_flags', 'independent_segments+temp_file',
    // ffmpeg expands %v in the init segment's name only when there are several variants.
    '-hls_fmp4_init_filename', initSegmentName(job.run, count > 1 ? '%v' : job.ladder[0]!.name),
    '-hls_segment_filename', `${job.lessonDir}/%v/r${job.run}-%d.m4s`,
    '-var_stream_map', streamMap,
  );
  return { inputOptions, outputOptions, output: `${job.lessonDir}/%v/${segmenterPlaylistName(job.run)}` };
}
