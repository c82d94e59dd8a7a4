// P2P offload and latency of a live lesson watched by a swarm of Chromium viewers through a city
// relay, against the same viewers over HTTP only. For each viewer count: a run peer to peer and a
// baseline run with P2P off (a fresh ingest, relay and Chromium each), viewers joining a few
// seconds apart; then a table of the share of bytes from peers (from the relay's own byte count),
// glass-to-glass latency p50/p95 from the clock burned into the picture, and stalls per viewer.
//   node --import tsx scripts/bench/p2p-swarm.ts [--viewers 4,8] [--seconds 180] [--delivery p2p,http]
//     [--join-gap 3] [--settle 20] [--size 640x360]
// Each viewer decodes video: on a small machine, keep the picture small (--size) and say so.
import { parseArgs } from 'node:util';
import { elapsedSeconds, progress } from './bench-clock.ts';
import { boundedInteger } from './bounded-integer.ts';
import type { Cleanup } from './cleanup.ts';
import { figuresJson } from './figures-json.ts';
import { describeMachine, loadAverageAtEnd, machineAtStart } from './machine.ts';
import { runSwarm, type RunResult } from './p2p-swarm-run.ts';
import { runBench } from './run-bench.ts';
import { textTable } from './text-table.ts';

const { values } = parseArgs({
  options: {
    viewers: { type: 'string', default: '4,8' },
    seconds: { type: 'string', default: '180' },
    delivery: { type: 'string', default: 'p2p,http' },
    'join-gap': { type: 'string', default: '3' },
    settle: { type: 'string', default: '20' },
    size: { type: 'string', default: '640x360' },
  },
});
const [width, height] = values.size!.split('x').map((text) => boundedInteger(text, 160, 1920, '--size'));
const deliveries = values.delivery!.split(',').map((text) => {
  if (text !== 'p2p' && text !== 'http') throw new Error(`--delivery: expected p2p and/or http, got '${text}'`);
  return text;
});
const run = {
  viewerCounts: values.viewers!.split(',').map((text) => boundedInteger(text, 1, 32, '--viewers')),
  seconds: boundedInteger(values.seconds!, 10, 3600, '--seconds'),
  joinGapSeconds: boundedInteger(values['join-gap']!, 0, 60, '--join-gap'),
  settleSeconds: boundedInteger(values.settle!, 0, 120, '--settle'),
  width: width!,
  height: height!,
};

await runBench('p2p swarm benchmark', ['ffmpeg', 'chromium'], main);

async function main(cleanup: Cleanup): Promise<void> {
  const machine = describeMachine();
  console.log(machineAtStart('P2P swarm', machine));
  console.log(
    `One live lesson (demo encoder ${run.width}x${run.height}, normal latency mode, 2 s segments) watched through one relay; viewers join ${run.joinGapSeconds} s apart, ` +
      `${run.settleSeconds} s to settle, then ${run.seconds} s measured. All viewers are contexts of one headless Chromium on this machine.\n`,
  );
  const results: RunResult[] = [];
  for (const viewers of run.viewerCounts) {
    for (const delivery of deliveries) {
      const result = await runSwarm({ viewers, delivery, seconds: run.seconds, joinGapSeconds: run.joinGapSeconds, settleSeconds: run.settleSeconds, width: run.width, height: run.height }, cleanup);
      results.push(result);
      progress(`${delivery}, ${viewers} viewers: ${percent(result.relayP2pShare)} from peers (relay), latency p50 ${seconds(result.latencyP50)} p95 ${seconds(result.latencyP95)}, ${result.stallsPerViewer.toFixed(2)} stalls per viewer`);
    }
  }
  console.log(
    textTable(
      ['viewers', 'delivery', 'P2P (relay)', 'P2P (players)', 'relay MB', 'played MB', 'latency p50', 'p95', 'max', 'behind edge p50', 'stalls/viewer', 'max stalls', 'stalled s/viewer', 'seeded', 'waited', 'refused', 'load avg'],
      results.map((r) => [
        String(r.viewers),
        r.delivery,
        percent(r.relayP2pShare),
        percent(r.playerP2pShare),
        (r.relayBytes / 1e6).toFixed(1),
        (r.playedBytes / 1e6).toFixed(1),
        seconds(r.latencyP50),
        seconds(r.latencyP95),
        seconds(r.latencyMax),
        seconds(r.behindEdgeP50),
        r.stallsPerViewer.toFixed(2),
        String(r.maxStalls),
        r.stalledSecondsPerViewer.toFixed(1),
        String(r.segmentsSeeded),
        String(r.segmentsWaited),
        String(r.rejectedSegments),
        `${r.loadAverageStart.toFixed(1)}-${r.loadAverageEnd.toFixed(1)}`,
      ]),
    ),
  );
  console.log('\nP2P (relay): 1 - bytes the relay sent to viewers / media bytes the players played, over the measured part; the relay count includes playlists and hash lists, so this is a lower bound on the segment share.');
  console.log('P2P (players): bytes from peers / media bytes played, as the players count them. Latency: glass to glass in seconds, read off the burned-in clock about once a second per viewer; behind edge: hls.js\'s distance from the playlist\'s live edge at the same readings.');
  console.log('load avg: the 1-minute load average when the measured part started and ended.');
  console.log('stalls: the video waiting for data after it first played; seeded / waited: live segments the viewers fetched first over HTTP as seeders / waited for from peers.');
  const errors = results.flatMap((r) => r.errors);
  if (errors.length > 0) console.log(`Player errors: ${[...new Set(errors)].join('; ')}`);
  console.log(loadAverageAtEnd());
  console.log(`Total ${elapsedSeconds().toFixed(0)} s.`);
  console.log(figuresJson({ bench: 'p2p-swarm', machine, run, results }, 3));
}

function percent(share: number): string {
  return Number.isFinite(share) ? `${(share * 100).toFixed(1)} %` : '-';
}

function seconds(value: number): string {
  return Number.isFinite(value) ? `${value.toFixed(2)} s` : '-';
}
