// The thundering herd: 1,000 viewers ask the relay for the same fresh (uncached) segment at once
// while a slow origin takes ~500 ms to deliver it. We want one upstream request and the waiters
// done soon after the origin is; nginx with `proxy_cache_lock on` in front of the same origin is
// the yardstick. Several rounds, each on a new segment; after each, the same 1,000 fetch the now
// cached segment again, which is the fan-out floor. Loopback only, within 2 minutes.
//   node --import tsx scripts/bench/relay-herd.ts [--clients 1000] [--rounds 5] [--segment-kb 500]
// The 1,000 clients run in this process; the slow origin (slow-origin-server.ts) and the relay
// (bin/classcast.js relay) in their own, nginx as its own master and workers. All share the
// machine's cores.
import { mkdir } from 'node:fs/promises';
import { Agent, request as httpRequest } from 'node:http';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { elapsedSeconds, progress } from './bench-clock.ts';
import { boundedInteger } from './bounded-integer.ts';
import type { Cleanup } from './cleanup.ts';
import { figuresJson } from './figures-json.ts';
import { describeMachine, loadAverageAtEnd, machineAtStart } from './machine.ts';
import { startNginx, type NginxSite } from './nginx-process.ts';
import { percentile } from './percentile.ts';
import { startRelayProcess } from './relay-process.ts';
import { runBench } from './run-bench.ts';
import { startSlowOrigin } from './slow-origin.ts';
import { textTable } from './text-table.ts';
import { createWorkDir } from './work-dir.ts';

const { values } = parseArgs({
  options: {
    clients: { type: 'string', default: '1000' },
    rounds: { type: 'string', default: '5' },
    'segment-kb': { type: 'string', default: '500' },
    'origin-ms': { type: 'string', default: '500' },
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

await runBench('relay herd benchmark', ['nginx'], main);

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
  const machine = describeMachine();
  const workDir = await createWorkDir('relay-herd', cleanup);
  console.log(machineAtStart('Relay herd', machine));
  console.log(
    `${run.clients} clients ask at once for a fresh ${run.segmentBytes / 1000} KB segment; the origin sends it over ${run.originMs} ms (headers at once, body in ${run.originPieces} pieces); ${run.rounds} rounds, a new segment each, the servers taking turns.`,
  );
  console.log('The clients run in this node process, the slow origin and the relay in processes of their own; nginx uses proxy_cache_lock on.\n');

  const origin = await startSlowOrigin({ segmentBytes: run.segmentBytes, originMs: run.originMs, originPieces: run.originPieces }, cleanup);
  const upstream = `http://127.0.0.1:${origin.port}`;
  // All three stay up and take turns each round, so noise from anything else on the machine
  // falls on all of them alike.
  const nginxServer = async (name: string, workers: number | 'auto'): Promise<Server> => {
    const dir = join(workDir, name);
    await mkdir(join(dir, 'cache'), { recursive: true });
    const nginx = await startNginx(dir, workers, nginxCachingProxy(join(dir, 'cache'), upstream), cleanup);
    return { name: `nginx ${workers === 1 ? '1 worker' : `${workers} workers`}`, baseUrl: nginx.baseUrl };
  };
  const servers: Server[] = [
    { name: 'relay', baseUrl: (await startRelayProcess(upstream, join(workDir, 'relay-data'), cleanup)).baseUrl },
    await nginxServer('nginx-1', 1),
    await nginxServer('nginx-auto', 'auto'),
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
  console.log(`${loadAverageAtEnd()} Total ${elapsedSeconds().toFixed(0)} s.`);
  const figures = { bench: 'relay-herd', machine, run, results, totalSeconds: elapsedSeconds() };
  console.log(figuresJson(figures, 1));
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

/** nginx as a caching proxy of `upstream`, with proxy_cache_lock: one upstream fetch per object, the rest wait. */
function nginxCachingProxy(cacheDir: string, upstream: string): NginxSite {
  return {
    main: ['worker_rlimit_nofile 8192;'],
    http: [`proxy_cache_path ${cacheDir} levels=1:2 keys_zone=segments:10m max_size=1g inactive=10m use_temp_path=off;`],
    listenParameters: 'backlog=4096',
    server: [
      'location /live/ {',
      `  proxy_pass ${upstream};`,
      '  proxy_http_version 1.1;',
      '  proxy_set_header Connection "";',
      '  proxy_cache segments;',
      '  proxy_cache_lock on;',
      '  proxy_cache_lock_timeout 10s;',
      '  proxy_cache_lock_age 10s;',
      '  proxy_cache_valid 200 10m;',
      '}',
    ],
  };
}
