// Fetching and checking what an origin serves: playlists parsed with m3u8-parser, segments decoded by ffprobe.
import { execFile } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { findMediaTool } from '../../services/core/ffmpeg-binary.ts';
import { parsePlaylist, type ParsedPlaylist } from '../../services/core/parse-playlist.ts';
import { startDemoEncoder, type DemoEncoder } from '../../scripts/demo/demo-encoder.ts';

const run = promisify(execFile);

export async function fetchText(url: string): Promise<{ status: number; text: string; headers: Headers }> {
  const response = await fetch(url);
  return { status: response.status, text: await response.text(), headers: response.headers };
}

export async function fetchPlaylist(url: string): Promise<ParsedPlaylist & { text: string }> {
  const { status, text } = await fetchText(url);
  if (status !== 200) throw new Error(`${url}: HTTP ${status}`);
  return { ...parsePlaylist(text), text };
}

export async function fetchBytes(url: string): Promise<Buffer> {
  const response = await fetch(url);
  if (!response.ok) throw new Error(`${url}: HTTP ${response.status}`);
  return Buffer.from(await response.arrayBuffer());
}

export type SegmentProbe = { firstVideoFrameIsKey: boolean; firstPictureType: string; videoFrames: number; hasAudio: boolean; width: number; height: number };

/** Decodes init + segment with ffprobe; throws with ffprobe's message when it cannot. */
export async function probeSegment(init: Buffer, segment: Buffer): Promise<SegmentProbe> {
  const dir = await mkdtemp(join(tmpdir(), 'classcast-probe-'));
  const file = join(dir, 'segment.mp4');
  try {
    await writeFile(file, Buffer.concat([init, segment]));
    const { stdout } = await run(findMediaTool('ffprobe', process.env.FFMPEG_PATH), [
      '-v', 'error', '-show_streams', '-show_frames', '-select_streams', 'v:0',
      '-show_entries', 'frame=key_frame,pict_type:stream=codec_type,width,height', '-of', 'json', file,
    ]);
    const { stdout: streams } = await run(findMediaTool('ffprobe', process.env.FFMPEG_PATH), ['-v', 'error', '-show_entries', 'stream=codec_type', '-of', 'json', file]);
    const parsed = JSON.parse(stdout) as { frames: Array<{ key_frame: number; pict_type: string }>; streams: Array<{ width: number; height: number }> };
    const types = (JSON.parse(streams) as { streams: Array<{ codec_type: string }> }).streams.map((stream) => stream.codec_type);
    const first = parsed.frames[0];
    return {
      firstVideoFrameIsKey: first?.key_frame === 1,
      firstPictureType: first?.pict_type ?? '',
      videoFrames: parsed.frames.length,
      hasAudio: types.includes('audio'),
      width: parsed.streams[0]?.width ?? 0,
      height: parsed.streams[0]?.height ?? 0,
    };
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

export function pushTestPattern(rtmpUrl: string, options: { width?: number; height?: number; fps?: number; audio?: boolean; durationSeconds?: number; videoKbps?: number } = {}): DemoEncoder {
  return startDemoEncoder({
    ffmpegPath: findMediaTool('ffmpeg', process.env.FFMPEG_PATH),
    rtmpUrl,
    width: options.width ?? 1280,
    height: options.height ?? 720,
    fps: options.fps ?? 30,
    audio: options.audio ?? true,
    videoKbps: options.videoKbps ?? 2000,
    ...(options.durationSeconds ? { durationSeconds: options.durationSeconds } : {}),
  });
}
