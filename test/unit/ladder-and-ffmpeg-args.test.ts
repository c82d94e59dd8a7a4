import { test } from 'node:test';
import assert from 'node:assert/strict';
import { chooseLadder, sourceRendition, type Rendition } from '../../services/transcode/ladder.ts';
import { buildCopyArgs, buildLadderArgs, progressOptions, type LadderJob } from '../../services/transcode/ffmpeg-args.ts';
import { versionAtLeast } from '../../services/transcode/ffmpeg-features.ts';
import { progressReader } from '../../services/transcode/ffmpeg-progress.ts';
import type { TranscoderProgress } from '../../services/transcode/ffmpeg-progress.ts';

const heights = (width: number, height: number, max = 3) => chooseLadder({ width, height, fps: 30 }, max).map((r) => `${r.width}x${r.height}`);

test('ladders never upscale and keep the lowest rung', () => {
  assert.deepEqual(heights(1920, 1080), ['1920x1080', '1280x720', '640x360']);
  assert.deepEqual(heights(1920, 1080, 4), ['1920x1080', '1280x720', '854x480', '640x360']);
  assert.deepEqual(heights(1280, 720), ['1280x720', '854x480', '640x360']);
  assert.deepEqual(heights(640, 480), ['640x480', '480x360']);
  assert.deepEqual(heights(640, 360), ['640x360']);
  assert.deepEqual(heights(320, 240), ['320x240']);
  assert.deepEqual(heights(1024, 576), ['1024x576', '854x480', '640x360']);
  assert.deepEqual(heights(1280, 720, 1), ['1280x720']);
});

test('bitrates fall with picture size and rise with frame rate', () => {
  const [top, middle, bottom] = chooseLadder({ width: 1280, height: 720, fps: 30 }, 3);
  assert.ok(top!.videoKbps > middle!.videoKbps && middle!.videoKbps > bottom!.videoKbps);
  assert.ok(top!.videoKbps >= 2000 && top!.videoKbps <= 3200, `720p30 at ${top!.videoKbps} kb/s`);
  assert.ok(top!.maxKbps > top!.videoKbps);
  const sixty = chooseLadder({ width: 1280, height: 720, fps: 60 }, 3)[0]!;
  assert.ok(sixty.videoKbps > top!.videoKbps);
  assert.throws(() => chooseLadder({ width: 0, height: 0, fps: 30 }, 3), /too small/);
});

const [top, rendition, lowest] = chooseLadder({ width: 1280, height: 720, fps: 30 }, 3) as [Rendition, Rendition, Rendition];
const renditionJob: LadderJob = { rungs: [{ rendition, run: 3 }], hasAudio: true, segmentSeconds: 2, preset: 'veryfast', audioKbps: 96, lessonDir: '/data/live/room-1-x', keyframes: 'source' };
/** The only output of a one-output invocation. */
const only = (invocation: { outputs: Array<{ options: string[]; path: string }> }) => {
  assert.equal(invocation.outputs.length, 1);
  return { outputOptions: invocation.outputs[0]!.options, output: invocation.outputs[0]!.path };
};

function valuesOf(args: string[], flag: string): string[] {
  return args.flatMap((arg, index) => (arg === flag ? [args[index + 1]!] : []));
}

test('the source copy remuxes without re-encoding video, keeps AAC as sent, and cuts CMAF segments into its run folder', () => {
  const copy = buildCopyArgs({ segmentSeconds: 2, lessonDir: '/data/live/room-1-x', run: 4, audio: 'copy', audioKbps: 96 });
  const { inputOptions } = copy;
  const { outputOptions, output } = only(copy);
  assert.deepEqual(valuesOf(inputOptions, '-filter_complex'), [], 'no filter: nothing is decoded');
  assert.deepEqual(valuesOf(inputOptions, '-f'), ['flv']);
  // The source's timestamps kept, so the copy and the renditions of a run line up frame for frame.
  assert.ok(inputOptions.includes('-copyts'));
  assert.deepEqual(valuesOf(outputOptions, '-map'), ['0:v:0', '0:a:0']);
  assert.deepEqual(valuesOf(outputOptions, '-c:v'), ['copy']);
  assert.deepEqual(valuesOf(outputOptions, '-c:a'), ['copy']);
  assert.deepEqual(valuesOf(outputOptions, '-vf'), [], 'no filter: nothing is decoded');
  assert.deepEqual(valuesOf(outputOptions, '-hls_segment_type'), ['fmp4']);
  assert.deepEqual(valuesOf(outputOptions, '-hls_time'), ['2']);
  assert.deepEqual(valuesOf(outputOptions, '-hls_segment_filename'), ['/data/live/room-1-x/.segmenter/r4/%d.m4s']);
  assert.equal(output, '/data/live/room-1-x/.segmenter/r4/ffmpeg.m3u8');
  const otherAudio = only(buildCopyArgs({ segmentSeconds: 2, lessonDir: '/l', run: 1, audio: 'aac', audioKbps: 96 }));
  assert.deepEqual(valuesOf(otherAudio.outputOptions, '-c:a'), ['aac']);
  assert.deepEqual(valuesOf(otherAudio.outputOptions, '-c:v'), ['copy']);
  const silent = only(buildCopyArgs({ segmentSeconds: 1, lessonDir: '/l', run: 1, audio: 'none', audioKbps: 96 }));
  assert.deepEqual(valuesOf(silent.outputOptions, '-map'), ['0:v:0']);
  assert.deepEqual(valuesOf(silent.outputOptions, '-c:a'), []);
});

test("a rung is one scaled encode with its own audio, keyframes on the source's", () => {
  const invocation = buildLadderArgs(renditionJob);
  const { outputOptions, output } = only(invocation);
  assert.deepEqual(valuesOf(invocation.inputOptions, '-filter_complex'), ['[0:v:0]scale=854:480:flags=bicubic,format=yuv420p[v0]']);
  assert.deepEqual(valuesOf(outputOptions, '-map'), ['[v0]', '0:a:0']);
  assert.deepEqual(valuesOf(outputOptions, '-c:v'), ['libx264']);
  assert.deepEqual(valuesOf(outputOptions, '-c:a'), ['aac']);
  // Holes and jumps in the source's audio are filled with silence, as video is with repeated frames.
  assert.deepEqual(valuesOf(outputOptions, '-af'), ['aresample=async=1']);
  assert.deepEqual(valuesOf(outputOptions, '-pix_fmt'), ['yuv420p']);
  assert.deepEqual(valuesOf(outputOptions, '-b:v'), [`${rendition.videoKbps}k`]);
  assert.deepEqual(valuesOf(outputOptions, '-maxrate'), [`${rendition.maxKbps}k`]);
  assert.deepEqual(valuesOf(outputOptions, '-force_key_frames'), ['source']);
  assert.deepEqual(valuesOf(outputOptions, '-sc_threshold'), ['0']);
  assert.equal(output, '/data/live/room-1-x/.segmenter/r3/ffmpeg.m3u8');
});

test('a source whose keyframes are too far apart gets one keyframe per segment, and no audio maps none', () => {
  const forced = only(buildLadderArgs({ ...renditionJob, keyframes: 'every-segment', segmentSeconds: 1 }));
  assert.deepEqual(valuesOf(forced.outputOptions, '-force_key_frames'), ['expr:gte(t,n_forced*1)']);
  assert.deepEqual(valuesOf(forced.outputOptions, '-g'), ['30']);
  assert.deepEqual(valuesOf(forced.outputOptions, '-keyint_min'), ['30']);
  const silent = only(buildLadderArgs({ ...renditionJob, hasAudio: false }));
  assert.deepEqual(valuesOf(silent.outputOptions, '-map'), ['[v0]']);
  assert.deepEqual(valuesOf(silent.outputOptions, '-c:a'), []);
});

test('several rungs share one decode: the picture is split, and each rung is scaled, encoded and segmented into its own run', () => {
  const invocation = buildLadderArgs({ ...renditionJob, rungs: [{ rendition: top, run: 7 }, { rendition, run: 8 }, { rendition: lowest, run: 9 }] });
  // One input, decoded once: the graph splits it three ways, in the order the rungs were given.
  assert.deepEqual(valuesOf(invocation.inputOptions, '-f'), ['flv']);
  assert.deepEqual(valuesOf(invocation.inputOptions, '-filter_complex'), [
    '[0:v:0]split=3[s0][s1][s2];[s0]scale=1280:720:flags=bicubic,format=yuv420p[v0];[s1]scale=854:480:flags=bicubic,format=yuv420p[v1];[s2]scale=640:360:flags=bicubic,format=yuv420p[v2]',
  ]);
  assert.deepEqual(invocation.outputs.map((output) => output.path), [7, 8, 9].map((run) => `/data/live/room-1-x/.segmenter/r${run}/ffmpeg.m3u8`));
  invocation.outputs.forEach((output, index) => {
    const rung = [top, rendition, lowest][index]!;
    assert.deepEqual(valuesOf(output.options, '-map'), [`[v${index}]`, '0:a:0'], 'its own picture, and the audio');
    assert.deepEqual(valuesOf(output.options, '-b:v'), [`${rung.videoKbps}k`]);
    assert.deepEqual(valuesOf(output.options, '-c:a'), ['aac']);
    assert.deepEqual(valuesOf(output.options, '-force_key_frames'), ['source']);
    assert.deepEqual(valuesOf(output.options, '-hls_segment_filename'), [`/data/live/room-1-x/.segmenter/r${7 + index}/%d.m4s`]);
    assert.deepEqual(valuesOf(output.options, '-vf'), [], 'scaled in the shared graph');
  });
  assert.throws(() => buildLadderArgs({ ...renditionJob, rungs: [] }), /at least one rung/);
});

test('the source copy is a rendition of its own, at the source picture size', () => {
  const ladder = chooseLadder({ width: 1280, height: 720, fps: 30 }, 3);
  const source = sourceRendition({ width: 1281, height: 720, fps: 0 }, ladder[0]!);
  assert.equal(source.name, 'source');
  assert.equal(source.width, 1282);
  assert.equal(source.fps, 30);
  assert.equal(source.maxKbps, ladder[0]!.maxKbps);
});

test("ffmpeg's progress goes to stdout, every few seconds where the binary knows -stats_period", () => {
  assert.deepEqual(progressOptions(5), ['-nostats', '-progress', 'pipe:1', '-stats_period', '5']);
  assert.deepEqual(progressOptions(null), ['-nostats', '-progress', 'pipe:1']);
  assert.equal(versionAtLeast('ffmpeg version 5.1.9-0+deb12u1 Copyright (c) 2000-2026', 4, 4), true);
  assert.equal(versionAtLeast('ffmpeg version n6.0 Copyright', 4, 4), true);
  assert.equal(versionAtLeast('ffmpeg version 4.4.2-0ubuntu0.22.04.1', 4, 4), true);
  assert.equal(versionAtLeast('ffmpeg version 4.3.1', 4, 4), false);
  assert.equal(versionAtLeast('ffmpeg version N-47683-g0e8eb07980-static https://johnvansickle.com/ffmpeg/', 4, 4), false, 'the npm 4.1 snapshot');
});

test('progress blocks are read however the chunks split them; speed N/A is unknown', () => {
  const blocks: TranscoderProgress[] = [];
  const read = progressReader((progress) => blocks.push(progress));
  const text = [
    'frame=1', 'fps=0.00', 'stream_0_0_q=-0.0', 'bitrate=N/A', 'out_time_us=40000', 'dup_frames=0', 'drop_frames=0', 'speed=N/A', 'progress=continue',
    'frame=150', 'fps=25.0', 'stream_0_0_q=23.0', 'stream_0_1_q=24.0', 'out_time_us=6000000', 'dup_frames=2', 'drop_frames=7', 'speed=1.01x', 'progress=continue',
    'frame=300', 'dup_frames=3', 'drop_frames=9', 'speed= 0.98x', 'progress=end', '',
  ].join('\n');
  // Cut at awkward places: inside a key, inside a value, at a newline.
  for (const piece of [text.slice(0, 37), text.slice(37, 150), text.slice(150, 151), text.slice(151)]) read(piece);
  assert.deepEqual(blocks, [
    { speed: null, mediaSeconds: 0.04, droppedFrames: 0, duplicatedFrames: 0 },
    { speed: 1.01, mediaSeconds: 6, droppedFrames: 7, duplicatedFrames: 2 },
    { speed: 0.98, mediaSeconds: 6, droppedFrames: 9, duplicatedFrames: 3 },
  ]);
});
