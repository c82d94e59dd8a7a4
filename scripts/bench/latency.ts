// Glass-to-glass latency per latency mode, with peer-to-peer on and off: the demo encoder burns its
// wall clock into each frame, pushes to a real ingest, Chromium plays the watch page (the lesson's
// time-shift master, as every viewer does), and every half second we read the clock off the frame on
// screen: latency = now - when that frame was made. One viewer: with P2P on it is alone in its
// swarm, so this is what a lone viewer gets; scripts/bench/p2p-swarm.ts measures a swarm.
//   node --import tsx scripts/bench/latency.ts [--seconds 60] [--modes low,normal,high] [--delivery p2p,http]
import { loadavg } from 'node:os';
import { setTimeout as sleep } from 'node:timers/promises';
import { parseArgs } from 'node:util';
import { launchChromium } from '../../test/helpers/browser.ts';
import { fetchPlaylist, pushTestPattern } from '../../test/helpers/media.ts';
import { startTestIngest } from '../../test/helpers/test-ingest.ts';
import { waitFor } from '../../test/helpers/wait-for.ts';
import { waitForPlayback } from '../../test/helpers/watch-page.ts';
import { latencyModes, type LatencyMode } from '../../services/core/config/schema.ts';
import { segmentSecondsFor } from '../../services/transcode/ladder.ts';
import { boundedInteger } from './bounded-integer.ts';
import { progress } from './bench-clock.ts';
import type { Cleanup } from './cleanup.ts';
import { figuresJson } from './figures-json.ts';
import { describeMachine, loadAverageAtEnd, machineAtStart } from './machine.ts';
import { percentile } from './percentile.ts';
import { platformOffScript } from './platform-off-script.ts';
import { readClock } from './read-clock-in-page.ts';
import { runBench } from './run-bench.ts';
import { textTable } from './text-table.ts';

const { values } = parseArgs({
  options: {
    seconds: { type: 'string', default: '60' },
    modes: { type: 'string', default: latencyModes.join(',') },
    delivery: { type: 'string', default: 'p2p,http' },
  },
});
const seconds = boundedInteger(values.seconds!, 5, 3600, '--seconds');
const modes = values.modes!.split(',').map((text) => {
  if (!(latencyModes as readonly string[]).includes(text)) throw new Error(`--modes: expected some of ${latencyModes.join(', ')}, got '${text}'`);
  return text as LatencyMode;
});
const deliveries = values.delivery!.split(',').map((text) => {
  if (text !== 'p2p' && text !== 'http') throw new Error(`--delivery: expected p2p and/or http, got '${text}'`);
  return text;
});
const key = 'latency-bench-key';
/** Segments the lesson lists before the viewer opens it: a class a few segments old, so hls.js starts at its own distance, not at the first segment. */
const segmentsBeforeJoining = 4;

type Delivery = (typeof deliveries)[number];
type ModeResult = {
  mode: LatencyMode;
  delivery: Delivery;
  /** How the page played: p2p, or http with its reason (low latency mode plays over HTTP either way). */
  played: string;
  segmentSeconds: number;
  samples: number;
  p50: number;
  p95: number;
  min: number;
  max: number;
  behindEdgeP50: number;
  unreadable: number;
  loadAverageStart: number;
  loadAverageEnd: number;
};

await runBench('latency benchmark', ['ffmpeg', 'chromium'], main);

async function main(cleanup: Cleanup): Promise<void> {
  const machine = describeMachine();
  console.log(machineAtStart('Glass-to-glass latency', machine));
  const results: ModeResult[] = [];
  for (const mode of modes) {
    for (const delivery of deliveries) {
      progress(`measuring ${mode}, P2P ${delivery === 'p2p' ? 'on' : 'off'} (${seconds} s)`);
      results.push(await measure(mode, delivery, cleanup));
    }
  }
  const fixed = (value: number) => value.toFixed(2);
  console.log(`\nglass-to-glass latency, seconds (demo encoder -> RTMP -> ingest -> HLS -> Chromium), ${seconds} s per row, one viewer joining once ${segmentsBeforeJoining} segments are listed`);
  console.log(
    textTable(
      ['mode', 'P2P', 'played', 'segment', 'samples', 'p50', 'p95', 'min', 'max', 'behind edge p50', 'load avg'],
      results.map((r) => [
        r.mode,
        r.delivery === 'p2p' ? 'on' : 'off',
        r.played,
        `${r.segmentSeconds} s`,
        `${r.samples}${r.unreadable ? ` (+${r.unreadable} unreadable)` : ''}`,
        fixed(r.p50),
        fixed(r.p95),
        fixed(r.min),
        fixed(r.max),
        fixed(r.behindEdgeP50),
        `${r.loadAverageStart.toFixed(1)}-${r.loadAverageEnd.toFixed(1)}`,
      ]),
    ),
  );
  console.log('behind edge: hls.js latency, the distance from the playlist\'s live edge (its newest segment\'s end plus the time since it grew). load avg: 1-minute load average at the start and end of the row.');
  console.log(loadAverageAtEnd());
  console.log(figuresJson({ benchmark: 'latency', machine, seconds, results }, 3));
}

async function measure(mode: LatencyMode, delivery: Delivery, cleanup: Cleanup): Promise<ModeResult> {
  const ingest = await startTestIngest({ classrooms: [{ id: 'latency-room', key }], ingest: { latencyMode: mode }, p2p: { enabled: delivery === 'p2p', iceServers: [] } });
  const stopIngest = cleanup.add(() => ingest.stop());
  const encoder = pushTestPattern(ingest.rtmpUrl(key));
  const stopEncoder = cleanup.add(() => encoder.stop());
  const browser = await launchChromium();
  const stopBrowser = cleanup.add(() => browser.close());
  try {
    const lessonId = await waitFor('the lesson', () => ingest.ingest.lessons.list()[0]?.id, 20_000);
    const master = await waitFor('the master playlist', () => fetchPlaylist(`${ingest.baseUrl}/live/${lessonId}/master.m3u8`).catch(() => undefined), 40_000);
    const variant = `${ingest.baseUrl}/live/${lessonId}/${master.playlists?.[0]?.uri}`;
    await waitFor(`${segmentsBeforeJoining} segments listed`, async () => ((await fetchPlaylist(variant).catch(() => undefined))?.segments.length ?? 0) >= segmentsBeforeJoining || undefined, 60_000);
    // As test/helpers/watch-page.ts opens it, with P2P turned off in the page for the baseline.
    const page = await browser.newPage({ viewport: { width: 1280, height: 800 } });
    page.on('pageerror', (error) => progress(`[watch page error] ${error.message}`));
    if (delivery === 'http') await page.addInitScript(platformOffScript);
    await page.goto(`${ingest.baseUrl}/watch/${lessonId}`);
    await waitForPlayback(page, 3, 40_000);
    // Let the player settle at its live distance before measuring.
    await sleep(5000);
    const loadAverageStart = loadavg()[0]!;
    const latencies: number[] = [];
    const behindEdge: number[] = [];
    let unreadable = 0;
    const end = Date.now() + seconds * 1000;
    while (Date.now() < end) {
      const reading = await readClock(page);
      if (reading) {
        latencies.push(reading.latencyMs / 1000);
        if (reading.behindEdgeSeconds !== null) behindEdge.push(reading.behindEdgeSeconds);
      } else {
        unreadable++;
      }
      await sleep(500);
    }
    const played = await page.evaluate(() => {
      const p2p = window.classcast?.p2p;
      return p2p?.mode === 'http' ? `http (${p2p.httpOnlyReason ?? '?'})` : (p2p?.mode ?? 'none');
    });
    return {
      mode,
      delivery,
      played,
      segmentSeconds: segmentSecondsFor[mode],
      samples: latencies.length,
      p50: percentile(latencies, 50),
      p95: percentile(latencies, 95),
      min: Math.min(...latencies),
      max: Math.max(...latencies),
      behindEdgeP50: percentile(behindEdge, 50),
      unreadable,
      loadAverageStart,
      loadAverageEnd: loadavg()[0]!,
    };
  } finally {
    await stopBrowser();
    await stopEncoder();
    await stopIngest();
  }
}
