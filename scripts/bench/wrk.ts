// wrk, the HTTP load generator, rotating over a set of paths on keep-alive connections; its Lua
// `done` hook prints the figures as one JSON line, which is all we read of its output.
import { spawn } from 'node:child_process';
import type { Cleanup } from './cleanup.ts';
import { benchTool } from './bench-tools.ts';

export type WrkLoad = { threads: number; connections: number; seconds: number };

export type WrkSummary = { requests: number; bytes: number; durationUs: number; errors: number; p50Us: number; p99Us: number; maxUs: number };

/** wrk's Lua: each thread rotates over the paths; `done` prints the figures as one JSON line. */
export function wrkLua(paths: readonly string[]): string {
  return `local paths = { ${paths.map((path) => `"${path}"`).join(', ')} }
local next = 0
request = function()
  next = next % #paths + 1
  return wrk.format("GET", paths[next])
end
done = function(summary, latency, requests)
  local e = summary.errors
  io.write(string.format('{"requests":%d,"bytes":%d,"durationUs":%d,"errors":%d,"p50Us":%d,"p99Us":%d,"maxUs":%d}\\n',
    summary.requests, summary.bytes, summary.duration, e.connect + e.read + e.write + e.status + e.timeout,
    latency:percentile(50), latency:percentile(99), latency.max))
end
`;
}

/** Runs wrk with the Lua `script` (from wrkLua) against `baseUrl`; stopped by `cleanup` if interrupted. */
export async function runWrk(baseUrl: string, script: string, load: WrkLoad, cleanup: Cleanup): Promise<WrkSummary> {
  const args = ['-t', String(load.threads), '-c', String(load.connections), '-d', `${load.seconds}s`, '--timeout', '10s', '-s', script, baseUrl];
  const child = spawn(benchTool('wrk'), args, { stdio: ['ignore', 'pipe', 'pipe'] });
  let output = '';
  child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()));
  child.stderr.on('data', (chunk: Buffer) => (output += chunk.toString()));
  const exited = new Promise<number | null>((resolve) => {
    child.on('error', (error) => {
      output += `\n${error.message} (install it: apt-get install -y wrk)`;
      resolve(null);
    });
    child.on('exit', (code) => resolve(code));
  });
  const stop = cleanup.add(async () => {
    if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
    await exited;
  });
  const code = await exited;
  await stop();
  const line = output.split('\n').find((text) => text.startsWith('{"requests"'));
  if (code !== 0 || !line) throw new Error(`wrk ${args.join(' ')} failed (exit ${code}): ${output.trim().slice(-1000)}`);
  return JSON.parse(line) as WrkSummary;
}
