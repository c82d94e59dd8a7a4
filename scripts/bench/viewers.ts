// How many HLS viewers one relay process holds. A fake live origin appends a 2 s segment of
// 375 KB (1.5 Mb/s) every 2 s; each simulated viewer polls the media playlist through the relay
// about every second and downloads each new segment as it appears. Viewers are added in steps of
// ~16 s; a step holds while the p99 segment download time stays within the segment duration (2 s),
// under 1 % of requests fail and no viewer falls two segments behind the live edge. Loopback
// only, within 3 minutes.
//   node --import tsx scripts/bench/viewers.ts [--steps 100,400,800,1200,1600,2000,2400,2800,3200] [--step-seconds 16]
// The viewers run in this node process (the load generator); the relay runs as its own process
// (bin/classcast.js relay) so it does not share their event loop; the origin is a third process
// (this script with --serve-origin). All share the machine's cores.
import { fork, spawn } from 'node:child_process';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { Agent, createServer, request as httpRequest } from 'node:http';
import { cpus, loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { fakeSegment } from '../../test/helpers/fake-upstream.ts';
import { createCleanup, type Cleanup } from './cleanup.ts';
import { percentile } from './percentile.ts';
import { cpuBetween, sampleCpu } from './process-cpu.ts';
import { textTable } from './text-table.ts';

const { values } = parseArgs({
  options: {
    steps: { type: 'string', default: '100,400,800,1200,1600,2000,2400,2800,3200' },
    'step-seconds': { type: 'string', default: '16' },
    /** Internal: run as the fake live origin, a child of the benchmark. */
    'serve-origin': { type: 'boolean', default: false },
  },
});
const run = {
  steps: values.steps!.split(',').map((text) => boundedInteger(text, 1, 10_000, '--steps')),
  stepSeconds: boundedInteger(values['step-seconds']!, 5, 60, '--step-seconds'),
  /** Seconds at the start of a step not measured: its new viewers joining and settling. */
  settleSeconds: 5,
  segmentSeconds: 2,
  segmentBytes: 375_000,
  pollMs: 1000,
  requestTimeoutMs: 10_000,
  /** Seconds for all the steps, leaving room for start-up and teardown in the 3 minutes. */
  budgetSeconds: 150,
  maxErrorRate: 0.01,
};
const playlistWindow = 6;
const lesson = 'bench-lesson';
const rendition = '720p';
const playlistPath = `/live/${lesson}/${rendition}/index.m3u8`;
const initFile = 'init-r1-720p.mp4';
const repoRoot = fileURLToPath(new URL('../../', import.meta.url));

const startedAt = performance.now();
const elapsedSeconds = () => (performance.now() - startedAt) / 1000;
const progress = (message: string) => process.stderr.write(`[${elapsedSeconds().toFixed(0).padStart(3)} s] ${message}\n`);

if (values['serve-origin']) {
  await serveLiveOrigin();
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
    if (!interrupted) process.stderr.write(`viewers benchmark failed: ${(error as Error).stack ?? error}\n`);
    process.exitCode = 1;
  } finally {
    await cleanup.runAll();
  }
}

type Fetch = { kind: 'playlist' | 'segment'; startedAtMs: number; durationMs: number; bytes: number; ok: boolean };

type Step = {
  viewers: number;
  segmentFetches: number;
  segmentP50Ms: number;
  segmentP99Ms: number;
  segmentMaxMs: number;
  playlistP99Ms: number;
  errors: number;
  errorRate: number;
  /** Viewers, at the end of the step, two or more segments behind the newest one listed. */
  behind: number;
  gigabitsPerSecond: number;
  relayCpuPercent: number;
  loadGeneratorCpuPercent: number;
  relayRssMb: number;
  holds: boolean;
};

async function main(cleanup: Cleanup): Promise<void> {
  const machine = { cpus: cpus().length, cpuModel: cpus()[0]?.model ?? 'unknown', node: process.version, loadAverage: loadavg()[0]! };
  const workDir = await mkdtemp(join(tmpdir(), 'classcast-bench-viewers-'));
  cleanup.add(() => rm(workDir, { recursive: true, force: true }));
  console.log(`Viewers per relay: ${machine.cpus} x ${machine.cpuModel}, node ${machine.node}; load average ${machine.loadAverage.toFixed(2)} at start`);
  console.log(
    `A live rendition of ${run.segmentSeconds} s segments of ${run.segmentBytes / 1000} KB (${((run.segmentBytes * 8) / run.segmentSeconds / 1e6).toFixed(1)} Mb/s); each viewer polls the playlist every ${run.pollMs / 1000} s through the relay and fetches each new segment.`,
  );
  console.log(
    `Steps of ${run.stepSeconds} s (the first ${run.settleSeconds} s not measured); a step holds while p99 segment download <= ${run.segmentSeconds} s, errors <= ${run.maxErrorRate * 100} % and no viewer is two segments behind.`,
  );
  console.log('The viewers run in this node process; the relay is a separate process (one Node process, at most one core) and the origin a third; all share the cores.\n');

  const origin = await startLiveOrigin(cleanup);
  const relay = await startRelayProcess(`http://127.0.0.1:${origin.port}`, join(workDir, 'relay-data'), cleanup);
  const crowd = createCrowd(relay.baseUrl);
  cleanup.add(() => crowd.stop());

  const steps: Step[] = [];
  const skipped: number[] = [];
  for (const count of run.steps) {
    if (steps.at(-1)?.holds === false) break;
    if (elapsedSeconds() + run.stepSeconds > run.budgetSeconds) {
      skipped.push(count);
      continue;
    }
    progress(`${count} viewers for ${run.stepSeconds} s`);
    const stepStart = performance.now();
    crowd.grow(count, run.pollMs);
    await sleep(run.settleSeconds * 1000);
    const windowStart = performance.now();
    const cpuStart = sampleCpu([relay.pid]);
    await sleep((run.stepSeconds - run.settleSeconds) * 1000);
    const cpu = cpuBetween(cpuStart, sampleCpu([relay.pid]));
    const windowEnd = performance.now();
    const fetches = crowd.fetchesBetween(windowStart, windowEnd);
    const behind = crowd.behind();
    steps.push(summarizeStep(count, fetches, behind, (windowEnd - windowStart) / 1000, cpu.pidsPercent, cpu.ownPercent, await rssMb(relay.pid)));
    const step = steps.at(-1)!;
    progress(`${count} viewers: p99 segment ${step.segmentP99Ms.toFixed(0)} ms, relay CPU ${step.relayCpuPercent.toFixed(0)} %, ${step.holds ? 'holds' : 'does not hold'} (step took ${((performance.now() - stepStart) / 1000).toFixed(0)} s)`);
  }
  progress('stopping the viewers');
  await crowd.stop();
  const originStats = await origin.stats();
  const relayStats = await fetchRelayStats(relay.baseUrl);

  const ms = (value: number) => (Number.isFinite(value) ? value.toFixed(0) : '-');
  console.log(
    textTable(
      ['viewers', 'segments', 'p50 ms', 'p99 ms', 'max ms', 'playlist p99 ms', 'behind', 'errors', 'Gb/s out', 'relay CPU', 'viewers CPU', 'relay RSS', 'holds'],
      steps.map((s) => [
        String(s.viewers),
        String(s.segmentFetches),
        ms(s.segmentP50Ms),
        ms(s.segmentP99Ms),
        ms(s.segmentMaxMs),
        ms(s.playlistP99Ms),
        String(s.behind),
        String(s.errors),
        s.gigabitsPerSecond.toFixed(2),
        `${s.relayCpuPercent.toFixed(0)} %`,
        `${s.loadGeneratorCpuPercent.toFixed(0)} %`,
        `${s.relayRssMb.toFixed(0)} MB`,
        s.holds ? 'yes' : 'NO',
      ]),
    ),
  );
  console.log('\nsegments: segment downloads started in the measured part of the step; p50/p99/max: their download times.');
  console.log('behind: viewers two or more segments behind the newest listed at the end of the step (0: everyone keeps up).');
  console.log('CPU is % of one core: the relay process, and this process (the viewers).');
  const held = steps.filter((step) => step.holds).map((step) => step.viewers);
  const maxViewers = held.length > 0 ? Math.max(...held) : 0;
  const stoppedBy = steps.at(-1)?.holds === false ? 'the next step did not hold' : skipped.length > 0 ? `out of time, skipped ${skipped.join(', ')}` : 'no more steps';
  console.log(`\nLargest viewer count that holds: ${maxViewers}${steps.at(-1)?.holds === false ? '' : ' or more'} (stopped: ${stoppedBy}).`);
  const likelyLimit = steps.find((step) => !step.holds);
  if (likelyLimit) {
    const saturated = likelyLimit.relayCpuPercent >= 90 ? 'the relay (its one core saturated)' : likelyLimit.loadGeneratorCpuPercent >= 90 ? 'the load generator (this process) as much as the relay' : 'neither process at a full core: look at the whole machine';
    console.log(`At ${likelyLimit.viewers} viewers the limit looks like ${saturated}.`);
  }
  console.log(
    `Origin: ${originStats.segmentsPublished} segments published, ${originStats.segmentRequests} segment requests and ${originStats.playlistRequests} playlist requests from the relay; relay: ${relayStats.requests} requests, ${relayStats.upstreamRequests} upstream, ${relayStats.prefetched} prefetched.`,
  );
  console.log(`Load average ${loadavg()[0]!.toFixed(2)} at the end (other work on the machine counts too).`);
  console.log(`Total ${elapsedSeconds().toFixed(0)} s.`);
  const figures = { bench: 'viewers', machine, run, steps, skipped, maxViewers, origin: originStats, relay: relayStats, totalSeconds: elapsedSeconds() };
  console.log(JSON.stringify(figures, (_key, value: unknown) => (typeof value === 'number' ? Math.round(value * 1000) / 1000 : value)));
}

function summarizeStep(viewers: number, fetches: readonly Fetch[], behind: number, seconds: number, relayCpuPercent: number, loadGeneratorCpuPercent: number, relayRssMb: number): Step {
  const segments = fetches.filter((fetch) => fetch.kind === 'segment');
  const segmentTimes = segments.filter((fetch) => fetch.ok).map((fetch) => fetch.durationMs);
  const playlistTimes = fetches.filter((fetch) => fetch.kind === 'playlist' && fetch.ok).map((fetch) => fetch.durationMs);
  const errors = fetches.filter((fetch) => !fetch.ok).length;
  const errorRate = fetches.length > 0 ? errors / fetches.length : 1;
  const segmentP99Ms = percentile(segmentTimes, 99);
  return {
    viewers,
    segmentFetches: segments.length,
    segmentP50Ms: percentile(segmentTimes, 50),
    segmentP99Ms,
    segmentMaxMs: segmentTimes.length > 0 ? Math.max(...segmentTimes) : Number.NaN,
    playlistP99Ms: percentile(playlistTimes, 99),
    errors,
    errorRate,
    behind,
    gigabitsPerSecond: (fetches.reduce((sum, fetch) => sum + fetch.bytes, 0) * 8) / seconds / 1e9,
    relayCpuPercent,
    loadGeneratorCpuPercent,
    relayRssMb,
    holds: segmentTimes.length > 0 && segmentP99Ms <= run.segmentSeconds * 1000 && errorRate <= run.maxErrorRate && behind === 0,
  };
}

type Crowd = {
  /** Adds viewers until there are `count`, their first polls spread over `spreadMs`. */
  grow(count: number, spreadMs: number): void;
  fetchesBetween(fromMs: number, toMs: number): Fetch[];
  /** Viewers now two or more segments behind the newest segment any viewer has seen listed. */
  behind(): number;
  stop(): Promise<void>;
};

/** The simulated viewers: each a loop with its own keep-alive connection, stopped by `stop`. */
function createCrowd(baseUrl: string): Crowd {
  const url = new URL(baseUrl);
  const fetches: Fetch[] = [];
  const loops: Array<Promise<void>> = [];
  const agents: Agent[] = [];
  /** Per viewer, the sequence number of the last segment it downloaded (-1 before the first). */
  const lastSegment: number[] = [];
  let newestListed = -1;
  let stopped = false;

  const get = (agent: Agent, path: string, kind: Fetch['kind'] | 'init') =>
    new Promise<string | undefined>((resolve) => {
      const startedAtMs = performance.now();
      const record = (ok: boolean, bytes: number) => {
        if (kind !== 'init') fetches.push({ kind, startedAtMs, durationMs: performance.now() - startedAtMs, bytes, ok });
      };
      const request = httpRequest({ host: url.hostname, port: url.port, path, agent }, (response) => {
        const text: Buffer[] = [];
        let bytes = 0;
        response.on('data', (chunk: Buffer) => {
          bytes += chunk.length;
          if (kind === 'playlist') text.push(chunk);
        });
        response.on('end', () => {
          const ok = response.statusCode === 200 && (kind !== 'segment' || bytes === run.segmentBytes);
          record(ok, bytes);
          resolve(ok && kind === 'playlist' ? Buffer.concat(text).toString('utf8') : ok ? '' : undefined);
        });
        response.on('error', () => {
          record(false, bytes);
          resolve(undefined);
        });
        // A connection cut mid-body (the benchmark stopping) settles the fetch too; resolving twice is harmless.
        response.on('close', () => resolve(undefined));
      });
      request.setTimeout(run.requestTimeoutMs, () => request.destroy(new Error('timed out')));
      request.on('error', () => {
        if (!stopped) record(false, 0);
        resolve(undefined);
      });
      request.end();
    });

  const viewer = async (index: number, firstPollDelayMs: number) => {
    const agent = new Agent({ keepAlive: true, maxSockets: 1 });
    agents.push(agent);
    const base = playlistPath.slice(0, playlistPath.lastIndexOf('/') + 1);
    const seen = new Set<string>();
    let joined = false;
    await sleep(firstPollDelayMs);
    while (!stopped) {
      const pollAt = performance.now();
      const playlist = await get(agent, playlistPath, 'playlist');
      const uris = playlist === undefined ? [] : segmentUris(playlist);
      if (uris.length > 0) newestListed = Math.max(newestListed, sequenceOf(uris.at(-1)!));
      if (!joined && uris.length > 0) {
        // Join at the live edge, as a player does: the init segment, then the newest segment.
        joined = true;
        await get(agent, base + initFile, 'init');
        for (const uri of uris.slice(0, -1)) seen.add(uri);
      }
      for (const uri of uris) {
        if (stopped || seen.has(uri)) continue;
        seen.add(uri);
        if ((await get(agent, base + uri, 'segment')) !== undefined) lastSegment[index] = sequenceOf(uri);
      }
      await sleep(Math.max(0, pollAt + run.pollMs - performance.now()));
    }
  };

  return {
    grow(count, spreadMs) {
      for (let index = loops.length; index < count; index++) {
        lastSegment.push(-1);
        loops.push(viewer(index, Math.random() * spreadMs));
      }
    },
    fetchesBetween: (fromMs, toMs) => fetches.filter((fetch) => fetch.startedAtMs >= fromMs && fetch.startedAtMs < toMs),
    behind: () => lastSegment.filter((sequence) => sequence < newestListed - 1).length,
    async stop() {
      stopped = true;
      // In-flight requests end with their connections; every loop then sees `stopped`.
      for (const agent of agents) agent.destroy();
      await Promise.all(loops);
    },
  };
}

/** `r1-42.m4s` -> 42. */
function sequenceOf(uri: string): number {
  return Number(/-(\d+)\.m4s$/.exec(uri)?.[1] ?? -1);
}

/** The media segment URIs of a playlist, oldest first. */
function segmentUris(playlist: string): string[] {
  return playlist
    .split('\n')
    .map((line) => line.trim())
    .filter((line) => line.length > 0 && !line.startsWith('#'));
}

type OriginStats = { segmentsPublished: number; segmentRequests: number; playlistRequests: number };
type OriginMessage = { type: 'listening'; port: number } | ({ type: 'stats' } & OriginStats);

/**
 * The live origin in a child process of its own (this script with --serve-origin), so the viewers'
 * load here does not delay its clock. `stats()` asks it for its counts.
 */
async function startLiveOrigin(cleanup: Cleanup): Promise<{ port: number; stats(): Promise<OriginStats> }> {
  const child = fork(fileURLToPath(import.meta.url), ['--serve-origin'], { execArgv: ['--import', 'tsx'], stdio: ['ignore', 'inherit', 'inherit', 'ipc'] });
  const exited = new Promise<void>((resolve) => child.on('close', () => resolve()));
  cleanup.add(async () => {
    if (child.exitCode === null && child.signalCode === null) child.kill('SIGTERM');
    const timer = setTimeout(() => child.kill('SIGKILL'), 5000);
    await exited;
    clearTimeout(timer);
  });
  const messages: Array<(message: OriginMessage) => void> = [];
  child.on('message', (message: OriginMessage) => messages.shift()?.(message));
  const next = () =>
    new Promise<OriginMessage>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error('the live origin did not answer within 20 s')), 20_000);
      messages.push((message) => {
        clearTimeout(timer);
        resolve(message);
      });
    });
  const listening = await Promise.race([next(), exited.then(() => Promise.reject(new Error('the live origin exited at start')))]);
  if (listening.type !== 'listening') throw new Error('the live origin did not report its port');
  return {
    port: listening.port,
    async stats() {
      const answer = next();
      child.send('stats');
      const message = await answer;
      if (message.type !== 'stats') throw new Error('the live origin did not report its counts');
      return { segmentsPublished: message.segmentsPublished, segmentRequests: message.segmentRequests, playlistRequests: message.playlistRequests };
    },
  };
}

/** The child's side: a live rendition that gains a segment every segment duration. */
async function serveLiveOrigin(): Promise<void> {
  const report = (message: OriginMessage) => process.send?.(message);
  const segments = new Map<string, Buffer>();
  const init = Buffer.alloc(1000);
  init.writeUInt32BE(init.length, 0);
  init.write('ftyp', 4, 'latin1');
  let nextSequence = 0;
  const counts = { segmentRequests: 0, playlistRequests: 0 };
  const publish = () => {
    segments.set(`r1-${nextSequence}.m4s`, fakeSegment(run.segmentBytes, nextSequence));
    segments.delete(`r1-${nextSequence - playlistWindow - 4}.m4s`);
    nextSequence++;
  };
  // Three segments at once, so the first viewers find a playable playlist.
  for (let index = 0; index < 3; index++) publish();
  const clock = setInterval(publish, run.segmentSeconds * 1000);
  const playlist = () => {
    const first = Math.max(0, nextSequence - playlistWindow);
    const lines = ['#EXTM3U', '#EXT-X-VERSION:7', `#EXT-X-TARGETDURATION:${run.segmentSeconds}`, `#EXT-X-MEDIA-SEQUENCE:${first}`, `#EXT-X-MAP:URI="${initFile}"`];
    for (let sequence = first; sequence < nextSequence; sequence++) lines.push(`#EXTINF:${run.segmentSeconds.toFixed(3)},`, `r1-${sequence}.m4s`);
    return `${lines.join('\n')}\n`;
  };
  const base = playlistPath.slice(0, playlistPath.lastIndexOf('/') + 1);
  const server = createServer((request, response) => {
    const path = (request.url ?? '/').split('?')[0]!;
    if (path === playlistPath) {
      counts.playlistRequests++;
      return void response.writeHead(200, { 'Content-Type': 'application/vnd.apple.mpegurl', 'Cache-Control': 'public, max-age=1' }).end(playlist());
    }
    const body = path === base + initFile ? init : path.startsWith(base) ? segments.get(path.slice(base.length)) : undefined;
    if (!body) return void response.writeHead(404, { 'Cache-Control': 'public, max-age=1' }).end();
    if (body !== init) counts.segmentRequests++;
    response.writeHead(200, { 'Content-Type': body === init ? 'video/mp4' : 'video/iso.segment', 'Content-Length': body.length, 'Cache-Control': 'public, max-age=31536000, immutable' }).end(body);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const exit = () => {
    clearInterval(clock);
    process.exit(0);
  };
  // The benchmark going away (normally or not) ends the origin.
  process.once('disconnect', exit);
  process.once('SIGTERM', exit);
  process.on('message', () => report({ type: 'stats', segmentsPublished: nextSequence, ...counts }));
  report({ type: 'listening', port: (server.address() as { port: number }).port });
}

/** `classcast relay` as its own process on a free loopback port, stopped by `cleanup`. */
async function startRelayProcess(upstream: string, dataDir: string, cleanup: Cleanup): Promise<{ baseUrl: string; pid: number }> {
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
  return { baseUrl: `http://127.0.0.1:${port}`, pid: child.pid! };
}

async function fetchRelayStats(baseUrl: string): Promise<{ requests: number; upstreamRequests: number; prefetched: number }> {
  const health = (await (await fetch(`${baseUrl}/healthz`)).json()) as { stats: { requests: number; upstreamRequests: number; prefetched: number } };
  return health.stats;
}

/** Resident memory of a process in MB, from /proc/<pid>/status; NaN when it is gone. */
async function rssMb(pid: number): Promise<number> {
  const status = await readFile(`/proc/${pid}/status`, 'utf8').catch(() => '');
  const match = /^VmRSS:\s+(\d+) kB/m.exec(status);
  return match ? Number(match[1]) / 1024 : Number.NaN;
}

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

function boundedInteger(text: string, min: number, max: number, flag: string): number {
  const value = Number(text);
  if (!Number.isInteger(value) || value < min || value > max) throw new Error(`${flag}: expected a whole number from ${min} to ${max}, got '${text}'`);
  return value;
}
