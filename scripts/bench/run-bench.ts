// Runs a benchmark's main part and stops whatever it started, on success, on failure and on
// SIGINT/SIGTERM (exit code 130); a failure sets exit code 1 with `<name> failed: <stack>`. The
// programs it `needs` are looked for first: a missing one ends it at once with one line each saying
// how to install it (exit code 2).
import { progress } from './bench-clock.ts';
import { missingBenchTools, type BenchTool } from './bench-tools.ts';
import { createCleanup, type Cleanup } from './cleanup.ts';

export async function runBench(name: string, needs: readonly BenchTool[], main: (cleanup: Cleanup) => Promise<void>): Promise<void> {
  const missing = missingBenchTools(needs);
  if (missing.length > 0) {
    process.stderr.write(`${name} cannot run: ${missing.join('; ')}\n`);
    process.exitCode = 2;
    return;
  }
  const cleanup = createCleanup();
  let interrupted = false;
  for (const signal of ['SIGINT', 'SIGTERM'] as const) {
    process.once(signal, () => {
      interrupted = true;
      progress(`${signal}: stopping`);
      void cleanup.runAll().finally(() => process.exit(130));
    });
  }
  try {
    await main(cleanup);
  } catch (error) {
    if (!interrupted) process.stderr.write(`${name} failed: ${(error as Error).stack ?? error}\n`);
    process.exitCode = 1;
  } finally {
    await cleanup.runAll();
  }
}
