// A child process a benchmark started, stopped by its cleanup: SIGTERM, then SIGKILL if it is
// still there after 5 s.
import type { ChildProcess } from 'node:child_process';
import type { Cleanup } from './cleanup.ts';

/** Registers the stop of `child` with `cleanup`; resolves when the child has closed (or failed to start). */
export function stopOnCleanup(child: ChildProcess, cleanup: Cleanup): Promise<void> {
  const closed = new Promise<void>((resolve) => child.on('close', () => resolve()));
  cleanup.add(async () => {
    if (child.exitCode === null && child.signalCode === null) child.kill('SIGTERM');
    const timer = setTimeout(() => child.kill('SIGKILL'), 5000);
    await closed;
    clearTimeout(timer);
  });
  return closed;
}
