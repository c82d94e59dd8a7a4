// Fetching and checking what an origin serves: playlists parsed with m3u8-parser, segments decoded by ffprobe.
import { execFile } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { findMediaTool } from '../../services/core/ffmpeg-binary.ts';
import { parsePlaylist, type ParsedPlaylist } from '../../services/core/parse-playlist.ts';
import { startDemoEncoder, type DemoEncoder } from '../../scripts/demo/demo-encoder.ts';
import { startFfmpeg, type FfmpegChild } from '../../scripts/ffmpeg-child.ts';
import { waitFor } from './wait-for.ts';

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
    await rm(dir, { recursive: true, force: true, maxRetries: 5 });
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

/** One track's media in a segment, in seconds of its own timestamps. */
export type TrackTimes = {
  start: number;
  end: number;
  packets: number;
  /** The longest time from one packet to the next (a frame held over a hole shows here). */
  longestStep: number;
  /** The longest stretch between one packet's end and the next one's start. */
  longestHole: number;
};

/** Where a segment's video and audio lie in time, packet by packet (ffprobe on init + segment). */
export async function probeTrackTimes(init: Buffer, segment: Buffer): Promise<{ video?: TrackTimes; audio?: TrackTimes }> {
  const dir = await mkdtemp(join(tmpdir(), 'classcast-probe-'));
  const file = join(dir, 'segment.mp4');
  try {
    await writeFile(file, Buffer.concat([init, segment]));
    const { stdout } = await run(findMediaTool('ffprobe', process.env.FFMPEG_PATH), [
      '-v', 'error', '-show_entries', 'packet=codec_type,pts_time,duration_time', '-of', 'json', file,
    ]);
    const packets = (JSON.parse(stdout) as { packets: Array<{ codec_type: string; pts_time?: string; duration_time?: string }> }).packets;
    const times = (kind: string): TrackTimes | undefined => {
      const track = packets
        .filter((packet) => packet.codec_type === kind && packet.pts_time !== undefined)
        .map((packet) => ({ pts: Number(packet.pts_time), duration: Number(packet.duration_time ?? NaN) }))
        .sort((a, b) => a.pts - b.pts);
      if (track.length === 0) return undefined;
      // A packet without a duration (ffprobe says N/A for some first AAC frames) lasts as long as
      // the track's others do: not until the next packet, which would hide a hole after it.
      const known = track.map((packet) => packet.duration).filter(Number.isFinite).sort((a, b) => a - b);
      const typical = known[Math.floor(known.length / 2)] ?? 0;
      const ends = track.map((packet) => packet.pts + (Number.isFinite(packet.duration) ? packet.duration : typical));
      const steps = track.slice(1).map((packet, index) => packet.pts - track[index]!.pts);
      const holes = track.slice(1).map((packet, index) => packet.pts - ends[index]!);
      return { start: track[0]!.pts, end: Math.max(...ends), packets: track.length, longestStep: Math.max(0, ...steps), longestHole: Math.max(0, ...holes) };
    };
    return { video: times('video'), audio: times('audio') };
  } finally {
    await rm(dir, { recursive: true, force: true, maxRetries: 5 });
  }
}

/**
 * An encoder whose clock jumps forward mid-stream, as some do after a network hiccup: a test
 * picture (H.264, 2 s GOP) and a tone (44.1 kHz mono AAC) pushed in real time, every timestamp
 * from `jumpAtSeconds` on `jumpSeconds` later than it should be, while the media goes on.
 */
export function pushWithTimestampJump(rtmpUrl: string, options: { durationSeconds: number; jumpAtSeconds: number; jumpSeconds: number }): FfmpegChild {
  const jump = `if(gte(T,${options.jumpAtSeconds}),PTS+${options.jumpSeconds}/TB,PTS)`;
  return startFfmpeg(findMediaTool('ffmpeg', process.env.FFMPEG_PATH), [
    '-hide_banner', '-loglevel', 'error',
    // Input options: `durationSeconds` of media, whatever the timestamps say.
    '-t', String(options.durationSeconds), '-re', '-f', 'lavfi', '-i', 'testsrc2=size=1280x720:rate=30',
    '-t', String(options.durationSeconds), '-re', '-f', 'lavfi', '-i', 'sine=frequency=1000:beep_factor=4:sample_rate=44100',
    '-vf', `setpts='${jump}'`, '-af', `asetpts='${jump}'`,
    '-c:v', 'libx264', '-preset', 'veryfast', '-tune', 'zerolatency', '-pix_fmt', 'yuv420p',
    '-g', '60', '-keyint_min', '60', '-sc_threshold', '0', '-b:v', '2000k', '-maxrate', '2000k', '-bufsize', '4000k',
    '-c:a', 'aac', '-b:a', '96k', '-ar', '44100', '-ac', '1',
    '-f', 'flv', rtmpUrl,
  ]);
}

/** Waits until a live lesson's first rendition lists `count` segments (at `base`, with `query` such as a token on both playlists). */
export async function waitForLiveSegments(base: string, lessonId: string, count: number, query = '', timeoutMs = 90_000): Promise<ParsedPlaylist & { text: string }> {
  return waitFor(`${count} segments of ${lessonId}`, async () => {
    const master = await fetchPlaylist(`${base}/live/${lessonId}/master.m3u8${query}`).catch(() => undefined);
    const media = master && (await fetchPlaylist(`${base}/live/${lessonId}/${master.playlists![0]!.uri}${query}`).catch(() => undefined));
    return media && media.segments.length >= count ? media : undefined;
  }, timeoutMs);
}
