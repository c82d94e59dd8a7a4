// What one decode for a lesson's encoded rungs saves: the rungs below a copied 720p30 top (480p and
// 360p), encoded with the ingest's own ffmpeg arguments (ffmpeg-args.ts buildLadderArgs), either in
// one process (one decode, split; transcode.rungProcesses `one`) or one process per rung (each
// decoding the source; `each`), reading the test lesson in real time as a live lesson arrives.
// Trials alternate between the two; CPU (% of one core) over a window past ffmpeg's start-up, with
// the load average beside each. Loopback only, nothing served; about 2 minutes with the defaults.
//   node --import tsx scripts/bench/rung-processes.ts [--trials 3] [--seconds 20] [--preset veryfast]
//   (npm run bench:rung-processes)
import { loadavg } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { resolveConfig } from '../../services/core/config/load.ts';
import { findMediaTool } from '../../services/core/ffmpeg-binary.ts';
import { buildLadderArgs, type FfmpegInvocation } from '../../services/transcode/ffmpeg-args.ts';
import { chooseLadder, segmentSecondsFor } from '../../services/transcode/ladder.ts';
import type { RungProcesses } from '../../services/transcode/rung-processes.ts';
import { runFfmpeg, startFfmpeg } from '../../services/core/ffmpeg-child.ts';
import { sleepWhileRunning } from './transcode-trials.ts';
import { progress } from './bench-clock.ts';
import { boundedInteger } from './bounded-integer.ts';
import type { Cleanup } from './cleanup.ts';
import { figuresJson } from './figures-json.ts';
import { describeMachine, loadAverageAtEnd, machineAtStart } from './machine.ts';
import { cpuBetween, sampleCpu } from './process-cpu.ts';
import { runBench } from './run-bench.ts';
import { textTable } from './text-table.ts';
import { testLesson, testLessonArgs } from './transcode-commands.ts';
import { createWorkDir } from './work-dir.ts';
import { mkdir } from 'node:fs/promises';

const { values } = parseArgs({
  options: {
    trials: { type: 'string', default: '3' },
    seconds: { type: 'string', default: '20' },
    preset: { type: 'string', default: '' },
  },
});
const trials = boundedInteger(values.trials, 1, 10, '--trials');
const windowSeconds = boundedInteger(values.seconds, 5, 50, '--seconds');
/** Past ffmpeg's start-up before the window opens. */
const warmUpSeconds = 6;

type Trial = { mode: RungProcesses; trial: number; cpuPercent: number; loadAverage: number };

await runBench('rung processes benchmark', ['ffmpeg'], main);

async function main(cleanup: Cleanup): Promise<void> {
  const ffmpegPath = findMediaTool('ffmpeg');
  const defaults = resolveConfig([]);
  const preset = values.preset || defaults.transcode.preset;
  const [, ...lower] = chooseLadder(testLesson, defaults.transcode.maxRenditions);
  const workDir = await createWorkDir('rung-processes', cleanup);
  const input = join(workDir, 'lesson.flv');
  console.log(machineAtStart('Rung processes benchmark', describeMachine()));
  console.log(`Rungs ${lower.map((rendition) => rendition.name).join(' and ')} of a ${testLesson.width}x${testLesson.height}@${testLesson.fps} source, preset ${preset}; CPU over ${windowSeconds} s, ${trials} trials each, alternating\n`);
  progress('making the test lesson');
  await runFfmpeg(ffmpegPath, testLessonArgs(input, warmUpSeconds + windowSeconds + 10), 'the test lesson');

  const job = { hasAudio: true, segmentSeconds: segmentSecondsFor[defaults.ingest.latencyMode], preset, audioKbps: defaults.transcode.audioBitrateKbps, keyframes: 'source' as const };
  const invocations = async (mode: RungProcesses, trial: number): Promise<FfmpegInvocation[]> => {
    const lessonDir = join(workDir, `${mode}-${trial}`);
    const rungs = lower.map((rendition, index) => ({ rendition, run: index + 1 }));
    await Promise.all(rungs.map((rung) => mkdir(join(lessonDir, '.segmenter', `r${rung.run}`), { recursive: true })));
    return mode === 'one' ? [buildLadderArgs({ ...job, lessonDir, rungs })] : rungs.map((rung) => buildLadderArgs({ ...job, lessonDir, rungs: [rung] }));
  };

  const results: Trial[] = [];
  for (let trial = 1; trial <= trials; trial++) {
    for (const mode of ['each', 'one'] as const) {
      progress(`trial ${trial}/${trials}: ${mode === 'one' ? 'one process' : 'a process per rung'}`);
      const children = (await invocations(mode, trial)).map((invocation) => startFfmpeg(ffmpegPath, argsFrom(invocation, input)));
      const stop = cleanup.add(() => Promise.all(children.map((child) => child.stop())));
      try {
        await sleepWhileRunning(warmUpSeconds * 1000, children);
        const start = sampleCpu(children.map((child) => child.pid));
        await sleepWhileRunning(windowSeconds * 1000, children);
        const window = cpuBetween(start, sampleCpu(children.map((child) => child.pid)));
        if (window.lostPids.length > 0) throw new Error(`ffmpeg ${window.lostPids.join(', ')} exited inside the window`);
        results.push({ mode, trial, cpuPercent: window.pidsPercent, loadAverage: loadavg()[0]! });
      } finally {
        await stop();
      }
    }
  }

  const mean = (mode: RungProcesses) => results.filter((result) => result.mode === mode).reduce((sum, result) => sum + result.cpuPercent, 0) / trials;
  const rows = (['each', 'one'] as const).map((mode) => [
    mode === 'one' ? 'one process (one decode)' : 'a process per rung',
    ...results.filter((result) => result.mode === mode).map((result) => `${result.cpuPercent.toFixed(1)} % (load ${result.loadAverage.toFixed(1)})`),
    `${mean(mode).toFixed(1)} %`,
  ]);
  console.log(textTable(['', ...Array.from({ length: trials }, (_, index) => `trial ${index + 1}`), 'mean'], rows));
  const saving = 1 - mean('one') / mean('each');
  console.log(`one process / a process per rung = ${(mean('one') / mean('each')).toFixed(3)}: ${(100 * saving).toFixed(1)} % less CPU for the encoded rungs`);
  console.log(loadAverageAtEnd());
  console.log(figuresJson({ bench: 'rung-processes', preset, windowSeconds, trials: results, meanEach: mean('each'), meanOne: mean('one') }, 3));
}

/** The ingest's arguments, reading the file in real time instead of our FLV on stdin. */
function argsFrom(invocation: FfmpegInvocation, input: string): string[] {
  return ['-hide_banner', '-nostdin', ...invocation.inputOptions, '-re', '-i', input, '-y', ...invocation.outputs.flatMap((output) => [...output.options, output.path])];
}
