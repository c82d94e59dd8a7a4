// Runs one ffmpeg (a source copy, or the encoded rungs of a lesson) through fluent-ffmpeg. FLV goes
// in on stdin; when ffmpeg exits for any reason other than our finish, the caller is told with its
// last stderr lines. ffmpeg's progress (speed, media time written, dropped and duplicated frames)
// comes on its stdout every few seconds: `movement` says how far it has got and when it last moved,
// and each report is emitted as a typed event (`events`: 'progress', then 'exit'), for whoever keeps
// figures of it (the ingest's lesson-renditions.ts, for /metrics and the node's load) to subscribe.
//
// A slow ffmpeg is never killed: `finish` ends its input and waits, however long it takes to write
// what it holds. Only `kill` (a frozen process, rendition-watch.ts) throws work away. Renditions run
// at a lower CPU priority than the source copy and the node process, so when the node is short of
// CPU the ladder falls behind, never the recording or the RTMP intake.
import type { ChildProcess } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { setPriority } from 'node:os';
import { PassThrough } from 'node:stream';
import ffmpeg from 'fluent-ffmpeg';
import type { Logger } from '../core/log.ts';
import { createEmitter, type TypedEvents } from '../core/typed-events.ts';
import { progressOptions, type FfmpegInvocation } from './ffmpeg-args.ts';
import { knowsStatsPeriod } from './ffmpeg-features.ts';
import { progressReader, type TranscoderProgress } from './ffmpeg-progress.ts';

export type FfmpegExit = { expected: boolean; error?: string; stderrTail: string[] };

/** What a running ffmpeg announces: each progress report, and its exit (once, before `exited` settles). */
export type TranscoderEvents = { progress: TranscoderProgress; exit: FfmpegExit };

export type FfmpegProcess = {
  /** Where the FLV stream is written. */
  input: PassThrough;
  exited: Promise<FfmpegExit>;
  /** Ends the input: ffmpeg writes everything it holds, then exits. Never kills it. */
  finish(): Promise<FfmpegExit>;
  /**
   * Kills ffmpeg at once (a frozen process, or one whose output is no longer wanted); what it held
   * is lost. Asked before fluent-ffmpeg has spawned it (that can take many seconds on a loaded
   * node), the process is killed as soon as it starts, and its input is ended, so it never waits
   * for input that will not come.
   */
  kill(): void;
  /**
   * Media seconds written so far, and when the process last moved: wrote more media or used more
   * CPU (read from /proc now). A slow process moves; a frozen one does not (rendition-shedding.ts isFrozen).
   * `spawnedAt`: when the process really started (undefined while fluent-ffmpeg is still starting it).
   */
  movement(): { mediaSeconds: number; lastMovedAt: number; spawnedAt: number | undefined };
  events: TypedEvents<TranscoderEvents>;
};

export type FfmpegProcessOptions = {
  /** Added to the process's niceness: renditions yield the CPU to the copy and the intake. */
  niceness?: number;
  /** Its input, when the caller attached it to the source before starting the process. */
  input?: PassThrough;
};

const stderrLinesKept = 20;
/** How often ffmpeg reports its progress: often enough to see it fall behind within a few seconds. */
const progressSeconds = 2;
/** Clock ticks per second in /proc/<pid>/stat: 100 on every Linux this runs on. */
const clockTicks = 100;

export function startFfmpeg(invocation: FfmpegInvocation, ffmpegPath: string, log: Logger, options: FfmpegProcessOptions = {}): FfmpegProcess {
  const input = options.input ?? new PassThrough({ highWaterMark: 4 * 1024 * 1024 });
  const stderrTail: string[] = [];
  let finishing = false;
  let killed = false;
  let pid: number | undefined;
  let spawnedAt: number | undefined;
  let mediaSeconds = 0;
  let cpuSeconds = 0;
  let lastMovedAt = Date.now();
  const events = createEmitter<TranscoderEvents>();
  const readProgress = progressReader((progress) => {
    if (progress.mediaSeconds !== null && progress.mediaSeconds > mediaSeconds) {
      mediaSeconds = progress.mediaSeconds;
      lastMovedAt = Date.now();
    }
    events.emit('progress', progress);
  });

  // Spread the options: given one array, fluent-ffmpeg splits any item holding exactly one space.
  const command = ffmpeg()
    .setFfmpegPath(ffmpegPath)
    .input(input)
    .inputOptions(...invocation.inputOptions, ...progressOptions(knowsStatsPeriod(ffmpegPath) ? progressSeconds : null));
  // Options given after an output apply to it (fluent-ffmpeg), so each rung's come with its own file.
  for (const output of invocation.outputs) command.output(output.path).outputOptions(...output.options);

  const settled = new Promise<FfmpegExit>((resolve) => {
    command.on('start', (commandLine: string) => {
      log.debug('ffmpeg started', { commandLine });
      // fluent-ffmpeg sets the process before 'start' and reads stdout itself (keeping a few lines); we read it too.
      const child = (command as unknown as { ffmpegProc?: ChildProcess }).ffmpegProc;
      pid = child?.pid;
      spawnedAt = Date.now();
      lastMovedAt = spawnedAt;
      if (killed) {
        child?.kill('SIGKILL');
        return;
      }
      if (pid !== undefined && options.niceness) {
        try {
          setPriority(pid, options.niceness);
        } catch (error) {
          log.warn('could not lower the priority of ffmpeg', { error });
        }
      }
      child?.stdout?.setEncoding('utf8');
      child?.stdout?.on('data', readProgress);
    });
    command.on('stderr', (line: string) => {
      stderrTail.push(line);
      if (stderrTail.length > stderrLinesKept) stderrTail.shift();
    });
    command.on('end', () => resolve({ expected: finishing, stderrTail: [...stderrTail] }));
    command.on('error', (error: Error) => resolve({ expected: finishing, error: error.message, stderrTail: [...stderrTail] }));
  });
  const exited = settled.then((exit) => {
    events.emit('exit', exit);
    return exit;
  });
  // Writes after ffmpeg died fail with EPIPE; the exit above is what reports the problem.
  input.on('error', () => {});
  command.run();

  return {
    input,
    exited,
    events,
    kill() {
      killed = true;
      if (!input.writableEnded) input.end();
      // Not started yet: the 'start' handler kills it.
      if (pid === undefined) return;
      try {
        command.kill('SIGKILL');
      } catch {
        // Already gone.
      }
    },
    finish() {
      finishing = true;
      if (!input.writableEnded) input.end();
      return exited;
    },
    movement() {
      const cpu = pid === undefined ? undefined : cpuSecondsOf(pid);
      if (cpu !== undefined && cpu > cpuSeconds) {
        cpuSeconds = cpu;
        lastMovedAt = Date.now();
      }
      return { mediaSeconds, lastMovedAt, spawnedAt };
    },
  };
}

/** utime + stime of a process, from /proc/<pid>/stat (fields 14 and 15, after the command in parentheses). */
function cpuSecondsOf(pid: number): number | undefined {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return (Number(fields[11]) + Number(fields[12])) / clockTicks;
  } catch {
    return undefined;
  }
}
