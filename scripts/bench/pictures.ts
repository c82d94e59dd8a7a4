// The cost of a live lesson's pictures (services/pictures/), against the budget of 3 % of
// a core per lesson: a minute of 1080p30 source segments (2 s, as the source copy writes them in
// the normal latency mode) is turned into thumbnails (one every 5 s) and posters on the default
// schedule (a sprite every 30 s, a poster every 60 s), and the CPU ffmpeg reports for itself
// (-benchmark: user + system) is summed. Peers in the same run, on the same segments:
//  - one ffmpeg per thumbnail (the obvious way: a process per segment);
//  - one ffmpeg decoding every frame of the minute with fps=1/5 (the usual thumbnailer).
// Each is run `rounds` times; the median is reported with the load average beside it.
//   node --import tsx scripts/bench/pictures.ts   (npm run bench:pictures)
import { execFile, spawn } from 'node:child_process';
import { readdir } from 'node:fs/promises';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { loadavg } from 'node:os';
import { findMediaTool } from '../../services/core/ffmpeg-binary.ts';
import { cpuSecondsOf, pictureBatchArgs, type SegmentFiles } from '../../services/pictures/picture-args.ts';
import { runPictureFfmpeg } from '../../services/pictures/lesson-pictures.ts';
import { pickThumbnailSegments, thumbnailsOfSprite, type ThumbnailSource } from '../../services/pictures/thumbnail-plan.ts';
import { progress } from './bench-clock.ts';
import type { Cleanup } from './cleanup.ts';
import { figuresJson } from './figures-json.ts';
import { describeMachine, loadAverageAtEnd, machineAtStart } from './machine.ts';
import { runBench } from './run-bench.ts';
import { textTable } from './text-table.ts';
import { createWorkDir } from './work-dir.ts';

const run = promisify(execFile);
const lessonSeconds = 60;
const segmentSeconds = 2;
const schedule = { thumbnailSeconds: 5, batchSeconds: 30, posterSeconds: 60 };
const rounds = 3;

type Way = { name: string; cpuSeconds: number[]; processes: number; loads: number[] };

await runBench('pictures benchmark', ['ffmpeg'], main);

async function main(cleanup: Cleanup): Promise<void> {
  const ffmpegPath = findMediaTool('ffmpeg');
  const machine = describeMachine();
  process.stdout.write(`${machineAtStart('Pictures benchmark', machine)}\n`);
  const dir = await createWorkDir('pictures', cleanup);
  progress(`making ${lessonSeconds} s of 1080p30 source segments`);
  await run(ffmpegPath, [
    ...['-hide_banner', '-loglevel', 'error', '-f', 'lavfi', '-i', 'testsrc2=size=1920x1080:rate=30', '-t', String(lessonSeconds)],
    ...['-c:v', 'libx264', '-preset', 'ultrafast', '-g', String(30 * segmentSeconds), '-keyint_min', String(30 * segmentSeconds), '-sc_threshold', '0', '-pix_fmt', 'yuv420p'],
    ...['-f', 'hls', '-hls_segment_type', 'fmp4', '-hls_time', String(segmentSeconds), '-hls_playlist_type', 'vod', '-hls_fmp4_init_filename', 'init.mp4'],
    ...['-hls_segment_filename', join(dir, 's%d.m4s'), join(dir, 'p.m3u8')],
  ]);
  const count = (await readdir(dir)).filter((name) => name.endsWith('.m4s')).length;
  const start = Date.now();
  const segments: ThumbnailSource[] = Array.from({ length: count }, (_, index) => ({
    sequence: index,
    uri: `s${index}.m4s`,
    initUri: 'init.mp4',
    programDateTime: start + index * segmentSeconds * 1000,
    duration: segmentSeconds,
  }));
  const files = (segment: ThumbnailSource): SegmentFiles => ({ init: join(dir, segment.initUri), segment: join(dir, segment.uri) });

  // Ours: the worker's schedule over the minute, a batch every 30 s of lesson, the poster at 0 and 60 s.
  const batches: Array<{ thumbnails: ThumbnailSource[]; poster?: ThumbnailSource }> = [];
  let index = { lastSequence: -1, nextSprite: 0, thumbnails: [] as ReturnType<typeof thumbnailsOfSprite> };
  for (let at = 0; at <= lessonSeconds; at += schedule.batchSeconds) {
    const known = segments.filter((segment) => (segment.sequence + 1) * segmentSeconds <= Math.max(at, segmentSeconds));
    const { picked, lastSequence } = pickThumbnailSegments(known, index, schedule.thumbnailSeconds);
    const poster = at % schedule.posterSeconds === 0 ? known.at(-1) : undefined;
    if (picked.length > 0 || poster) batches.push({ thumbnails: picked, ...(poster ? { poster } : {}) });
    if (picked.length > 0) index = { lastSequence, nextSprite: index.nextSprite + 1, thumbnails: [...index.thumbnails, ...thumbnailsOfSprite(picked, index.nextSprite)] };
  }
  const thumbnailCount = batches.reduce((sum, batch) => sum + batch.thumbnails.length, 0);
  const ways: Way[] = [
    { name: 'ours: one ffmpeg a batch, keyframes only', cpuSeconds: [], processes: batches.length, loads: [] },
    { name: 'peer: one ffmpeg per thumbnail', cpuSeconds: [], processes: thumbnailCount + 2, loads: [] },
    { name: 'peer: decode every frame, fps=1/5', cpuSeconds: [], processes: 1, loads: [] },
  ];
  for (let round = 1; round <= rounds; round++) {
    progress(`round ${round} of ${rounds}`);
    let ours = 0;
    for (const [number, batch] of batches.entries()) {
      ours += await runPictureFfmpeg(
        ffmpegPath,
        pictureBatchArgs({
          thumbnails: batch.thumbnails.map(files),
          ...(batch.thumbnails.length ? { spriteOutput: join(dir, `ours-${number}.jpg`) } : {}),
          ...(batch.poster ? { poster: files(batch.poster), posterOutput: join(dir, `ours-poster-${number}.jpg`) } : {}),
        }),
      );
    }
    ways[0]!.cpuSeconds.push(ours);
    ways[0]!.loads.push(loadavg()[0]!);
    let each = 0;
    for (const [number, batch] of batches.entries()) {
      for (const [cell, segment] of batch.thumbnails.entries()) {
        each += await runPictureFfmpeg(ffmpegPath, pictureBatchArgs({ thumbnails: [files(segment)], spriteOutput: join(dir, `each-${number}-${cell}.jpg`) }));
      }
      if (batch.poster) each += await runPictureFfmpeg(ffmpegPath, pictureBatchArgs({ thumbnails: [], poster: files(batch.poster), posterOutput: join(dir, `each-poster-${number}.jpg`) }));
    }
    ways[1]!.cpuSeconds.push(each);
    ways[1]!.loads.push(loadavg()[0]!);
    ways[2]!.cpuSeconds.push(await decodeEverything(ffmpegPath, dir, segments, join(dir, 'everything.jpg')));
    ways[2]!.loads.push(loadavg()[0]!);
  }
  const median = (values: readonly number[]) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)]!;
  const rows = ways.map((way) => {
    const cpu = median(way.cpuSeconds);
    return [way.name, String(way.processes), `${cpu.toFixed(3)} s`, `${((cpu / lessonSeconds) * 100).toFixed(2)} %`, way.loads.map((load) => load.toFixed(1)).join(' / ')];
  });
  process.stdout.write(
    `\n${lessonSeconds} s of 1080p30 source in ${count} segments: ${thumbnailCount} thumbnails (one per ${schedule.thumbnailSeconds} s) and ${batches.filter((batch) => batch.poster).length} posters; median of ${rounds} rounds\n`,
  );
  process.stdout.write(`${textTable(['way', 'ffmpeg runs', 'CPU per lesson minute', 'share of a core', 'load average after each round'], rows)}\n`);
  process.stdout.write(`Budget: 3 % of a core per live lesson. ${loadAverageAtEnd()}\n`);
  process.stdout.write(
    `${figuresJson({
      machine,
      lessonSeconds,
      thumbnails: thumbnailCount,
      ways: ways.map((way) => ({ name: way.name, processes: way.processes, cpuSeconds: way.cpuSeconds, coreShare: median(way.cpuSeconds) / lessonSeconds, loadAverages: way.loads })),
      loadAverageAtEnd: loadavg()[0],
    }, 4)}\n`,
  );
}

/** The usual thumbnailer: every frame decoded, one kept each 5 s, tiled; returns its CPU seconds. */
function decodeEverything(ffmpegPath: string, dir: string, segments: readonly ThumbnailSource[], output: string): Promise<number> {
  const input = `concat:${join(dir, 'init.mp4')}|${segments.map((segment) => join(dir, segment.uri)).join('|')}`;
  const args = ['-hide_banner', '-nostdin', '-nostats', '-loglevel', 'info', '-benchmark', '-y', '-threads', '1', '-i', input];
  args.push('-vf', `fps=1/${schedule.thumbnailSeconds},scale=160:90,tile=5x5`, '-frames:v', '1', '-q:v', '6', '-f', 'mjpeg', output);
  return new Promise((resolve, reject) => {
    const child = spawn(ffmpegPath, args, { stdio: ['ignore', 'ignore', 'pipe'] });
    let stderr = '';
    child.stderr.setEncoding('utf8').on('data', (chunk: string) => (stderr = (stderr + chunk).slice(-4000)));
    child.once('error', reject);
    child.once('close', (code) => (code === 0 ? resolve(cpuSecondsOf(stderr) ?? 0) : reject(new Error(`ffmpeg exited with ${code}: ${stderr.slice(-300)}`))));
  });
}
