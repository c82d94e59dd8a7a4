// The transcode benchmark, on loopback only, within 6 minutes on a 2-core machine:
//  1. our overhead: one 720p30 lesson through an in-process ingest (RTMP server, tap, transcoder,
//     packager, HTTP) against the same ffmpeg transcode run bare, CPU over a steady window;
//  2. realtime factor: the bare transcode of the 60 s lesson as fast as it goes;
//  3. lessons per node: 4, 6, 8 lessons at once into one ingest, until one falls behind real time or
//     sheds a rendition (the full ladder must hold). With `--rung-processes one,each` each N runs
//     twice, alternating: the encoded rungs in one process (one decode, the default) and one
//     process per rung (each decoding the source), the peer it replaced.
// Our ingest copies the source as its top rendition and encodes only the rungs below; the bare peer
// re-encodes the whole ladder, as the ingest did before.
// Prints tables, then one JSON line with every figure.
//   node --import tsx scripts/bench/transcode.ts [--lessons 4,6,8] [--rung-processes one|each|one,each] [--overhead no]
//   (npm run bench:transcode)
import { execFileSync } from 'node:child_process';
import { parseArgs } from 'node:util';
import { join } from 'node:path';
import { resolveConfig } from '../../services/core/config/load.ts';
import { findMediaTool } from '../../services/core/ffmpeg-binary.ts';
import { setLogLevel } from '../../services/core/log.ts';
import { chooseLadder, segmentSecondsFor } from '../../services/transcode/ladder.ts';
import { runFfmpeg } from '../../services/core/ffmpeg-child.ts';
import { elapsedSeconds, progress } from './bench-clock.ts';
import type { Cleanup } from './cleanup.ts';
import { figuresJson } from './figures-json.ts';
import { describeMachine, machineAtStart } from './machine.ts';
import { runBench } from './run-bench.ts';
import { textTable } from './text-table.ts';
import { testLesson, testLessonArgs } from './transcode-commands.ts';
import { measureBare, measureCapacity, measureOurs, measureRealtime, type Bench, type BareTrial, type CapacityRun, type OursTrial } from './transcode-trials.ts';
import { createWorkDir } from './work-dir.ts';
import { boundedInteger } from './bounded-integer.ts';
import type { RungProcesses } from '../../services/transcode/rung-processes.ts';

const { values } = parseArgs({
  options: {
    lessons: { type: 'string', default: '4,6,8' },
    'rung-processes': { type: 'string', default: 'one' },
    overhead: { type: 'string', default: 'yes' },
  },
});
const lessonsAsked = process.argv.some((arg) => arg.startsWith('--lessons'));
const lessonCounts = values.lessons.split(',').map((text) => boundedInteger(text, 1, 12, '--lessons'));
const rungModes = values['rung-processes'].split(',').map((text): RungProcesses => {
  if (text !== 'one' && text !== 'each') throw new Error(`--rung-processes takes one, each or one,each, not ${text}`);
  return text;
});
if (values.overhead !== 'yes' && values.overhead !== 'no') throw new Error(`--overhead takes yes or no, not ${values.overhead}`);

/** Whole run, with a margin under the 6 minutes allowed. */
const budgetSeconds = 345;
const trialsPerSide = 2;
/** Seconds after a lesson starts: past ffmpeg's start-up, ending before the 60 s file does. */
const cpuWindow = { fromSeconds: 12, toSeconds: 42 };
const capacity = { lessons: lessonCounts, rungProcesses: rungModes, runSeconds: 35, windowSeconds: 20, teardownSeconds: 15 };

const percent = (value: number) => `${value.toFixed(1)} %`;
const mean = (values: readonly number[]) => values.reduce((sum, value) => sum + value, 0) / values.length;
const signed = (value: number) => `${value >= 0 ? '+' : ''}${value.toFixed(1)}`;
const range = (values: readonly number[], format: (value: number) => string) => `${format(Math.min(...values))} - ${format(Math.max(...values))}`;

setLogLevel('warn');
await runBench('transcode benchmark', ['ffmpeg'], main);

async function main(cleanup: Cleanup): Promise<void> {
  const ffmpegPath = findMediaTool('ffmpeg');
  const defaults = resolveConfig([]);
  const ladder = chooseLadder(testLesson, defaults.transcode.maxRenditions);
  const workDir = await createWorkDir('transcode', cleanup);
  const bench: Bench = {
    ffmpegPath,
    input: join(workDir, 'lesson.flv'),
    mediaSeconds: testLesson.seconds,
    workDir,
    job: {
      ladder,
      hasAudio: true,
      segmentSeconds: segmentSecondsFor[defaults.ingest.latencyMode],
      preset: defaults.transcode.preset,
      audioKbps: defaults.transcode.audioBitrateKbps,
    },
    cpuWindow,
    cleanup,
  };
  const machine = describeMachine({ ffmpeg: ffmpegVersion(ffmpegPath) });
  const lesson = `${testLesson.width}x${testLesson.height}@${testLesson.fps}, ${testLesson.seconds} s`;
  const ladderText = ladder.map((rendition) => `${rendition.name} ${rendition.videoKbps}k`).join(', ');
  console.log(machineAtStart('Transcode benchmark', machine, `ffmpeg ${machine.ffmpeg}`));
  console.log(`Lesson: ${lesson} H.264+AAC (demo encoder picture); ladder ${ladderText}, audio ${bench.job.audioKbps}k, preset ${bench.job.preset}, ${bench.job.segmentSeconds} s segments\n`);

  progress(`making the ${lesson} test lesson`);
  await runFfmpeg(ffmpegPath, testLessonArgs(bench.input), 'the test lesson');

  const ours: OursTrial[] = [];
  const bare: BareTrial[] = [];
  let overhead: OverheadSummary | undefined;
  let realtime: Awaited<ReturnType<typeof measureRealtime>> | undefined;
  if (values.overhead === 'yes') {
    for (let trial = 1; trial <= trialsPerSide; trial++) {
      progress(`overhead trial ${trial}/${trialsPerSide}: our ingest`);
      ours.push(await measureOurs(bench));
      progress(`overhead trial ${trial}/${trialsPerSide}: bare ffmpeg`);
      bare.push(await measureBare(bench, trial));
    }
    overhead = summarizeOverhead(ours, bare);
    printOverhead(ours, bare, overhead);

    progress('realtime factor: bare transcode, no -re');
    realtime = await measureRealtime(bench);
    console.log(`\n2. Realtime factor: the bare transcode of the ${testLesson.seconds} s lesson flat out, both cores`);
    const realtimeRow = ['bare ffmpeg', `${realtime.wallSeconds.toFixed(1)} s`, `${realtime.speed.toFixed(2)}x`, percent(realtime.cpuPercent)];
    console.log(textTable(['', 'wall', 'speed', 'CPU (of one core)'], [realtimeRow]));
  }

  const runs: CapacityRun[] = [];
  const skipped: string[] = [];
  for (const count of capacity.lessons) {
    // Each way of running the rungs in turn at this N, until it fails to keep up.
    for (const mode of capacity.rungProcesses) {
      // The default steps stop at the first that fails; steps asked for with --lessons all run.
      if (!lessonsAsked && runs.some((run) => run.rungProcesses === mode && !run.keepsUp)) continue;
      if (elapsedSeconds() + capacity.runSeconds + capacity.teardownSeconds > budgetSeconds) {
        skipped.push(`${count} (${mode})`);
        continue;
      }
      progress(`lessons per node: ${count} lessons for ${capacity.runSeconds} s, rungs in ${mode === 'one' ? 'one process' : 'a process each'}`);
      runs.push(await measureCapacity(bench, count, capacity.runSeconds, capacity.windowSeconds, ladder.at(-1)!.name, mode));
    }
  }
  const maxLessonsOf = (mode: RungProcesses) => Math.max(0, ...runs.filter((run) => run.rungProcesses === mode && run.keepsUp).map((run) => run.lessons));
  const maxLessons = Object.fromEntries(capacity.rungProcesses.map((mode) => [mode, maxLessonsOf(mode)]));
  printCapacity(runs, skipped, ladder.at(-1)!.name);

  const total = elapsedSeconds();
  console.log(`\nTotal ${total.toFixed(0)} s.`);
  const figures = {
    bench: 'transcode',
    machine,
    lesson: { ...testLesson, ...bench.job },
    overhead: overhead && { cpuWindow, ...overhead, ours, bare },
    realtime,
    capacity: { ...capacity, runs, skipped, maxLessons },
    totalSeconds: total,
  };
  console.log(figuresJson(figures, 3));
}

type OverheadSummary = { oursPercent: number; barePercent: number; ratio: number; ratioRange: [number, number]; oursNodePercent: number; oursFfmpegPercent: number };

function summarizeOverhead(ours: readonly OursTrial[], bare: readonly BareTrial[]): OverheadSummary {
  const ratios = ours.map((trial, index) => trial.totalPercent / bare[index]!.ffmpegPercent);
  const oursPercent = mean(ours.map((trial) => trial.totalPercent));
  const barePercent = mean(bare.map((trial) => trial.ffmpegPercent));
  return {
    oursPercent,
    barePercent,
    ratio: oursPercent / barePercent,
    ratioRange: [Math.min(...ratios), Math.max(...ratios)],
    oursNodePercent: mean(ours.map((trial) => trial.nodePercent)),
    oursFfmpegPercent: mean(ours.map((trial) => trial.ffmpegPercent)),
  };
}

function printOverhead(ours: readonly OursTrial[], bare: readonly BareTrial[], summary: OverheadSummary): void {
  const window = `${cpuWindow.fromSeconds}-${cpuWindow.toSeconds} s`;
  console.log(`1. Our overhead: CPU (% of one core) of one lesson in real time, ${trialsPerSide} trials each, alternating;`);
  console.log(`   measured ${window} after the lesson starts (a short window, so the whole run fits in 6 minutes)`);
  const nodes = ours.map((trial) => trial.nodePercent);
  const oursFfmpeg = ours.map((trial) => trial.ffmpegPercent);
  const oursTotal = ours.map((trial) => trial.totalPercent);
  const bareFfmpeg = bare.map((trial) => trial.ffmpegPercent);
  const trialColumns = ours.map((_, index) => `trial ${index + 1}`);
  const row = (name: string, values: number[]) => [name, ...values.map(percent), percent(mean(values)), range(values, (value) => value.toFixed(1))];
  console.log(
    textTable(
      ['', ...trialColumns, 'mean', 'range'],
      [
        row('ours: node (RTMP, tap, packager, HTTP)', nodes),
        row('ours: transcoder ffmpeg', oursFfmpeg),
        row('ours: total', oursTotal),
        row('bare ffmpeg, same transcode', bareFfmpeg),
      ],
    ),
  );
  const verdict = summary.ratio <= 1.05 ? 'within' : 'ABOVE';
  const ratioRange = range(summary.ratioRange, (value) => value.toFixed(3));
  console.log(`ours / bare = ${summary.ratio.toFixed(3)} (per trial ${ratioRange}): ${verdict} the 5 % overhead target`);
  const ffmpegDifference = summary.oursFfmpegPercent - summary.barePercent;
  console.log(
    `the difference, ${signed(summary.oursPercent - summary.barePercent)} points = node ${signed(summary.oursNodePercent)} and our ffmpeg minus bare ${signed(ffmpegDifference)};` +
      ` node alone is ${percent((100 * summary.oursNodePercent) / summary.barePercent)} of the bare transcode`,
  );
}

function printCapacity(runs: readonly CapacityRun[], skipped: readonly string[], rendition: string): void {
  const first = runs[0];
  console.log(`\n3. Lessons per node: N lessons pushed at once for ${first?.runSeconds ?? capacity.runSeconds} s; over the last ${first?.windowSeconds ?? capacity.windowSeconds} s, per lesson (${rendition} playlist):`);
  console.log('   new segments; lag = when a segment is served - when its media ended in real time, first -> last in the window;');
  console.log('   lag trend = least-squares slope of the lag over the window');
  const rows = runs.flatMap((run) =>
    run.perLesson.map((lesson, index) => [
      index === 0 ? `N=${run.lessons}, rungs in ${run.rungProcesses === 'one' ? 'one process' : 'a process each'} (node+ffmpeg CPU ${percent(run.cpuPercent)}, ${percent(run.cpuPercent / run.lessons)} a lesson; load ${run.loadAverage.toFixed(1)})` : '',
      lesson.lessonId,
      `${lesson.newSegments} of ${lesson.expectedSegments.toFixed(0)}`,
      `${lesson.lagFirstSeconds.toFixed(1)} -> ${lesson.lagLastSeconds.toFixed(1)} s`,
      `${signed(lesson.lagGrowthSeconds)} s`,
      `${signed(lesson.lagDriftPerMinute)} s/min`,
      String(lesson.renditionsShed),
      lesson.keepsUp ? 'yes' : 'NO',
    ]),
  );
  console.log(textTable(['', 'lesson', 'segments', 'lag', 'lag growth', 'lag trend', 'most shed', 'keeps up'], rows));
  for (const mode of new Set(runs.map((run) => run.rungProcesses))) {
    const ofMode = runs.filter((run) => run.rungProcesses === mode);
    const stoppedAt = ofMode.find((run) => !run.keepsUp);
    const name = mode === 'one' ? 'rungs in one process' : 'a process per rung';
    if (stoppedAt) console.log(`${name}: stopped at N=${stoppedAt.lessons}: a lesson fell behind real time by more than one segment, or shed a rendition`);
    const maxLessons = Math.max(0, ...ofMode.filter((run) => run.keepsUp).map((run) => run.lessons));
    const largest = ofMode.find((run) => run.lessons === maxLessons);
    const drift = largest ? mean(largest.perLesson.map((lesson) => lesson.lagDriftPerMinute)) : 0;
    const driftNote = drift > 1 ? ` (but its lag grows ${drift.toFixed(1)} s a minute: it holds for the window, not for a whole lesson)` : '';
    console.log(`${name}: largest N that keeps up: ${maxLessons}${driftNote}`);
  }
  if (skipped.length > 0) console.log(`N=${skipped.join(', ')} not run: it would not fit the ${budgetSeconds} s time budget`);
}

function ffmpegVersion(ffmpegPath: string): string {
  const firstLine = execFileSync(ffmpegPath, ['-version'], { encoding: 'utf8' }).split('\n')[0] ?? '';
  return /ffmpeg version (\S+)/.exec(firstLine)?.[1] ?? 'unknown';
}
