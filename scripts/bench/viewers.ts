// How many HLS viewers one relay process holds. A fake live origin appends a 2 s segment of
// 375 KB (1.5 Mb/s) every 2 s; each simulated viewer polls the media playlist through the relay
// about every second and downloads each new segment as it appears. Viewers are added in steps of
// ~16 s; a step holds while the p99 segment download time stays within the segment duration (2 s),
// under 1 % of requests fail and no viewer falls two segments behind the live edge. Loopback
// only, within 3 minutes.
//   node --import tsx scripts/bench/viewers.ts [--steps 100,400,800,1200,1600,2000,2400,2800,3200] [--step-seconds 16]
// The viewers run in this node process (the load generator); the relay runs as its own process
// (bin/classcast.js relay) so it does not share their event loop; the origin is a third process
// (live-origin-server.ts). All share the machine's cores.
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { parseArgs } from 'node:util';
import { elapsedSeconds, progress } from './bench-clock.ts';
import { boundedInteger } from './bounded-integer.ts';
import type { Cleanup } from './cleanup.ts';
import { figuresJson } from './figures-json.ts';
import { startLiveOrigin, type LiveRendition } from './live-origin.ts';
import { describeMachine, loadAverageAtEnd, machineAtStart } from './machine.ts';
import { percentile } from './percentile.ts';
import { cpuBetween, sampleCpu } from './process-cpu.ts';
import { fetchRelayStats, startRelayProcess } from './relay-process.ts';
import { runBench } from './run-bench.ts';
import { textTable } from './text-table.ts';
import { createCrowd, type Fetch } from './viewer-crowd.ts';
import { createWorkDir } from './work-dir.ts';

const { values } = parseArgs({
  options: {
    steps: { type: 'string', default: '100,400,800,1200,1600,2000,2400,2800,3200' },
    'step-seconds': { type: 'string', default: '16' },
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
const rendition: LiveRendition = {
  playlistPath: '/live/bench-lesson/720p/index.m3u8',
  initFile: 'init-r1-720p.mp4',
  segmentSeconds: run.segmentSeconds,
  segmentBytes: run.segmentBytes,
  playlistWindow: 6,
};

await runBench('viewers benchmark', [], main);

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
  const machine = describeMachine();
  const workDir = await createWorkDir('viewers', cleanup);
  console.log(machineAtStart('Viewers per relay', machine));
  console.log(
    `A live rendition of ${run.segmentSeconds} s segments of ${run.segmentBytes / 1000} KB (${((run.segmentBytes * 8) / run.segmentSeconds / 1e6).toFixed(1)} Mb/s); each viewer polls the playlist every ${run.pollMs / 1000} s through the relay and fetches each new segment.`,
  );
  console.log(
    `Steps of ${run.stepSeconds} s (the first ${run.settleSeconds} s not measured); a step holds while p99 segment download <= ${run.segmentSeconds} s, errors <= ${run.maxErrorRate * 100} % and no viewer is two segments behind.`,
  );
  console.log('The viewers run in this node process; the relay is a separate process (one Node process, at most one core) and the origin a third; all share the cores.\n');

  const origin = await startLiveOrigin(rendition, cleanup);
  const relay = await startRelayProcess(`http://127.0.0.1:${origin.port}`, join(workDir, 'relay-data'), cleanup);
  const crowd = createCrowd(relay.baseUrl, { rendition, pollMs: run.pollMs, requestTimeoutMs: run.requestTimeoutMs });
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
  console.log(loadAverageAtEnd());
  console.log(`Total ${elapsedSeconds().toFixed(0)} s.`);
  const figures = { bench: 'viewers', machine, run, steps, skipped, maxViewers, origin: originStats, relay: relayStats, totalSeconds: elapsedSeconds() };
  console.log(figuresJson(figures, 3));
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

/** Resident memory of a process in MB, from /proc/<pid>/status; NaN when it is gone. */
async function rssMb(pid: number): Promise<number> {
  const status = await readFile(`/proc/${pid}/status`, 'utf8').catch(() => '');
  const match = /^VmRSS:\s+(\d+) kB/m.exec(status);
  return match ? Number(match[1]) / 1024 : Number.NaN;
}
