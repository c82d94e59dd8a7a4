// The transcoder announces what happens to it (services/transcode/ffmpeg-process.ts `events`): a real
// ffmpeg encoding a real FLV feed emits 'progress' reports whose media time grows, and 'exit' once,
// before `exited` settles, so whoever keeps figures of it (the ingest's lesson-renditions.ts) has
// counted the whole run by the time the run is over. Real ffmpeg on both sides of the pipe.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { mkdir, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { findMediaTool } from '../../services/core/ffmpeg-binary.ts';
import { createLogger } from '../../services/core/log.ts';
import { buildLadderArgs, segmenterDir } from '../../services/transcode/ffmpeg-args.ts';
import type { TranscoderProgress } from '../../services/transcode/ffmpeg-progress.ts';
import { startFfmpeg, type FfmpegExit } from '../../services/transcode/ffmpeg-process.ts';
import { chooseLadder } from '../../services/transcode/ladder.ts';

test('a rung process emits growing progress, then its exit once, before `exited` settles', async () => {
  const lessonDir = await mkdtemp(join(tmpdir(), 'classcast-events-'));
  const ffmpegPath = findMediaTool('ffmpeg');
  // Where the run writes (the packager's startRun makes it in a lesson).
  await mkdir(segmenterDir(lessonDir, 1), { recursive: true });
  // Six seconds of a 640x360 test lesson as an encoder would send it: H.264 with a keyframe every 2 s, AAC.
  const encoder = spawn(ffmpegPath, [
    '-hide_banner', '-loglevel', 'error',
    '-f', 'lavfi', '-i', 'testsrc2=size=640x360:rate=30', '-f', 'lavfi', '-i', 'sine=frequency=440',
    '-t', '6', '-c:v', 'libx264', '-preset', 'ultrafast', '-g', '60', '-c:a', 'aac', '-f', 'flv', 'pipe:1',
  ], { stdio: ['ignore', 'pipe', 'inherit'] });
  try {
    const ladder = chooseLadder({ width: 640, height: 360, fps: 30 }, 2);
    const rung = ladder.at(-1)!;
    const invocation = buildLadderArgs({ rungs: [{ rendition: rung, run: 1 }], hasAudio: true, segmentSeconds: 2, preset: 'ultrafast', audioKbps: 64, lessonDir, keyframes: 'source' });
    const ffmpeg = startFfmpeg(invocation, ffmpegPath, createLogger({ test: 'transcoder-events' }));
    const progress: TranscoderProgress[] = [];
    const exits: FfmpegExit[] = [];
    ffmpeg.events.on('progress', (report) => void progress.push({ ...report }));
    ffmpeg.events.on('exit', (exit) => void exits.push(exit));
    encoder.stdout.pipe(ffmpeg.input);
    // The feed ends with the encoder: the rung writes what it holds and exits on its own.
    const exit = await ffmpeg.exited;
    assert.equal(exits.length, 1, "'exit' is emitted once, before exited settles");
    assert.deepEqual(exits[0], exit);
    assert.equal(exit.error, undefined, exit.stderrTail.join('\n'));
    assert.ok(progress.length > 0, 'progress was reported');
    const media = progress.flatMap((report) => (report.mediaSeconds === null ? [] : [report.mediaSeconds]));
    assert.ok(media.length > 0, 'the reports carry the media time written');
    for (let index = 1; index < media.length; index++) assert.ok(media[index]! >= media[index - 1]!, `media time never goes back: ${media.join(', ')}`);
    assert.ok(media.at(-1)! > 4, `the last report covers most of the 6 s pushed: ${media.at(-1)} s`);
    assert.ok(progress.some((report) => report.speed !== null && report.speed > 0), 'a speed was reported');
  } finally {
    encoder.kill('SIGKILL');
    await rm(lessonDir, { recursive: true, force: true });
  }
});
