// The P2P tracker under a flood of messages that are cheap to send and dear to read (issue 16, item
// 1), beside a live lesson on the same node, with the tracker on its own thread (as shipped:
// tracker-thread.ts) and, for comparison in the same run, on the node's event loop (--tracker). One
// in-process ingest (its tracker at /tracker on the same HTTP server) carries one lesson pushed by a
// real ffmpeg test pattern; once it plays, phases of
// --seconds each: a baseline with no flood, then for each --connections N a flood of N connections
// sending deeply nested JSON (`[[[[...]]]]`, --bytes) and N sending announces with five fake offers
// of 245 KB, --messages each, again and again (a new wave as soon as the last is closed) until the
// phase ends. The flood clients run as child processes (test/helpers/costly-message-clients.ts), so
// building and sending their messages costs this event loop nothing. Throughout, GET /healthz every
// 50 ms, one at a time. Per phase: /healthz p50/p99/max, the lesson's newest segment and
// EXT-X-MEDIA-SEQUENCE at start and end (expected: one segment per segment duration), the lesson
// states seen and its ffmpeg restarts (an encoder closed or a transcoder declared stalled), this
// node process's CPU seconds, and the load average. Loopback only; ends by itself in under 5 minutes.
//   node --import tsx scripts/bench/tracker-flood.ts [--seconds 50] [--connections 10,50] [--messages 40] [--bytes 200000] [--tracker thread,process]
//   (npm run bench:tracker-flood)
import { spawn } from 'node:child_process';
import { performance as loopPerformance } from 'node:perf_hooks';
import { loadavg } from 'node:os';
import { parseArgs } from 'node:util';
import { setLogLevel } from '../../services/core/log.ts';
import type { LessonState } from '../../services/ingest/lessons.ts';
import { expectedInfoHashes, liveSwarmId } from '../../services/tracker/swarm-hashes.ts';
import { fetchPlaylist, fetchText, pushTestPattern } from '../../test/helpers/media.ts';
import { startTestIngest, type TestIngest } from '../../test/helpers/test-ingest.ts';
import { waitFor } from '../../test/helpers/wait-for.ts';
import type { FloodOutcome, FloodPlan } from '../../test/helpers/costly-message-clients.ts';
import { progress } from './bench-clock.ts';
import { boundedInteger } from './bounded-integer.ts';
import type { Cleanup } from './cleanup.ts';
import { figuresJson } from './figures-json.ts';
import { describeMachine, loadAverageAtEnd, machineAtStart } from './machine.ts';
import { percentile } from './percentile.ts';
import { ownCpuSeconds, reapedChildrenCpuSeconds } from './process-cpu.ts';
import { runBench } from './run-bench.ts';
import { textTable } from './text-table.ts';

const { values } = parseArgs({
  options: {
    seconds: { type: 'string', default: '50' },
    connections: { type: 'string', default: '10,50' },
    messages: { type: 'string', default: '40' },
    bytes: { type: 'string', default: '200000' },
    tracker: { type: 'string', default: 'thread,process' },
  },
});
const phaseSeconds = boundedInteger(values.seconds, 10, 60, '--seconds');
const connectionCounts = values.connections.split(',').map((text) => boundedInteger(text, 1, 100, '--connections'));
if (connectionCounts.length > 3) throw new Error(`--connections: at most 3 flood phases, got ${connectionCounts.length}`);
const messages = boundedInteger(values.messages, 1, 200, '--messages');
const nestedBytes = boundedInteger(values.bytes, 1000, 1_000_000, '--bytes');
/** The large fake offers of tracker-costly-messages.test.ts: five SDPs in one announce of this size. */
const offerBytes = 245_000;
const healthEveryMs = 50;
const clientsScript = new URL('../../test/helpers/costly-message-clients.ts', import.meta.url).pathname;
const key = 'tracker-flood-bench-key';
/** Where the tracker runs: on its own thread (tracker-thread.ts, as shipped) or on the node's event loop (as before). */
const trackerModes = values.tracker.split(',').map((mode) => {
  if (mode !== 'thread' && mode !== 'process') throw new Error(`--tracker takes thread and/or process, not ${mode}`);
  return mode;
});

type Flood = { connections: number; messages: number; bytes: number };

type Phase = {
  name: string;
  tracker: 'thread' | 'process';
  flood?: Flood;
  wallSeconds: number;
  health: { requests: number; p50: number; p99: number; max: number; failed: number };
  segmentSeconds: number;
  newestSegment: { start: number; end: number };
  mediaSequence: { start: number; end: number };
  lessonStates: LessonState[];
  restarts: number;
  nodeCpuSeconds: number;
  /** How busy the node's main event loop (the one carrying the media) was over the phase, 0..1. */
  mainLoopBusy: number;
  floodClientsCpuSeconds: number;
  waves: number;
  floodConnections: number;
  messagesSent: number;
  closedByServer: number;
  refusedMessages: number;
  loadAverage: number;
};

setLogLevel('error');
await runBench('tracker flood benchmark', ['ffmpeg'], main);

async function main(cleanup: Cleanup): Promise<void> {
  console.log(machineAtStart('Tracker flood', describeMachine()));
  const phases: Phase[] = [];
  // Side by side in one run: the same phases with the tracker on its own thread and on the node's loop.
  for (const mode of trackerModes) phases.push(...(await runMode(cleanup, mode)));
  console.log(
    textTable(
      ['tracker', 'phase', '/healthz n', 'p50 ms', 'p99 ms', 'max ms', 'segments added', 'expected', 'media seq', 'lesson states', 'restarts', 'node CPU s', 'main loop busy', 'flood msgs sent', 'conns closed', 'refused msgs', 'load avg'],
      phases.map((phase) => [
        phase.tracker,
        phase.name,
        String(phase.health.requests),
        phase.health.p50.toFixed(1),
        phase.health.p99.toFixed(1),
        phase.health.max.toFixed(1),
        `+${phase.newestSegment.end - phase.newestSegment.start}`,
        (phase.wallSeconds / phase.segmentSeconds).toFixed(1),
        `${phase.mediaSequence.start} -> ${phase.mediaSequence.end}`,
        phase.lessonStates.join(','),
        `+${phase.restarts}`,
        phase.nodeCpuSeconds.toFixed(1),
        `${(phase.mainLoopBusy * 100).toFixed(1)} %`,
        phase.flood ? String(phase.messagesSent) : '-',
        phase.flood ? `${phase.closedByServer}/${phase.floodConnections}` : '-',
        phase.flood ? String(phase.refusedMessages) : '-',
        phase.loadAverage.toFixed(2),
      ]),
    ),
  );
  console.log(loadAverageAtEnd());
  console.log(figuresJson({ phaseSeconds, messages, nestedBytes, offerBytes, healthEveryMs, phases }, 3));
}

/** The phases with one fresh ingest whose tracker runs as `mode` says. */
async function runMode(cleanup: Cleanup, mode: 'thread' | 'process'): Promise<Phase[]> {
  const ingest = await startTestIngest({ classrooms: [{ id: 'tracker-flood-room', key }] }, undefined, { trackerThread: mode === 'thread' });
  // startTestIngest sets its own log level; the flood's refusals are not news here.
  setLogLevel('error');
  const stopIngest = cleanup.add(() => ingest.stop());
  if (!ingest.tracker) throw new Error('the ingest has no tracker (p2p.enabled is false)');
  const encoder = pushTestPattern(ingest.rtmpUrl(key));
  const encoderStop = cleanup.add(() => encoder.stop());

  progress('waiting for the lesson to play');
  const lessonId = await waitFor('the lesson', () => ingest.ingest.lessons.list()[0]?.id, 30_000);
  const master = await waitFor('the master playlist', async () => {
    const { status, text } = await fetchText(`${ingest.baseUrl}/live/${lessonId}/master.m3u8`);
    return status === 200 ? text : undefined;
  }, 40_000);
  const top = ingest.ingest.lessons.get(lessonId)?.format?.ladder[0]?.name ?? '720p';
  const playlistUrl = `${ingest.baseUrl}/live/${lessonId}/${top}/index.m3u8`;
  await waitFor('three segments listed', async () => ((await fetchPlaylist(playlistUrl).catch(() => undefined))?.segments.length ?? 0) >= 3 || undefined, 60_000);
  const infoHash = expectedInfoHashes(liveSwarmId(lessonId), master)[0];
  if (!infoHash) throw new Error('the master playlist lists no variant');
  const trackerUrl = `ws://127.0.0.1:${ingest.httpPort}/tracker`;
  console.log(
    `One live lesson (demo encoder 1280x720 30 fps, normal latency mode) on one in-process ingest; its tracker at ${trackerUrl}. ` +
      `Phases of ${phaseSeconds} s: a baseline, then floods of N connections of nested JSON (${nestedBytes} B) and N of announces with five fake offers (${offerBytes} B), ` +
      `${messages} messages each, in waves until the phase ends. /healthz polled every ${healthEveryMs} ms.\n`,
  );

  const phases: Phase[] = [];
  const plans: Array<{ name: string; flood?: Flood }> = [{ name: 'baseline' }, ...connectionCounts.map((connections) => ({ name: `flood ${connections}+${connections}`, flood: { connections, messages, bytes: nestedBytes } }))];
  for (const plan of plans) {
    progress(`tracker on ${mode === 'thread' ? 'its own thread' : 'the node loop'}, ${plan.name}: ${phaseSeconds} s`);
    const phase = await runPhase(cleanup, ingest, lessonId, playlistUrl, { url: trackerUrl, infoHash }, plan.name, plan.flood);
    phases.push({ ...phase, tracker: mode });
    progress(
      `${plan.name}: /healthz p99 ${phase.health.p99.toFixed(1)} ms, max ${phase.health.max.toFixed(1)} ms; ` +
        `+${phase.newestSegment.end - phase.newestSegment.start} segments; node CPU ${phase.nodeCpuSeconds.toFixed(1)} s; main loop busy ${(phase.mainLoopBusy * 100).toFixed(1)} %`,
    );
  }
  await encoderStop();
  await stopIngest();
  return phases;
}

/** One phase: /healthz polled, the flood (if any) in waves, the lesson's progress and this process's CPU over it. */
async function runPhase(cleanup: Cleanup, ingest: TestIngest, lessonId: string, playlistUrl: string, target: { url: string; infoHash: string }, name: string, flood?: Flood): Promise<Omit<Phase, 'tracker'>> {
  const lesson = () => ingest.ingest.lessons.get(lessonId);
  const before = await playlistPosition(playlistUrl);
  const restartsBefore = lesson()?.restarts ?? 0;
  const refusedBefore = ingest.tracker!.stats().refusedMessages;
  const cpuBefore = ownCpuSeconds();
  const loopBefore = loopPerformance.eventLoopUtilization();
  const reapedBefore = reapedChildrenCpuSeconds();
  const startedAt = performance.now();
  const endsAt = Date.now() + phaseSeconds * 1000;
  const states = new Set<LessonState>([lesson()?.state ?? 'ended']);

  const outcomes: FloodOutcome[] = [];
  let waves = 0;
  const flooding = flood
    ? (async () => {
        // Bounded by the phase's end and by a count: each wave takes at least a child process's start.
        while (Date.now() < endsAt - 500 && waves < 1000) {
          waves++;
          outcomes.push(...(await runWave(cleanup, target, flood, endsAt - Date.now())));
        }
      })()
    : Promise.resolve();
  const latencies: number[] = [];
  let failed = 0;
  while (Date.now() < endsAt) {
    const started = performance.now();
    try {
      const response = await fetch(`${ingest.baseUrl}/healthz`, { signal: AbortSignal.timeout(30_000) });
      await response.arrayBuffer();
      if (!response.ok) failed++;
    } catch {
      failed++;
    }
    const took = performance.now() - started;
    latencies.push(took);
    states.add(lesson()?.state ?? 'ended');
    await new Promise((resolve) => setTimeout(resolve, Math.max(0, healthEveryMs - took)));
  }
  await flooding;
  const wallSeconds = (performance.now() - startedAt) / 1000;
  const nodeCpuSeconds = ownCpuSeconds() - cpuBefore;
  const after = await playlistPosition(playlistUrl);
  states.add(lesson()?.state ?? 'ended');
  return {
    name,
    ...(flood ? { flood } : {}),
    wallSeconds,
    health: { requests: latencies.length, p50: percentile(latencies, 50), p99: percentile(latencies, 99), max: Math.max(...latencies), failed },
    segmentSeconds: lesson()?.segmentSeconds ?? 2,
    newestSegment: { start: before.newest, end: after.newest },
    mediaSequence: { start: before.mediaSequence, end: after.mediaSequence },
    lessonStates: [...states],
    restarts: (lesson()?.restarts ?? 0) - restartsBefore,
    nodeCpuSeconds,
    mainLoopBusy: loopPerformance.eventLoopUtilization(loopBefore).utilization,
    floodClientsCpuSeconds: reapedChildrenCpuSeconds() - reapedBefore,
    waves,
    floodConnections: outcomes.length,
    messagesSent: outcomes.reduce((sum, outcome) => sum + outcome.sent, 0),
    closedByServer: outcomes.filter((outcome) => outcome.closedByServer).length,
    refusedMessages: ingest.tracker!.stats().refusedMessages - refusedBefore,
    loadAverage: loadavg()[0]!,
  };
}

/** The live playlist's EXT-X-MEDIA-SEQUENCE and its newest segment's sequence number. */
async function playlistPosition(url: string): Promise<{ mediaSequence: number; newest: number }> {
  const playlist = await fetchPlaylist(url);
  const mediaSequence = playlist.mediaSequence ?? 0;
  return { mediaSequence, newest: mediaSequence + playlist.segments.length - 1 };
}

/** One wave of flood connections from a child process, bounded by `withinMs`; each connection's outcome. */
function runWave(cleanup: Cleanup, target: { url: string; infoHash: string }, flood: Flood, withinMs: number): Promise<FloodOutcome[]> {
  const plan: FloodPlan = {
    url: target.url,
    infoHash: target.infoHash,
    groups: [
      { kind: 'nested-array', connections: flood.connections, messages: flood.messages, bytes: flood.bytes },
      { kind: 'offers', connections: flood.connections, messages: flood.messages, bytes: offerBytes },
    ],
    waitForCloseMs: 2000,
    deadlineMs: Math.max(1000, withinMs),
  };
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['--import', 'tsx', clientsScript, JSON.stringify(plan)], { stdio: ['ignore', 'pipe', 'inherit'] });
    let output = '';
    child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString('utf8')));
    const kill = async () => void (child.exitCode === null && child.signalCode === null && child.kill('SIGKILL'));
    const stop = cleanup.add(kill);
    const killer = setTimeout(() => void kill(), plan.deadlineMs + 10_000);
    child.on('error', (error) => {
      clearTimeout(killer);
      void stop();
      reject(error);
    });
    child.on('exit', (code) => {
      clearTimeout(killer);
      void stop();
      if (code !== 0) return reject(new Error(`flood clients exited with ${code}`));
      resolve(JSON.parse(output) as FloodOutcome[]);
    });
  });
}
