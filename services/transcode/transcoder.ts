// Runs one ffmpeg for one encoder run of a lesson, through fluent-ffmpeg. FLV goes in on stdin;
// when ffmpeg exits for any reason other than our stop, the caller is told with its last stderr lines.
// ffmpeg's progress (speed, dropped and duplicated frames) comes on its stdout every few seconds
// and is kept in memory under the lesson's directory for the ingest's /metrics (live-figures.ts).
import type { ChildProcess } from 'node:child_process';
import { PassThrough } from 'node:stream';
import ffmpeg from 'fluent-ffmpeg';
import type { Logger } from '../core/log.ts';
import { trackTranscoderRun } from '../ingest/live-figures.ts';
import { buildTranscodeArgs, progressOptions, type TranscodeJob } from './ffmpeg-args.ts';
import { knowsStatsPeriod } from './ffmpeg-features.ts';
import { progressReader } from './ffmpeg-progress.ts';

export type TranscoderExit = { expected: boolean; error?: string; stderrTail: string[] };

export type Transcoder = {
  /** Where the FLV stream is written. */
  input: PassThrough;
  exited: Promise<TranscoderExit>;
  /** Ends the input so ffmpeg writes its last segment and exits; kills it if it has not within the grace. */
  stop(graceMs?: number): Promise<TranscoderExit>;
  /** Kills ffmpeg at once (a stalled process). */
  kill(): void;
};

const stderrLinesKept = 20;
/** How often ffmpeg reports its progress: often enough for a scrape, rare enough to cost nothing. */
const progressSeconds = 5;

export function startTranscoder(job: TranscodeJob, ffmpegPath: string, log: Logger): Transcoder {
  const args = buildTranscodeArgs(job);
  const input = new PassThrough({ highWaterMark: 4 * 1024 * 1024 });
  const stderrTail: string[] = [];
  let stopping = false;
  const figures = trackTranscoderRun(job.lessonDir);
  const readProgress = progressReader(figures.report);

  // Spread the options: given one array, fluent-ffmpeg splits any item holding exactly one space.
  const command = ffmpeg()
    .setFfmpegPath(ffmpegPath)
    .input(input)
    .inputOptions(...args.inputOptions, ...progressOptions(knowsStatsPeriod(ffmpegPath) ? progressSeconds : null))
    .outputOptions(...args.outputOptions)
    .output(args.output);

  const settled = new Promise<TranscoderExit>((resolve) => {
    command.on('start', (commandLine: string) => {
      log.debug('ffmpeg started', { run: job.run, commandLine });
      // fluent-ffmpeg sets the process before 'start' and reads stdout itself (keeping a few lines); we read it too.
      const child = (command as unknown as { ffmpegProc?: ChildProcess }).ffmpegProc;
      child?.stdout?.setEncoding('utf8');
      child?.stdout?.on('data', readProgress);
    });
    command.on('stderr', (line: string) => {
      stderrTail.push(line);
      if (stderrTail.length > stderrLinesKept) stderrTail.shift();
    });
    command.on('end', () => resolve({ expected: stopping, stderrTail: [...stderrTail] }));
    command.on('error', (error: Error) => resolve({ expected: stopping, error: error.message, stderrTail: [...stderrTail] }));
  });
  const exited = settled.finally(figures.finish);
  // Writes after ffmpeg died fail with EPIPE; the exit above is what reports the problem.
  input.on('error', () => {});
  command.run();

  const kill = () => {
    try {
      command.kill('SIGKILL');
    } catch {
      // Already gone.
    }
  };

  return {
    input,
    exited,
    kill,
    stop: async (graceMs = 10_000) => {
      stopping = true;
      input.end();
      const timer = setTimeout(kill, graceMs);
      const exit = await exited;
      clearTimeout(timer);
      return exit;
    },
  };
}
