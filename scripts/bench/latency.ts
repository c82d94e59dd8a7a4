// Glass-to-glass latency per latency mode: the demo encoder burns its wall clock into each frame,
// pushes to a real ingest, Chromium plays the watch page, and every half second we read the clock
// off the frame on screen: latency = now - when that frame was made.
//   node --import tsx scripts/bench/latency.ts [--seconds 60] [--modes low,normal,high]
import { parseArgs } from 'node:util';
import { launchChromium } from '../../test/helpers/browser.ts';
import { pushTestPattern } from '../../test/helpers/media.ts';
import { startTestIngest } from '../../test/helpers/test-ingest.ts';
import { waitFor } from '../../test/helpers/wait-for.ts';
import { openWatchPage, waitForPlayback } from '../../test/helpers/watch-page.ts';
import { latencyModes, type LatencyMode } from '../../services/core/config/schema.ts';
import { segmentSecondsFor } from '../../services/transcode/ladder.ts';
import { percentile } from './percentile.ts';
import { readClock } from './read-clock-in-page.ts';
import { missingBenchTools } from './bench-tools.ts';

const { values } = parseArgs({ options: { seconds: { type: 'string', default: '60' }, modes: { type: 'string', default: latencyModes.join(',') } } });
const seconds = Number(values.seconds);
const modes = values.modes!.split(',') as LatencyMode[];
const key = 'latency-bench-key';

type ModeResult = { mode: LatencyMode; segmentSeconds: number; samples: number; p50: number; p95: number; min: number; max: number; behindEdgeP50: number; unreadable: number };

async function measure(mode: LatencyMode): Promise<ModeResult> {
  const ingest = await startTestIngest({ classrooms: [{ id: 'latency-room', key }], ingest: { latencyMode: mode } });
  const encoder = pushTestPattern(ingest.rtmpUrl(key));
  const browser = await launchChromium();
  try {
    const lessonId = await waitFor('the lesson', () => ingest.ingest.lessons.list()[0]?.id, 20_000);
    const page = await openWatchPage(browser, `${ingest.baseUrl}/watch/${lessonId}`);
    await waitForPlayback(page, 3, 40_000);
    // Let the player settle at its live distance before measuring.
    await new Promise((resolve) => setTimeout(resolve, 5000));
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
      await new Promise((resolve) => setTimeout(resolve, 500));
    }
    return {
      mode,
      segmentSeconds: segmentSecondsFor[mode],
      samples: latencies.length,
      p50: percentile(latencies, 50),
      p95: percentile(latencies, 95),
      min: Math.min(...latencies),
      max: Math.max(...latencies),
      behindEdgeP50: percentile(behindEdge, 50),
      unreadable,
    };
  } finally {
    await browser.close();
    await encoder.stop();
    await ingest.stop();
  }
}

const missing = missingBenchTools(['ffmpeg', 'chromium']);
if (missing.length > 0) {
  process.stderr.write(`latency benchmark cannot run: ${missing.join('; ')}\n`);
  process.exit(2);
}
const results: ModeResult[] = [];
for (const mode of modes) {
  process.stdout.write(`measuring ${mode} (${seconds} s)...\n`);
  results.push(await measure(mode));
}
const fixed = (value: number) => value.toFixed(2).padStart(6);
process.stdout.write(`\nglass-to-glass latency, seconds (demo encoder -> RTMP -> ingest -> HLS -> Chromium), ${seconds} s per mode\n`);
process.stdout.write('mode    segment  samples    p50    p95    min    max  player behind edge p50\n');
for (const r of results) {
  process.stdout.write(`${r.mode.padEnd(8)}${String(r.segmentSeconds).padStart(6)} s ${String(r.samples).padStart(8)} ${fixed(r.p50)} ${fixed(r.p95)} ${fixed(r.min)} ${fixed(r.max)}  ${fixed(r.behindEdgeP50)}${r.unreadable ? `  (${r.unreadable} unreadable frames)` : ''}\n`);
}
process.stdout.write(`${JSON.stringify({ benchmark: 'latency', seconds, results })}\n`);
