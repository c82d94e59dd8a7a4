// An ffmpeg run as a child outside the media path (the `all` role's demo encoder, a test's pusher, a
// benchmark's bare transcode): its pid for CPU sampling, its exit, and the end of its stderr for error messages.
import { spawn } from 'node:child_process';

export type FfmpegChild = {
  pid: number;
  startedAtMs: number;
  /** Resolves with the exit code (null when killed by a signal). */
  exited: Promise<number | null>;
  stderrTail(): string;
  /** SIGINT (ffmpeg finishes its output files), SIGKILL if it has not exited within 5 s. */
  stop(): Promise<number | null>;
  /** SIGKILL at once, as when an encoder's machine or network dies. */
  kill(): void;
};

export function startFfmpeg(ffmpegPath: string, args: readonly string[]): FfmpegChild {
  const child = spawn(ffmpegPath, args, { stdio: ['ignore', 'ignore', 'pipe'] });
  if (child.pid === undefined) throw new Error(`could not start ${ffmpegPath}`);
  let stderr = '';
  child.stderr.on('data', (chunk: Buffer) => (stderr = (stderr + chunk.toString()).slice(-2000)));
  const exited = new Promise<number | null>((resolve) => {
    child.on('error', (error) => {
      stderr += `\n${error.message}`;
      resolve(null);
    });
    child.on('exit', (code) => resolve(code));
  });
  return {
    pid: child.pid,
    startedAtMs: performance.now(),
    exited,
    stderrTail: () => stderr.trim(),
    kill: () => void child.kill('SIGKILL'),
    stop: async () => {
      if (child.exitCode === null && child.signalCode === null) child.kill('SIGINT');
      const timer = setTimeout(() => child.kill('SIGKILL'), 5000);
      const code = await exited;
      clearTimeout(timer);
      return code;
    },
  };
}

/** Runs ffmpeg to the end; throws with its stderr when it fails. */
export async function runFfmpeg(ffmpegPath: string, args: readonly string[], what: string): Promise<void> {
  const child = startFfmpeg(ffmpegPath, args);
  const code = await child.exited;
  if (code !== 0) throw new Error(`ffmpeg failed making ${what} (exit ${code}): ${child.stderrTail()}`);
}
