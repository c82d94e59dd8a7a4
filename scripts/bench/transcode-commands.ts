// The ffmpeg commands of the transcode benchmark: the test lesson (the demo encoder's picture, into
// a file), the pusher that plays a classroom encoder, and the bare peer: the whole ladder
// re-encoded by one ffmpeg (decode once, split, scale, encode every rendition), which is what the
// ingest ran before it copied the source as its top rendition.
import { mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import { demoEncoderArgs } from '../../services/demo/demo-encoder.ts';
import type { Rendition } from '../../services/transcode/ladder.ts';

/** The whole ladder's re-encode, for the bare peer. */
export type TranscodeJob = { ladder: readonly Rendition[]; hasAudio: boolean; segmentSeconds: number; preset: string; audioKbps: number; lessonDir: string; run: number };

export const testLesson = { width: 1280, height: 720, fps: 30, seconds: 60 } as const;

/** The demo encoder's arguments, into `file` and as fast as the machine goes (no -re); `seconds` long (default the test lesson's 60). */
export function testLessonArgs(file: string, seconds: number = testLesson.seconds): string[] {
  const args = demoEncoderArgs({
    ffmpegPath: 'ffmpeg',
    rtmpUrl: file,
    width: testLesson.width,
    height: testLesson.height,
    fps: testLesson.fps,
    audio: true,
    durationSeconds: seconds,
  }).filter((arg) => arg !== '-re');
  return ['-y', ...args];
}

/** A classroom encoder for the ingest: the file in real time, copied, over RTMP. */
export function pusherArgs(file: string, rtmpUrl: string): string[] {
  return ['-hide_banner', '-loglevel', 'error', '-re', '-i', file, '-c', 'copy', '-f', 'flv', rtmpUrl];
}

/** The bare peer: the whole ladder re-encoded by one ffmpeg from `file`, `-re` when it should run in real time like a live lesson. */
export async function bareTranscodeArgs(file: string, job: TranscodeJob, realtime: boolean): Promise<string[]> {
  await Promise.all(job.ladder.map((_, index) => mkdir(join(job.lessonDir, String(index)), { recursive: true })));
  const count = job.ladder.length;
  const split = `[0:v]split=${count}${job.ladder.map((_, index) => `[s${index}]`).join('')}`;
  const scales = job.ladder.map((rendition, index) => `[s${index}]scale=${rendition.width}:${rendition.height}:flags=bicubic,format=yuv420p[v${index}]`);
  const keyframeInterval = Math.max(1, Math.round(job.ladder[0]!.fps * job.segmentSeconds));
  const args = ['-hide_banner', '-loglevel', 'error', ...(realtime ? ['-re'] : []), '-i', file, '-y', '-filter_complex', [split, ...scales].join(';')];
  job.ladder.forEach((_, index) => args.push('-map', `[v${index}]`));
  if (job.hasAudio) job.ladder.forEach(() => args.push('-map', '0:a:0'));
  args.push('-c:v', 'libx264', '-preset', job.preset, '-tune', 'zerolatency', '-profile:v', 'high', '-pix_fmt', 'yuv420p', '-g', String(keyframeInterval), '-keyint_min', String(keyframeInterval), '-sc_threshold', '0');
  job.ladder.forEach((rendition, index) => {
    args.push(`-b:v:${index}`, `${rendition.videoKbps}k`, `-maxrate:v:${index}`, `${rendition.maxKbps}k`, `-bufsize:v:${index}`, `${rendition.bufferKbps}k`);
  });
  if (job.hasAudio) args.push('-c:a', 'aac', '-b:a', `${job.audioKbps}k`, '-ar', '48000', '-ac', '2');
  const streamMap = job.ladder.map((_, index) => (job.hasAudio ? `v:${index},a:${index}` : `v:${index}`)).join(' ');
  args.push('-f', 'hls', '-hls_time', String(job.segmentSeconds), '-hls_segment_type', 'fmp4', '-hls_fmp4_init_filename', 'init_%v.mp4', '-hls_segment_filename', `${job.lessonDir}/%v/%d.m4s`, '-var_stream_map', streamMap, `${job.lessonDir}/%v/index.m3u8`);
  return args;
}
