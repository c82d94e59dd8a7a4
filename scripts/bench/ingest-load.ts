// The ingest under load: N lessons (1..8 by default) pushed at once into one node, each a
// pre-encoded 720p30 lesson sent with `-c copy` (the encoders cost nothing), optionally beside CPU
// hogs standing for a busy node's other work. For each N: seconds recorded / seconds pushed per
// lesson (ffprobe on the replay; must be 1.000 at every N), renditions kept (mean and least), the
// top rendition's live lag, holes in the top rendition, and CPU per lesson. Loopback only; every
// run ends by itself. Prints a table and one JSON line.
// `--rung-processes one,each` runs each N both ways, alternating: the encoded rungs in one process
// (one decode, the default) and one process per rung (each decoding the source).
//   node --import tsx scripts/bench/ingest-load.ts [--lessons 1,2,4,6,8] [--hogs 0] [--seconds 60] [--rung-processes one|each|one,each]
//   (npm run bench:ingest-load)
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { findMediaTool } from '../../services/core/ffmpeg-binary.ts';
import { setLogLevel } from '../../services/core/log.ts';
import { runFfmpeg } from '../../services/core/ffmpeg-child.ts';
import { progress } from './bench-clock.ts';
import { boundedInteger } from './bounded-integer.ts';
import { figuresJson } from './figures-json.ts';
import { runIngestLoad, type LoadRun } from './ingest-load-run.ts';
import { describeMachine, loadAverageAtEnd, machineAtStart } from './machine.ts';
import { runBench } from './run-bench.ts';
import { textTable } from './text-table.ts';
import { testLessonArgs } from './transcode-commands.ts';
import { createWorkDir } from './work-dir.ts';
import { loadavg } from 'node:os';
import type { RungProcesses } from '../../services/transcode/rung-processes.ts';

const { values } = parseArgs({
  options: {
    lessons: { type: 'string', default: '1,2,3,4,5,6,7,8' },
    hogs: { type: 'string', default: '0' },
    seconds: { type: 'string', default: '60' },
    'rung-processes': { type: 'string', default: 'one' },
  },
});
const counts = values.lessons.split(',').map((text) => boundedInteger(text, 1, 12, '--lessons'));
const hogs = boundedInteger(values.hogs, 0, 8, '--hogs');
const seconds = boundedInteger(values.seconds, 10, 600, '--seconds');
const rungModes = values['rung-processes'].split(',').map((text): RungProcesses => {
  if (text !== 'one' && text !== 'each') throw new Error(`--rung-processes takes one, each or one,each, not ${text}`);
  return text;
});

setLogLevel('error');
await runBench('ingest load benchmark', ['ffmpeg'], async (cleanup) => {
  const ffmpegPath = findMediaTool('ffmpeg');
  const ffprobePath = findMediaTool('ffprobe');
  const workDir = await createWorkDir('ingest-load', cleanup);
  const input = join(workDir, 'lesson.flv');
  console.log(machineAtStart('Ingest load', describeMachine()));
  progress(`encoding the ${seconds} s test lesson`);
  await runFfmpeg(ffmpegPath, testLessonArgs(input, seconds), 'the test lesson');
  const runs: Array<LoadRun & { loadAverage: number; rungProcesses: RungProcesses }> = [];
  for (const lessons of counts) {
    for (const rungProcesses of rungModes) {
      progress(`${lessons} lesson(s)${hogs ? ` beside ${hogs} CPU hog(s)` : ''}, rungs in ${rungProcesses === 'one' ? 'one process' : 'a process each'}`);
      const run = await runIngestLoad({ ffmpegPath, ffprobePath, input, lessons, hogs, rungProcesses });
      runs.push({ ...run, loadAverage: loadavg()[0]!, rungProcesses });
    }
  }
  const rows = runs.map((run) => {
    const ratios = run.results.map((result) => result.recordedSeconds / result.pushedSeconds);
    return [
      String(run.lessons),
      run.rungProcesses,
      `${Math.min(...ratios).toFixed(3)} - ${Math.max(...ratios).toFixed(3)}`,
      `${Math.min(...run.results.map((result) => result.sourceSeconds / result.pushedSeconds)).toFixed(3)}`,
      `${(run.results.reduce((sum, result) => sum + result.meanRenditionsKept, 0) / run.results.length).toFixed(2)} / ${run.results[0]?.renditions ?? 0}`,
      String(Math.min(...run.results.map((result) => result.minRenditionsKept))),
      `${Math.max(...run.results.map((result) => result.topLagP50)).toFixed(1)} s`,
      `${Math.max(...run.results.map((result) => result.topLagMax)).toFixed(1)} s`,
      String(run.results.reduce((sum, result) => sum + result.topGaps, 0)),
      `${run.cpuPercentPerLesson.toFixed(1)} %`,
      run.loadAverage.toFixed(1),
    ];
  });
  console.log(textTable(['lessons', 'rung processes', 'recorded/pushed', 'source/pushed', 'renditions kept (mean)', 'least kept', 'top lag p50', 'top lag max', 'top holes', 'CPU per lesson', 'load avg'], rows));
  console.log(loadAverageAtEnd());
  console.log(figuresJson({ hogs, seconds, runs: runs.map(({ samples: _samples, ...run }) => run) }, 3));
});
