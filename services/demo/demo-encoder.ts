// A stand-in for a classroom encoder: ffmpeg's test picture and a beeping tone, pushed over RTMP in
// real time, with the encoder's wall-clock time burned into the picture (burned-in-clock.ts).
import { existsSync } from 'node:fs';
import { clockFilters } from './burned-in-clock.ts';
import { startFfmpeg, type FfmpegChild } from '../core/ffmpeg-child.ts';

export type DemoEncoderOptions = {
  ffmpegPath: string;
  rtmpUrl: string;
  width: number;
  height: number;
  fps: number;
  audio: boolean;
  /** Stop after this many seconds (default: run until stopped). */
  durationSeconds?: number;
  videoKbps?: number;
  /** A title drawn on the picture when a font is available. */
  title?: string;
};

export type DemoEncoder = FfmpegChild;

const fontFile = '/usr/share/fonts/truetype/dejavu/DejaVuSans-Bold.ttf';

export function demoEncoderArgs(options: DemoEncoderOptions): string[] {
  // Frame timestamps become wall-clock seconds (RTCTIME, read as each frame enters the graph, which
  // -re paces in real time) while the clock is drawn, then are renumbered for a normal stream.
  const video = [
    'settb=AVTB',
    "setpts='RTCTIME/(TB*1000000)'",
    ...clockFilters(),
    `setpts=N/(${options.fps}*TB)`,
  ];
  if (options.title && existsSync(fontFile)) {
    const text = options.title.replace(/[^A-Za-z0-9 ._-]/g, '');
    video.push(`drawtext=fontfile=${fontFile}:text='${text}':x=20:y=h/12+20:fontsize=h/18:fontcolor=white:box=1:boxcolor=black@0.5`);
    video.push(`drawtext=fontfile=${fontFile}:text='%{localtime}':x=20:y=h/12+40+h/18:fontsize=h/18:fontcolor=white:box=1:boxcolor=black@0.5`);
  }
  const gop = options.fps * 2;
  const args = ['-hide_banner', '-loglevel', 'error', '-re', '-f', 'lavfi', '-i', `testsrc2=size=${options.width}x${options.height}:rate=${options.fps}`];
  if (options.audio) args.push('-re', '-f', 'lavfi', '-i', 'sine=frequency=1000:beep_factor=4:sample_rate=48000');
  if (options.durationSeconds) args.push('-t', String(options.durationSeconds));
  args.push('-vf', video.join(','), '-c:v', 'libx264', '-preset', 'veryfast', '-tune', 'zerolatency', '-pix_fmt', 'yuv420p');
  args.push('-g', String(gop), '-keyint_min', String(gop), '-b:v', `${options.videoKbps ?? 3000}k`, '-maxrate', `${options.videoKbps ?? 3000}k`, '-bufsize', `${(options.videoKbps ?? 3000) * 2}k`);
  if (options.audio) args.push('-c:a', 'aac', '-b:a', '128k', '-ar', '48000', '-ac', '2');
  args.push('-f', 'flv', options.rtmpUrl);
  return args;
}

export function startDemoEncoder(options: DemoEncoderOptions): DemoEncoder {
  return startFfmpeg(options.ffmpegPath, demoEncoderArgs(options));
}
