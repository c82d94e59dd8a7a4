// Relay throughput on hot segments, against nginx serving the same files from disk, in one run:
// 20 segments of 500 KB (2 s of 2 Mb/s video each) already in the relay's cache, fetched by wrk
// over keep-alive connections, rotating over the 20 URLs. The servers take turns, twice, so other
// work on the machine falls on all of them alike; each round starts with the next server, so none
// always runs right after another's load. Loopback only, within 3 minutes.
// On a shared machine requests/s swing with whatever else runs, so the table also gives each
// server's CPU time per request (its own cost, which contention moves far less) and the ratio of
// each round on its own, to show the spread.
//   node --import tsx scripts/bench/relay-throughput.ts [--seconds 15] [--rounds 2] [--connections 100] [--threads 2]
//     [--nginx-workers 1,auto]   (the nginx set-ups to compare with; `1` alone gives more pairs per minute)
//     [--relay-cpu-prof DIR]   (the relay's V8 CPU profile, written to DIR when it stops)
// The relay runs as its own process (bin/classcast.js relay), a single Node process: one core at
// most. nginx runs with one worker (the per-core comparison) and with `auto` (one per core).
// The verdict is the median of the rounds' ratios: a round's relay and nginx runs are seconds
// apart, so they share that round's contention, and one noisy round moves a median less than a mean.
// wrk, the relay or nginx, and this script share the machine's cores: the figures are a floor.
import { randomBytes } from 'node:crypto';
import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { startHttpServer } from '../../services/core/http-server.ts';
import { createLogger, setLogLevel } from '../../services/core/log.ts';
import { liveRoutes } from '../../services/origin/live-routes.ts';
import { createPlaybackGuard } from '../../services/media-http/playback-guard.ts';
import { fakeSegment } from '../../test/helpers/fake-upstream.ts';
import { elapsedSeconds, progress } from './bench-clock.ts';
import { boundedInteger } from './bounded-integer.ts';
import type { Cleanup } from './cleanup.ts';
import { figuresJson } from './figures-json.ts';
import { describeMachine, loadAverageAtEnd, machineAtStart } from './machine.ts';
import { startNginx, type NginxSite } from './nginx-process.ts';
import { percentile } from './percentile.ts';
import { cpuBetween, reapedChildrenCpuSeconds, sampleCpu } from './process-cpu.ts';
import { fetchRelayStats, startRelayProcess } from './relay-process.ts';
import { runBench } from './run-bench.ts';
import { textTable } from './text-table.ts';
import { createWorkDir } from './work-dir.ts';
import { runWrk, wrkLua } from './wrk.ts';

const { values } = parseArgs({
  options: {
    seconds: { type: 'string', default: '15' },
    connections: { type: 'string', default: '100' },
    threads: { type: 'string', default: '2' },
    rounds: { type: 'string', default: '2' },
    segments: { type: 'string', default: '20' },
    'segment-kb': { type: 'string', default: '500' },
    'nginx-workers': { type: 'string', default: '1,auto' },
    'relay-cpu-prof': { type: 'string' },
  },
});
const run = {
  seconds: boundedInteger(values.seconds!, 1, 40, '--seconds'),
  warmupSeconds: 3,
  connections: boundedInteger(values.connections!, 1, 1000, '--connections'),
  threads: boundedInteger(values.threads!, 1, 8, '--threads'),
  rounds: boundedInteger(values.rounds!, 1, 10, '--rounds'),
  segments: boundedInteger(values.segments!, 1, 200, '--segments'),
  segmentBytes: boundedInteger(values['segment-kb']!, 1, 10_000, '--segment-kb') * 1000,
  nginxWorkers: values['nginx-workers']!.split(',').map((text) => (text === 'auto' ? ('auto' as const) : boundedInteger(text, 1, 64, '--nginx-workers'))),
};
const lesson = 'bench-lesson';
const rendition = '720p';

setLogLevel('warn');
await runBench('relay throughput benchmark', ['nginx', 'wrk'], main);

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
  /** The server's CPU time (all its processes) per request answered. */
  serverCpuUsPerRequest: number;
  wrkCpuPercent: number;
};

async function main(cleanup: Cleanup): Promise<void> {
  const machine = describeMachine();
  const workDir = await createWorkDir('relay-throughput', cleanup);
  console.log(machineAtStart('Relay throughput', machine));
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
  const origin = await startHttpServer({ host: '127.0.0.1', port: 0, routers: [liveRoutes(liveDir, () => undefined, createPlaybackGuard({ secrets: [randomBytes(32).toString('base64url')], tokenTtlSeconds: 3600 }))], log: createLogger({ role: 'bench-origin' }), health: () => ({}) });
  cleanup.add(() => origin.close());

  progress('starting the relay and warming its cache');
  const profileDir = values['relay-cpu-prof'];
  const relayProcess = await startRelayProcess(`http://127.0.0.1:${origin.port}`, join(workDir, 'relay-data'), cleanup, profileDir ? ['--cpu-prof', `--cpu-prof-dir=${profileDir}`] : []);
  const relay: Server = { name: 'relay', workers: '1', baseUrl: relayProcess.baseUrl, pids: () => [relayProcess.pid] };
  for (const path of paths) {
    const response = await fetch(relay.baseUrl + path);
    const body = await response.arrayBuffer();
    if (response.status !== 200 || body.byteLength !== run.segmentBytes) throw new Error(`warming ${path}: HTTP ${response.status}, ${body.byteLength} bytes`);
  }
  const warmed = await fetchRelayStats(relay.baseUrl);

  const wrkScript = join(workDir, 'rotate.lua');
  await writeFile(wrkScript, wrkLua(paths));
  const results: WrkResult[] = [];
  const nginxServer = async (dir: string, workers: number | 'auto'): Promise<Server> => ({ name: 'nginx', ...(await startNginx(join(workDir, dir), workers, nginxServingFiles(workDir), cleanup)) });
  const servers = [relay];
  for (const workers of run.nginxWorkers) servers.push(await nginxServer(`nginx-${workers}`, workers));
  for (let round = 1; round <= run.rounds; round++) {
    const first = (round - 1) % servers.length;
    for (const server of [...servers.slice(first), ...servers.slice(0, first)]) {
      progress(`round ${round}/${run.rounds}: ${server.name} (${server.workers}), ${run.warmupSeconds} s warm-up, then ${run.seconds} s measured`);
      await runWrk(server.baseUrl, wrkScript, { ...run, seconds: run.warmupSeconds }, cleanup);
      results.push(await measure(round, server, wrkScript, cleanup));
    }
  }
  const after = await fetchRelayStats(relay.baseUrl);
  const upstreamRequestsDuringLoad = after.upstreamRequests - warmed.upstreamRequests;

  const ms = (value: number) => value.toFixed(1);
  console.log(
    textTable(
      ['server', 'workers', 'round', 'requests', 'req/s', 'Gb/s', 'p50 ms', 'p99 ms', 'max ms', 'errors', 'server CPU', 'CPU µs/req', 'wrk CPU'],
      [...results].sort((a, b) => a.round - b.round).map((r) => [
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
        r.serverCpuUsPerRequest.toFixed(0),
        `${r.wrkCpuPercent.toFixed(0)} %`,
      ]),
    ),
  );
  console.log('CPU is % of one core over the measured window; the machine has', machine.cpus, 'cores in all.');
  const of = (server: Server) => results.filter((r) => r.server === server.name && r.workers === server.workers);
  const meanRate = (server: Server) => mean(of(server).map((r) => r.requestsPerSecond));
  const meanCpuPerRequest = (server: Server) => mean(of(server).map((r) => r.serverCpuUsPerRequest));
  const ratios = servers.slice(1).map((nginx) => {
    const relayRounds = of(relay);
    const perRound = of(nginx).map((r) => relayRounds.find((own) => own.round === r.round)!.requestsPerSecond / r.requestsPerSecond);
    return {
      against: `nginx ${nginx.workers} worker${nginx.workers === '1' ? '' : 's'}`,
      ratio: meanRate(relay) / meanRate(nginx),
      perRound,
      medianPerRound: percentile(perRound, 50),
      cpuPerRequestRatio: meanCpuPerRequest(relay) / meanCpuPerRequest(nginx),
    };
  });
  console.log(`\nMean requests/s over the rounds: ${servers.map((server) => `${server.name} (${server.workers}) ${meanRate(server).toFixed(0)}`).join(', ')}.`);
  for (const { against, ratio, perRound, medianPerRound, cpuPerRequestRatio } of ratios) {
    console.log(
      `relay / ${against}: median of the rounds ${medianPerRound.toFixed(2)}x requests/s (target >= 0.8x)${medianPerRound >= 0.8 ? '' : '  MISSED'}; by round ${perRound.map((value) => value.toFixed(2)).join(', ')} (${Math.min(...perRound).toFixed(2)} to ${Math.max(...perRound).toFixed(2)}); ratio of the means ${ratio.toFixed(2)}x; CPU per request ${cpuPerRequestRatio.toFixed(2)}x nginx's.`,
    );
  }
  console.log(`Relay upstream requests during the load: ${upstreamRequestsDuringLoad} (every request answered from its memory cache: ${upstreamRequestsDuringLoad === 0 ? 'yes' : 'no'}).`);
  console.log(`\n${loadAverageAtEnd()} Total ${elapsedSeconds().toFixed(0)} s.`);
  const figures = { bench: 'relay-throughput', machine, run, results, ratios, upstreamRequestsDuringLoad, totalSeconds: elapsedSeconds() };
  console.log(figuresJson(figures, 3));
}

async function measure(round: number, server: Server, wrkScript: string, cleanup: Cleanup): Promise<WrkResult> {
  const pids = server.pids();
  const cpuStart = sampleCpu(pids);
  const wrkCpuStart = reapedChildrenCpuSeconds();
  const summary = await runWrk(server.baseUrl, wrkScript, run, cleanup);
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
    serverCpuUsPerRequest: (cpu.pidsPercent / 100) * cpu.wallSeconds * 1e6 / Math.max(1, summary.requests),
    wrkCpuPercent: (100 * wrkCpuSeconds) / cpu.wallSeconds,
  };
}

/** nginx serving the segments from disk under `root` (so /live/... is root/live/...). */
function nginxServingFiles(root: string): NginxSite {
  return {
    http: [
      'sendfile on;',
      'tcp_nopush on;',
      'open_file_cache max=1000 inactive=60s;',
      'types { video/iso.segment m4s; application/vnd.apple.mpegurl m3u8; video/mp4 mp4; }',
    ],
    server: [`root ${root};`, 'location /live/ { add_header Cache-Control "public, max-age=31536000, immutable"; add_header Access-Control-Allow-Origin "*"; }'],
  };
}

function mean(values: readonly number[]): number {
  return values.reduce((sum, value) => sum + value, 0) / values.length;
}
