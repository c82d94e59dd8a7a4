// The ffmpeg commands of the transcode benchmark: the test lesson (the demo encoder's picture, into
// a file), the pusher that plays a classroom encoder, and the bare peer of our transcoder.
import { mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import { demoEncoderArgs } from '../demo/demo-encoder.ts';
import { buildTranscodeArgs, type TranscodeJob } from '../../services/transcode/ffmpeg-args.ts';

export const testLesson = { width: 1280, height: 720, fps: 30, seconds: 60 } as const;

/** The demo encoder's arguments, into `file` and as fast as the machine goes (no -re). */
export function testLessonArgs(file: string): string[] {
  const args = demoEncoderArgs({
    ffmpegPath: 'ffmpeg',
    rtmpUrl: file,
    width: testLesson.width,
    height: testLesson.height,
    fps: testLesson.fps,
    audio: true,
    durationSeconds: testLesson.seconds,
  }).filter((arg) => arg !== '-re');
  return ['-y', ...args];
}

/** A classroom encoder for the ingest: the file in real time, copied, over RTMP. */
export function pusherArgs(file: string, rtmpUrl: string): string[] {
  return ['-hide_banner', '-loglevel', 'error', '-re', '-i', file, '-c', 'copy', '-f', 'flv', rtmpUrl];
}

/**
 * Our transcoder's command (buildTranscodeArgs) reading `file` instead of our FLV pipe: the same
 * input options except the forced format, `-re` when it should run in real time like a live lesson.
 */
export async function bareTranscodeArgs(file: string, job: TranscodeJob, realtime: boolean): Promise<string[]> {
  await Promise.all(job.ladder.map((rendition) => mkdir(join(job.lessonDir, rendition.name), { recursive: true })));
  const { inputOptions, outputOptions, output } = buildTranscodeArgs(job);
  const withoutFormat = inputOptions.filter((option, index) => option !== '-f' && inputOptions[index - 1] !== '-f');
  return [...withoutFormat, ...(realtime ? ['-re'] : []), '-i', file, '-y', ...outputOptions, output];
}
