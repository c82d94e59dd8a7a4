// `classcast relay` (bin/classcast.js) as its own process on a free loopback port, as the
// benchmarks run it: one Node process, so at most one core.
import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import type { RelayStats } from '../../services/relay/relay-stats.ts';
import type { Cleanup } from './cleanup.ts';
import { stopOnCleanup } from './stop-child.ts';

export type RelayProcess = { baseUrl: string; pid: number };

const repoRoot = fileURLToPath(new URL('../../', import.meta.url));

/**
 * Starts the relay in front of `upstream`, stopped by `cleanup`; its port is read from its start-up banner.
 * `nodeArgs` go to node before the script (`--cpu-prof`: node refuses it in NODE_OPTIONS).
 */
export async function startRelayProcess(upstream: string, dataDir: string, cleanup: Cleanup, nodeArgs: readonly string[] = []): Promise<RelayProcess> {
  const args = [...nodeArgs, 'bin/classcast.js', 'relay', '--upstream', upstream, '--http-port', '0', '--data-dir', dataDir, '--node-id', 'bench-relay', '--log-level', 'warn'];
  const child = spawn(process.execPath, args, { cwd: repoRoot, env: { ...process.env, CLASSCAST_HTTP_HOST: '127.0.0.1' }, stdio: ['ignore', 'pipe', 'pipe'] });
  let output = '';
  child.stderr.on('data', (chunk: Buffer) => (output = (output + chunk.toString()).slice(-2000)));
  const exited = stopOnCleanup(child, cleanup);
  const port = await new Promise<number>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`the relay did not start within 20 s: ${output}`)), 20_000);
    child.stdout.on('data', (chunk: Buffer) => {
      output += chunk.toString();
      const match = /relay\s+http:\/\/127\.0\.0\.1:(\d+)\//.exec(output);
      if (match) {
        clearTimeout(timer);
        resolve(Number(match[1]));
      }
    });
    void exited.then(() => reject(new Error(`the relay exited at start: ${output}`)));
  });
  return { baseUrl: `http://127.0.0.1:${port}`, pid: child.pid! };
}

/** The relay's counters, from its /healthz. */
export async function fetchRelayStats(baseUrl: string): Promise<RelayStats> {
  const health = (await (await fetch(`${baseUrl}/healthz`)).json()) as { stats: RelayStats };
  return health.stats;
}
