// The thundering herd: 1,000 viewers ask the relay for the same fresh (uncached) segment at once
// while a slow origin takes ~500 ms to deliver it. We want one upstream request and the waiters
// done soon after the origin is; nginx with `proxy_cache_lock on` in front of the same origin is
// the yardstick. Several rounds, each on a new segment; after each, the same 1,000 fetch the now
// cached segment again, which is the fan-out floor. Loopback only, within 2 minutes.
//   node --import tsx scripts/bench/relay-herd.ts [--clients 1000] [--rounds 5] [--segment-kb 500]
// The 1,000 clients run in this process; the slow origin (this script with --serve-origin) and the
// relay (bin/classcast.js relay) in their own, nginx as its own master and workers. All share the
// machine's cores.
import { fork, spawn } from 'node:child_process';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { Agent, createServer as createHttpServer, request as httpRequest } from 'node:http';
import { createServer as createNetServer } from 'node:net';
import { cpus, loadavg, tmpdir, userInfo } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { fakeSegment } from '../../test/helpers/fake-upstream.ts';
import { createCleanup, type Cleanup } from './cleanup.ts';
import { percentile } from './percentile.ts';
import { textTable } from './text-table.ts';

const { values } = parseArgs({
  options: {
    clients: { type: 'string', default: '1000' },
    rounds: { type: 'string', default: '5' },
    'segment-kb': { type: 'string', default: '500' },
    'origin-ms': { type: 'string', default: '500' },
    /** Internal: run as the slow origin, a child of the benchmark. */
    'serve-origin': { type: 'boolean', default: false },
  },
});
const run = {
  clients: boundedInteger(values.clients!, 1, 5000, '--clients'),
  rounds: boundedInteger(values.rounds!, 1, 20, '--rounds'),
  segmentBytes: boundedInteger(values['segment-kb']!, 1, 10_000, '--segment-kb') * 1000,
  /** How long the origin takes to send a segment: headers at once, then the body in even pieces. */
  originMs: boundedInteger(values['origin-ms']!, 50, 1500, '--origin-ms'),
  originPieces: 10,
  requestTimeoutMs: 15_000,
};
const budgetSeconds = 170;
const lesson = 'bench-lesson';
const rendition = '720p';
const repoRoot = fileURLToPath(new URL('../../', import.meta.url));

const startedAt = performance.now();
const elapsedSeconds = () => (performance.now() - startedAt) / 1000;
const progress = (message: string) => process.stderr.write(`[${elapsedSeconds().toFixed(0).padStart(3)} s] ${message}\n`);

if (values['serve-origin']) {
  await serveSlowOrigin();
} else {
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
    if (!interrupted) process.stderr.write(`relay herd benchmark failed: ${(error as Error).stack ?? error}\n`);
    process.exitCode = 1;
  } finally {
    await cleanup.runAll();
  }
}

type Server = { name: string; baseUrl: string };

type Round = {
  segment: string;
  upstreamRequests: number;
  /** The origin's own time from the first request for the segment to its last byte sent. */
  originDeliveryMs: number;
  /** Each waiter's time from sending its request to the last byte, cold (the herd) and hot (cached). */
  coldMs: number[];
  /** Each cold waiter's time to its first body byte. */
  coldFirstByteMs: number[];
  hotMs: number[];
  errors: number;
};

type ServerResult = {
  server: string;
  rounds: number;
  waiters: number;
  coldP50Ms: number;
  coldP99Ms: number;
  coldMaxMs: number;
  coldFirstByteP50Ms: number;
  addedP50Ms: number;
  addedP99Ms: number;
  hotP50Ms: number;
  hotP99Ms: number;
  originDeliveryP50Ms: number;
  upstreamRequestsPerRound: number[];
  errors: number;
};

async function main(cleanup: Cleanup): Promise<void> {
  const machine = { cpus: cpus().length, cpuModel: cpus()[0]?.model ?? 'unknown', node: process.version, loadAverage: loadavg()[0]! };
  const workDir = await mkdtemp(join(tmpdir(), 'classcast-bench-relay-herd-'));
  cleanup.add(() => rm(workDir, { recursive: true, force: true }));
  console.log(`Relay herd: ${machine.cpus} x ${machine.cpuModel}, node ${machine.node}; load average ${machine.loadAverage.toFixed(2)} at start`);
  console.log(
    `${run.clients} clients ask at once for a fresh ${run.segmentBytes / 1000} KB segment; the origin sends it over ${run.originMs} ms (headers at once, body in ${run.originPieces} pieces); ${run.rounds} rounds, a new segment each, the servers taking turns.`,
  );
  console.log('The clients run in this node process, the slow origin and the relay in processes of their own; nginx uses proxy_cache_lock on.\n');

  const origin = await startSlowOrigin(cleanup);
  const upstream = `http://127.0.0.1:${origin.port}`;
  // All three stay up and take turns each round, so noise from anything else on the machine
  // falls on all of them alike.
  const servers = [
    await startRelayProcess(upstream, join(workDir, 'relay-data'), cleanup),
    await startNginx(join(workDir, 'nginx-1'), 1, upstream, cleanup),
    await startNginx(join(workDir, 'nginx-auto'), 'auto', upstream, cleanup),
  ];
  const agents = new Map<Server, Agent>();
  for (const server of servers) {
    const agent = new Agent({ keepAlive: true, maxSockets: run.clients, maxFreeSockets: run.clients, scheduling: 'fifo' });
    cleanup.add(async () => agent.destroy());
    agents.set(server, agent);
    progress(`${server.name}: opening ${run.clients} keep-alive connections`);
    await openConnections(server.baseUrl, agent);
  }
  const rounds = new Map<Server, Round[]>(servers.map((server) => [server, []]));
  for (let round = 1; round <= run.rounds; round++) {
    if (elapsedSeconds() > budgetSeconds) {
      progress(`out of time after ${round - 1} rounds`);
      break;
    }
    for (const [serverIndex, server] of servers.entries()) {
      const file = `r1-${round * 10 + serverIndex}.m4s`;
      const path = `/live/${lesson}/${rendition}/${file}`;
      progress(`round ${round}/${run.rounds}: ${server.name}, ${file}`);
      const agent = agents.get(server)!;
      const cold = await herd(server.baseUrl, path, agent);
      const hot = await herd(server.baseUrl, path, agent);
      // The origin's reports come over IPC: let the last ones arrive.
      await new Promise((resolve) => setTimeout(resolve, 300));
      const delivery = origin.deliveries.get(path);
      rounds.get(server)!.push({
        segment: file,
        upstreamRequests: origin.requests.get(path) ?? 0,
        originDeliveryMs: delivery?.endMs !== undefined ? delivery.endMs - delivery.startMs : Number.NaN,
        coldMs: cold.durationsMs,
        coldFirstByteMs: cold.firstByteMs,
        hotMs: hot.durationsMs,
        errors: cold.errors + hot.errors,
      });
    }
  }
  const results = servers.map((server) => summarize(server.name, rounds.get(server)!));

  const ms = (value: number) => value.toFixed(0);
  console.log(
    textTable(
      ['server', 'waiters', 'first byte p50 ms', 'cold p50 ms', 'cold p99 ms', 'cold max ms', 'added p50 ms', 'added p99 ms', 'hot p50 ms', 'hot p99 ms', 'upstream requests per round', 'errors'],
      results.map((r) => [
        r.server,
        String(r.waiters),
        ms(r.coldFirstByteP50Ms),
        ms(r.coldP50Ms),
        ms(r.coldP99Ms),
        ms(r.coldMaxMs),
        ms(r.addedP50Ms),
        ms(r.addedP99Ms),
        ms(r.hotP50Ms),
        ms(r.hotP99Ms),
        r.upstreamRequestsPerRound.join(' '),
        String(r.errors),
      ]),
    ),
  );
  const originP50 = percentile(results.map((r) => r.originDeliveryP50Ms), 50);
  console.log(`\ncold: the ${run.clients} waiters of a fresh segment, each timed from its request to its last byte (all rounds together).`);
  console.log('first byte: a cold waiter\'s time to the first byte of the body.');
  console.log(`added: a waiter's time minus the origin's own delivery time of that segment (p50 ${originP50.toFixed(0)} ms).`);
  console.log('hot: the same clients fetching the same segment again, now cached: the fan-out floor on this machine.');
  const ours = results.find((r) => r.server === 'relay');
  if (ours) {
    const single = ours.upstreamRequestsPerRound.every((count) => count === 1);
    console.log(`Relay: one upstream request per fresh segment: ${single ? 'yes' : `NO (${ours.upstreamRequestsPerRound.join(', ')})`}.`);
  }
  console.log(`Load average ${loadavg()[0]!.toFixed(2)} at the end (other work on the machine counts too). Total ${elapsedSeconds().toFixed(0)} s.`);
  const figures = { bench: 'relay-herd', machine, run, results, totalSeconds: elapsedSeconds() };
  console.log(JSON.stringify(figures, (_key, value: unknown) => (typeof value === 'number' ? Math.round(value * 10) / 10 : value)));
}

function summarize(server: string, rounds: readonly Round[]): ServerResult {
  const cold = rounds.flatMap((round) => round.coldMs);
  const added = rounds.flatMap((round) => round.coldMs.map((value) => value - round.originDeliveryMs));
  const hot = rounds.flatMap((round) => round.hotMs);
  return {
    server,
    rounds: rounds.length,
    waiters: cold.length,
    coldP50Ms: percentile(cold, 50),
    coldP99Ms: percentile(cold, 99),
    coldMaxMs: Math.max(...cold),
    coldFirstByteP50Ms: percentile(rounds.flatMap((round) => round.coldFirstByteMs), 50),
    addedP50Ms: percentile(added, 50),
    addedP99Ms: percentile(added, 99),
    hotP50Ms: percentile(hot, 50),
    hotP99Ms: percentile(hot, 99),
    originDeliveryP50Ms: percentile(rounds.map((round) => round.originDeliveryMs), 50),
    upstreamRequestsPerRound: rounds.map((round) => round.upstreamRequests),
    errors: rounds.reduce((sum, round) => sum + round.errors, 0),
  };
}

/** Every client asks for `path` in the same tick; resolves when all have finished or failed. */
async function herd(baseUrl: string, path: string, agent: Agent): Promise<{ durationsMs: number[]; firstByteMs: number[]; errors: number }> {
  const url = new URL(path, baseUrl);
  const durationsMs: number[] = [];
  const firstByteMs: number[] = [];
  let errors = 0;
  const one = () =>
    new Promise<void>((resolve) => {
      const sentAt = performance.now();
      const fail = () => {
        errors++;
        resolve();
      };
      const request = httpRequest({ host: url.hostname, port: url.port, path, agent }, (response) => {
        let bytes = 0;
        response.on('data', (chunk: Buffer) => {
          if (bytes === 0) firstByteMs.push(performance.now() - sentAt);
          bytes += chunk.length;
        });
        response.on('end', () => {
          if (response.statusCode === 200 && bytes === run.segmentBytes) durationsMs.push(performance.now() - sentAt);
          else errors++;
          resolve();
        });
        response.on('error', fail);
      });
      request.setTimeout(run.requestTimeoutMs, () => request.destroy(new Error('timed out')));
      request.on('error', fail);
      request.end();
    });
  await Promise.all(Array.from({ length: run.clients }, one));
  return { durationsMs, firstByteMs, errors };
}

/** Fills the agent with one open connection per client, so the herd measures waiting, not connecting. */
async function openConnections(baseUrl: string, agent: Agent): Promise<void> {
  const url = new URL('/healthz', baseUrl);
  await Promise.all(
    Array.from(
      { length: run.clients },
      () =>
        new Promise<void>((resolve, reject) => {
          const request = httpRequest({ host: url.hostname, port: url.port, path: url.pathname, agent }, (response) => {
            response.resume();
            response.on('end', () => resolve());
          });
          request.setTimeout(run.requestTimeoutMs, () => request.destroy(new Error('timed out opening connections')));
          request.on('error', reject);
          request.end();
        }),
    ),
  );
  const open = Object.values(agent.freeSockets).reduce((sum, sockets) => sum + (sockets?.length ?? 0), 0);
  if (open < run.clients) progress(`only ${open} of ${run.clients} connections stayed open; the rest will connect during the herd`);
}

type Delivery = { startMs: number; endMs?: number };
type SlowOrigin = { port: number; requests: Map<string, number>; deliveries: Map<string, Delivery> };
type OriginMessage = { type: 'listening'; port: number } | { type: 'request'; path: string } | { type: 'delivered'; path: string; startMs: number; endMs: number };

/**
 * The slow origin in a child process of its own (this script with --serve-origin), so the clients
 * receiving bytes here do not delay its timers. It reports each request and delivery back.
 */
async function startSlowOrigin(cleanup: Cleanup): Promise<SlowOrigin> {
  const args = ['--serve-origin', '--segment-kb', String(run.segmentBytes / 1000), '--origin-ms', String(run.originMs)];
  const child = fork(fileURLToPath(import.meta.url), args, { execArgv: ['--import', 'tsx'], stdio: ['ignore', 'inherit', 'inherit', 'ipc'] });
  const exited = new Promise<void>((resolve) => child.on('close', () => resolve()));
  cleanup.add(async () => {
    if (child.exitCode === null && child.signalCode === null) child.kill('SIGTERM');
    const timer = setTimeout(() => child.kill('SIGKILL'), 5000);
    await exited;
    clearTimeout(timer);
  });
  const requests = new Map<string, number>();
  const deliveries = new Map<string, Delivery>();
  const port = await new Promise<number>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error('the slow origin did not start within 20 s')), 20_000);
    child.on('message', (message: OriginMessage) => {
      if (message.type === 'listening') {
        clearTimeout(timer);
        resolve(message.port);
      } else if (message.type === 'request') {
        requests.set(message.path, (requests.get(message.path) ?? 0) + 1);
      } else if (!deliveries.has(message.path)) {
        deliveries.set(message.path, { startMs: message.startMs, endMs: message.endMs });
      }
    });
    void exited.then(() => reject(new Error('the slow origin exited at start')));
  });
  return { port, requests, deliveries };
}

/** The child's side: any segment name under /live gets one fixed body, headers at once, body slowly. */
async function serveSlowOrigin(): Promise<void> {
  const report = (message: OriginMessage) => process.send?.(message);
  const body = fakeSegment(run.segmentBytes);
  const pieceBytes = Math.ceil(body.length / run.originPieces);
  const server = createHttpServer((request, response) => {
    const path = (request.url ?? '/').split('?')[0]!;
    report({ type: 'request', path });
    if (!/^\/live\/[\w-]+\/[\w-]+\/r\d+-\d+\.m4s$/.test(path)) return void response.writeHead(404).end();
    const startMs = performance.now();
    response.writeHead(200, { 'Content-Type': 'video/iso.segment', 'Content-Length': body.length, 'Cache-Control': 'public, max-age=31536000, immutable' });
    let piece = 0;
    const sendPiece = () => {
      if (response.destroyed) return;
      response.write(body.subarray(piece * pieceBytes, (piece + 1) * pieceBytes));
      piece++;
      if (piece < run.originPieces) return void setTimeout(sendPiece, run.originMs / run.originPieces);
      response.end(() => report({ type: 'delivered', path, startMs, endMs: performance.now() }));
    };
    sendPiece();
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  // The benchmark going away (normally or not) ends the origin.
  process.once('disconnect', () => process.exit(0));
  process.once('SIGTERM', () => process.exit(0));
  report({ type: 'listening', port: (server.address() as { port: number }).port });
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
  return { name: 'relay', baseUrl: `http://127.0.0.1:${port}` };
}

/** nginx as a caching proxy of `upstream` with proxy_cache_lock, foreground master and workers. */
async function startNginx(dir: string, workers: number | 'auto', upstream: string, cleanup: Cleanup): Promise<Server> {
  await mkdir(join(dir, 'cache'), { recursive: true });
  const port = await freePort();
  // As root, nginx would run its workers as `nobody`, who cannot write to our private temp directory.
  const user = process.getuid?.() === 0 ? `user ${userInfo().username};` : '';
  const config = `${user}
worker_processes ${workers};
daemon off;
pid ${dir}/nginx.pid;
error_log ${dir}/error.log warn;
worker_rlimit_nofile 8192;
events { worker_connections 4096; }
http {
  access_log off;
  keepalive_timeout 75s;
  keepalive_requests 1000000;
  client_body_temp_path ${dir}/client-body;
  proxy_temp_path ${dir}/proxy;
  fastcgi_temp_path ${dir}/fastcgi;
  uwsgi_temp_path ${dir}/uwsgi;
  scgi_temp_path ${dir}/scgi;
  proxy_cache_path ${dir}/cache levels=1:2 keys_zone=segments:10m max_size=1g inactive=10m use_temp_path=off;
  server {
    listen 127.0.0.1:${port} backlog=4096;
    location = /healthz { return 200 "ok\\n"; }
    location /live/ {
      proxy_pass ${upstream};
      proxy_http_version 1.1;
      proxy_set_header Connection "";
      proxy_cache segments;
      proxy_cache_lock on;
      proxy_cache_lock_timeout 10s;
      proxy_cache_lock_age 10s;
      proxy_cache_valid 200 10m;
    }
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
  return { name: `nginx ${workers === 1 ? '1 worker' : `${workers} workers`}`, baseUrl };
}

/** A port free on loopback now (nginx needs one named in its configuration). */
function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createNetServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as { port: number };
      server.close(() => resolve(port));
    });
  });
}

function boundedInteger(text: string, min: number, max: number, flag: string): number {
  const value = Number(text);
  if (!Number.isInteger(value) || value < min || value > max) throw new Error(`${flag}: expected a whole number from ${min} to ${max}, got '${text}'`);
  return value;
}
