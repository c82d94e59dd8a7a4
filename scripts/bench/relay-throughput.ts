// Relay throughput on hot segments, against nginx serving the same files from disk, in one run:
// 20 segments of 500 KB (2 s of 2 Mb/s video each) already in the relay's cache, fetched by wrk
// over keep-alive connections, rotating over the 20 URLs. The servers take turns, twice, so other
// work on the machine falls on all of them alike. Loopback only, within 3 minutes.
//   node --import tsx scripts/bench/relay-throughput.ts [--seconds 15] [--rounds 2] [--connections 100] [--threads 2]
// The relay runs as its own process (bin/classcast.js relay), a single Node process: one core at
// most. nginx runs with one worker (the per-core comparison) and with `auto` (one per core).
// wrk, the relay or nginx, and this script share the machine's cores: the figures are a floor.
import { spawn } from 'node:child_process';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { createServer } from 'node:net';
import { cpus, loadavg, tmpdir, userInfo } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { startHttpServer } from '../../services/core/http-server.ts';
import { createLogger, setLogLevel } from '../../services/core/log.ts';
import { liveRoutes } from '../../services/origin/live-routes.ts';
import { fakeSegment } from '../../test/helpers/fake-upstream.ts';
import { createCleanup, type Cleanup } from './cleanup.ts';
import { childProcesses, cpuBetween, reapedChildrenCpuSeconds, sampleCpu } from './process-cpu.ts';
import { textTable } from './text-table.ts';

const { values } = parseArgs({
  options: {
    seconds: { type: 'string', default: '15' },
    connections: { type: 'string', default: '100' },
    threads: { type: 'string', default: '2' },
    rounds: { type: 'string', default: '2' },
    segments: { type: 'string', default: '20' },
    'segment-kb': { type: 'string', default: '500' },
  },
});
const run = {
  seconds: boundedInteger(values.seconds!, 1, 40, '--seconds'),
  warmupSeconds: 3,
  connections: boundedInteger(values.connections!, 1, 1000, '--connections'),
  threads: boundedInteger(values.threads!, 1, 8, '--threads'),
  rounds: boundedInteger(values.rounds!, 1, 4, '--rounds'),
  segments: boundedInteger(values.segments!, 1, 200, '--segments'),
  segmentBytes: boundedInteger(values['segment-kb']!, 1, 10_000, '--segment-kb') * 1000,
};
const lesson = 'bench-lesson';
const rendition = '720p';
const repoRoot = fileURLToPath(new URL('../../', import.meta.url));

const startedAt = performance.now();
const elapsedSeconds = () => (performance.now() - startedAt) / 1000;
const progress = (message: string) => process.stderr.write(`[${elapsedSeconds().toFixed(0).padStart(3)} s] ${message}\n`);

setLogLevel('warn');
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
  await main();
} catch (error) {
  if (!interrupted) process.stderr.write(`relay throughput benchmark failed: ${(error as Error).stack ?? error}\n`);
  process.exitCode = 1;
} finally {
  await cleanup.runAll();
}

type Server = { name: string; workers: string; baseUrl: string; pids(): number[] };

type WrkResult = {
  round: number;
  server: string;
  workers: string;
  requests: number;
  requestsPerSecond: number;
  gigabitsPerSecond: number;
  p50Ms: number;
  p99Ms: number;
  maxMs: number;
  errors: number;
  serverCpuPercent: number;
  wrkCpuPercent: number;
};

async function main(): Promise<void> {
  const machine = { cpus: cpus().length, cpuModel: cpus()[0]?.model ?? 'unknown', node: process.version, loadAverage: loadavg()[0]! };
  const workDir = await mkdtemp(join(tmpdir(), 'classcast-bench-relay-throughput-'));
  cleanup.add(() => rm(workDir, { recursive: true, force: true }));
  console.log(`Relay throughput: ${machine.cpus} x ${machine.cpuModel}, node ${machine.node}; load average ${machine.loadAverage.toFixed(2)} at start`);
  console.log(
    `${run.segments} hot segments of ${run.segmentBytes / 1000} KB, wrk -t ${run.threads} -c ${run.connections} -d ${run.seconds}s (after ${run.warmupSeconds} s of warm-up) rotating over them, keep-alive, loopback.`,
  );
  console.log('The relay is one Node process (at most one core); wrk shares the same cores as the server under test.\n');

  const liveDir = join(workDir, 'live');
  const paths: string[] = [];
  await mkdir(join(liveDir, lesson, rendition), { recursive: true });
  for (let index = 0; index < run.segments; index++) {
    const file = `r1-${index}.m4s`;
    await writeFile(join(liveDir, lesson, rendition, file), fakeSegment(run.segmentBytes, index));
    paths.push(`/live/${lesson}/${rendition}/${file}`);
  }
  const origin = await startHttpServer({ host: '127.0.0.1', port: 0, routers: [liveRoutes(liveDir, () => undefined)], log: createLogger({ role: 'bench-origin' }), health: () => ({}) });
  cleanup.add(() => origin.close());

  progress('starting the relay and warming its cache');
  const relay = await startRelayProcess(`http://127.0.0.1:${origin.port}`, join(workDir, 'relay-data'), cleanup);
  for (const path of paths) {
    const response = await fetch(relay.baseUrl + path);
    const body = await response.arrayBuffer();
    if (response.status !== 200 || body.byteLength !== run.segmentBytes) throw new Error(`warming ${path}: HTTP ${response.status}, ${body.byteLength} bytes`);
  }
  const warmed = await relayStats(relay.baseUrl);

  const wrkScript = join(workDir, 'rotate.lua');
  await writeFile(wrkScript, wrkLua(paths));
  const results: WrkResult[] = [];
  const servers = [relay, await startNginx(join(workDir, 'nginx-1'), 1, workDir, cleanup), await startNginx(join(workDir, 'nginx-auto'), 'auto', workDir, cleanup)];
  for (let round = 1; round <= run.rounds; round++) {
    for (const server of servers) {
      progress(`round ${round}/${run.rounds}: ${server.name} (${server.workers}), ${run.warmupSeconds} s warm-up, then ${run.seconds} s measured`);
      await runWrk(server.baseUrl, wrkScript, run.warmupSeconds, cleanup);
      results.push(await measure(round, server, wrkScript));
    }
  }
  const after = await relayStats(relay.baseUrl);
  const upstreamRequestsDuringLoad = after.upstreamRequests - warmed.upstreamRequests;

  const ms = (value: number) => value.toFixed(1);
  console.log(
    textTable(
      ['server', 'workers', 'round', 'requests', 'req/s', 'Gb/s', 'p50 ms', 'p99 ms', 'max ms', 'errors', 'server CPU', 'wrk CPU'],
      results.map((r) => [
        r.server,
        r.workers,
        String(r.round),
        String(r.requests),
        r.requestsPerSecond.toFixed(0),
        r.gigabitsPerSecond.toFixed(2),
        ms(r.p50Ms),
        ms(r.p99Ms),
        ms(r.maxMs),
        String(r.errors),
        `${r.serverCpuPercent.toFixed(0)} %`,
        `${r.wrkCpuPercent.toFixed(0)} %`,
      ]),
    ),
  );
  console.log('CPU is % of one core over the measured window; the machine has', machine.cpus, 'cores in all.');
  const meanRate = (server: Server) => mean(results.filter((r) => r.server === server.name && r.workers === server.workers).map((r) => r.requestsPerSecond));
  const ratios = servers.slice(1).map((nginx) => ({
    against: `nginx ${nginx.workers} worker${nginx.workers === '1' ? '' : 's'}`,
    ratio: meanRate(relay) / meanRate(nginx),
  }));
  console.log(`\nMean requests/s over the rounds: ${servers.map((server) => `${server.name} (${server.workers}) ${meanRate(server).toFixed(0)}`).join(', ')}.`);
  for (const { against, ratio } of ratios) console.log(`relay / ${against}: ${ratio.toFixed(2)}x requests/s (target >= 0.8x)${ratio >= 0.8 ? '' : '  MISSED'}`);
  console.log(`Relay upstream requests during the load: ${upstreamRequestsDuringLoad} (every request answered from its memory cache: ${upstreamRequestsDuringLoad === 0 ? 'yes' : 'no'}).`);
  console.log(`\nLoad average ${loadavg()[0]!.toFixed(2)} at the end (other work on the machine counts too). Total ${elapsedSeconds().toFixed(0)} s.`);
  const figures = { bench: 'relay-throughput', machine, run, results, ratios, upstreamRequestsDuringLoad, totalSeconds: elapsedSeconds() };
  console.log(JSON.stringify(figures, (_key, value: unknown) => (typeof value === 'number' ? Math.round(value * 1000) / 1000 : value)));
}

async function measure(round: number, server: Server, wrkScript: string): Promise<WrkResult> {
  const pids = server.pids();
  const cpuStart = sampleCpu(pids);
  const wrkCpuStart = reapedChildrenCpuSeconds();
  const summary = await runWrk(server.baseUrl, wrkScript, run.seconds, cleanup);
  const wrkCpuSeconds = reapedChildrenCpuSeconds() - wrkCpuStart;
  const cpu = cpuBetween(cpuStart, sampleCpu(pids));
  const seconds = summary.durationUs / 1e6;
  return {
    round,
    server: server.name,
    workers: server.workers,
    requests: summary.requests,
    requestsPerSecond: summary.requests / seconds,
    gigabitsPerSecond: (summary.bytes * 8) / seconds / 1e9,
    p50Ms: summary.p50Us / 1000,
    p99Ms: summary.p99Us / 1000,
    maxMs: summary.maxUs / 1000,
    errors: summary.errors,
    serverCpuPercent: cpu.pidsPercent,
    wrkCpuPercent: (100 * wrkCpuSeconds) / cpu.wallSeconds,
  };
}

/** wrk's Lua: each thread rotates over the paths; `done` prints the figures as one JSON line. */
function wrkLua(paths: readonly string[]): string {
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

type WrkSummary = { requests: number; bytes: number; durationUs: number; errors: number; p50Us: number; p99Us: number; maxUs: number };

async function runWrk(baseUrl: string, script: string, seconds: number, cleanup: Cleanup): Promise<WrkSummary> {
  const args = ['-t', String(run.threads), '-c', String(run.connections), '-d', `${seconds}s`, '--timeout', '10s', '-s', script, baseUrl];
  const child = spawn('wrk', args, { stdio: ['ignore', 'pipe', 'pipe'] });
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

/** `classcast relay` as its own process on a free loopback port, stopped by `cleanup`. */
async function startRelayProcess(upstream: string, dataDir: string, cleanup: Cleanup): Promise<Server> {
  const args = ['bin/classcast.js', 'relay', '--upstream', upstream, '--http-port', '0', '--data-dir', dataDir, '--node-id', 'bench-relay', '--log-level', 'warn'];
  const child = spawn(process.execPath, args, { cwd: repoRoot, env: { ...process.env, CLASSCAST_HTTP_HOST: '127.0.0.1' }, stdio: ['ignore', 'pipe', 'pipe'] });
  let output = '';
  child.stderr.on('data', (chunk: Buffer) => (output = (output + chunk.toString()).slice(-2000)));
  const exited = new Promise<void>((resolve) => child.on('close', () => resolve()));
  cleanup.add(async () => {
    if (child.exitCode === null && child.signalCode === null) child.kill('SIGTERM');
    const timer = setTimeout(() => child.kill('SIGKILL'), 5000);
    await exited;
    clearTimeout(timer);
  });
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
  return { name: 'relay', workers: '1', baseUrl: `http://127.0.0.1:${port}`, pids: () => [child.pid!] };
}

async function relayStats(baseUrl: string): Promise<{ upstreamRequests: number; hits: number }> {
  const health = (await (await fetch(`${baseUrl}/healthz`)).json()) as { stats: { upstreamRequests: number; hits: number } };
  return health.stats;
}

/** nginx serving `root` (so /live/... is root/live/...), as a foreground master with its workers. */
async function startNginx(dir: string, workers: number | 'auto', root: string, cleanup: Cleanup): Promise<Server> {
  await mkdir(dir, { recursive: true });
  const port = await freePort();
  // As root, nginx would run its workers as `nobody`, who cannot read our private temp directory.
  const user = process.getuid?.() === 0 ? `user ${userInfo().username};` : '';
  const config = `${user}
worker_processes ${workers};
daemon off;
pid ${dir}/nginx.pid;
error_log ${dir}/error.log warn;
events { worker_connections 4096; }
http {
  access_log off;
  sendfile on;
  tcp_nopush on;
  keepalive_timeout 75s;
  keepalive_requests 1000000;
  open_file_cache max=1000 inactive=60s;
  client_body_temp_path ${dir}/client-body;
  proxy_temp_path ${dir}/proxy;
  fastcgi_temp_path ${dir}/fastcgi;
  uwsgi_temp_path ${dir}/uwsgi;
  scgi_temp_path ${dir}/scgi;
  types { video/iso.segment m4s; application/vnd.apple.mpegurl m3u8; video/mp4 mp4; }
  server {
    listen 127.0.0.1:${port};
    root ${root};
    location = /healthz { return 200 "ok\\n"; }
    location /live/ { add_header Cache-Control "public, max-age=31536000, immutable"; add_header Access-Control-Allow-Origin "*"; }
  }
}
`;
  await writeFile(join(dir, 'nginx.conf'), config);
  const child = spawn('nginx', ['-p', `${dir}/`, '-e', join(dir, 'error.log'), '-c', join(dir, 'nginx.conf')], { stdio: ['ignore', 'ignore', 'pipe'] });
  let stderr = '';
  child.stderr.on('data', (chunk: Buffer) => (stderr = (stderr + chunk.toString()).slice(-2000)));
  const exited = new Promise<void>((resolve) => {
    child.on('error', (error) => {
      stderr += `\n${error.message} (install it: apt-get install -y nginx-light)`;
      resolve();
    });
    child.on('close', () => resolve());
  });
  cleanup.add(async () => {
    if (child.exitCode === null && child.signalCode === null) child.kill('SIGTERM');
    const timer = setTimeout(() => child.kill('SIGKILL'), 5000);
    await exited;
    clearTimeout(timer);
  });
  const baseUrl = `http://127.0.0.1:${port}`;
  const deadline = Date.now() + 10_000;
  for (;;) {
    if (child.exitCode !== null) throw new Error(`nginx exited at start: ${stderr.trim()}`);
    const ok = await fetch(`${baseUrl}/healthz`).then((response) => response.ok, () => false);
    if (ok) break;
    if (Date.now() > deadline) throw new Error(`nginx did not answer on ${baseUrl} within 10 s: ${stderr.trim()}`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  const master = child.pid!;
  return { name: 'nginx', workers: String(workers), baseUrl, pids: () => [master, ...childProcesses(master, 'nginx')] };
}

/** A port free on loopback now (nginx needs one named in its configuration). */
function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as { port: number };
      server.close(() => resolve(port));
    });
  });
}

function mean(values: readonly number[]): number {
  return values.reduce((sum, value) => sum + value, 0) / values.length;
}

function boundedInteger(text: string, min: number, max: number, flag: string): number {
  const value = Number(text);
  if (!Number.isInteger(value) || value < min || value > max) throw new Error(`${flag}: expected a whole number from ${min} to ${max}, got '${text}'`);
  return value;
}
