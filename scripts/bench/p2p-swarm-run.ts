// One run of the P2P swarm benchmark: a live lesson (demo encoder with its clock burned in -> RTMP
// -> ingest -> city relay) watched by `viewers` Chromium viewers (browser contexts of one Chromium)
// through the relay, peer to peer or over HTTP only. Measures, over `seconds` once everyone plays:
// the relay's bytes to viewers against the media bytes the players played, glass-to-glass latency
// read off the frames on screen, and stalls.
import { loadavg } from 'node:os';
import { setTimeout as sleep } from 'node:timers/promises';
import type { Browser, Page } from 'playwright-core';
import { fetchPlaylist, pushTestPattern } from '../../test/helpers/media.ts';
import { launchP2pChromium, openViewer, type Viewer, type ViewerStats } from '../../test/helpers/p2p-viewers.ts';
import { startTestIngest, type TestIngest } from '../../test/helpers/test-ingest.ts';
import { startTestRelay, type TestRelay } from '../../test/helpers/test-relay.ts';
import { waitFor } from '../../test/helpers/wait-for.ts';
import type { DemoEncoder } from '../../services/demo/demo-encoder.ts';
import { progress } from './bench-clock.ts';
import type { Cleanup } from './cleanup.ts';
import { readStalls, stallCounterScript, type StallCounts } from './p2p-stall-counter.ts';
import { platformOffScript } from './platform-off-script.ts';
import { percentile } from './percentile.ts';
import { readClock } from './read-clock-in-page.ts';

export type RunSettings = {
  viewers: number;
  delivery: 'p2p' | 'http';
  seconds: number;
  /** Seconds between one viewer joining and the next. */
  joinGapSeconds: number;
  /** Seconds after the last viewer joined before measuring, for it to settle at its live distance. */
  settleSeconds: number;
  width: number;
  height: number;
};

export type RunResult = RunSettings & {
  /** Media bytes the players played (HTTP + from peers) in the measured part. */
  playedBytes: number;
  /** Bytes the relay sent to viewers in the measured part: segments, playlists and hash lists. */
  relayBytes: number;
  /** 1 - relayBytes / playedBytes: the share of what was played that the relay did not send. */
  relayP2pShare: number;
  /** p2pBytesDown / playedBytes, as the players count it. */
  playerP2pShare: number;
  latencyP50: number;
  latencyP95: number;
  latencyMax: number;
  latencySamples: number;
  /** hls.js's distance behind the playlist's live edge, p50 over every viewer's readings. */
  behindEdgeP50: number;
  unreadableFrames: number;
  stallsPerViewer: number;
  maxStalls: number;
  stalledSecondsPerViewer: number;
  /** Segments the viewers fetched first as seeders / waited for from peers (P2P only). */
  segmentsSeeded: number;
  segmentsWaited: number;
  rejectedSegments: number;
  errors: string[];
  /** The 1-minute load average when the measured part started and ended. */
  loadAverageStart: number;
  loadAverageEnd: number;
};

const key = 'p2p-bench-stream-key';

type Snapshot = { relayBytes: number; stats: ViewerStats[]; stalls: StallCounts[]; seeding: Array<{ seeded: number; waited: number }> };

export async function runSwarm(settings: RunSettings, cleanup: Cleanup): Promise<RunResult> {
  let relay: TestRelay | undefined;
  const ingest: TestIngest = await startTestIngest(
    { classrooms: [{ id: 'p2p-bench-room', key }], p2p: { enabled: settings.delivery === 'p2p', iceServers: [] } },
    () => relay!.baseUrl,
  );
  const stopIngest = cleanup.add(() => ingest.stop());
  relay = await startTestRelay([ingest.baseUrl]);
  const stopRelay = cleanup.add(() => relay!.stop());
  const encoder: DemoEncoder = pushTestPattern(ingest.rtmpUrl(key), { width: settings.width, height: settings.height, fps: 25 });
  const stopEncoder = cleanup.add(() => encoder.stop());
  const browser: Browser = await launchP2pChromium();
  const stopBrowser = cleanup.add(() => browser.close());
  try {
    const lessonId = await waitFor('the lesson', () => ingest.ingest.lessons.list()[0]?.id, 30_000);
    const master = await waitFor('the master playlist', () => fetchPlaylist(`${ingest.baseUrl}/live/${lessonId}/master.m3u8`).catch(() => undefined), 40_000);
    // A lesson a few segments old, as a class usually is by the time most viewers join.
    const mediaPlaylist = `${ingest.baseUrl}/live/${lessonId}/${master.playlists?.[0]?.uri ?? '360p/index.m3u8'}`;
    await waitFor('four segments listed', async () => ((await fetchPlaylist(mediaPlaylist).catch(() => undefined))?.segments.length ?? 0) >= 4 || undefined, 60_000);
    const watchUrl = `${ingest.baseUrl}/watch/${lessonId}`;
    const viewers: Viewer[] = [];
    for (let index = 0; index < settings.viewers; index++) {
      if (index > 0) await sleep(settings.joinGapSeconds * 1000);
      progress(`${settings.delivery}: viewer ${index + 1} of ${settings.viewers} joins`);
      viewers.push(await openViewer(browser, watchUrl, { prepare: (page) => prepareViewer(page, settings.delivery) }));
    }
    let latest: ViewerStats[] = [];
    await waitFor('every viewer playing', async () => ((latest = await Promise.all(viewers.map((v) => v.stats()))).every((s) => s.currentTime > 2) ? true : undefined), 90_000, 1000).catch(
      (error: Error) => {
        throw new Error(`${error.message}\n${latest.map(describeViewer).join('\n')}`);
      },
    );
    await sleep(settings.settleSeconds * 1000);
    progress(`${settings.delivery}: measuring ${settings.viewers} viewers for ${settings.seconds} s`);
    const loadAverageStart = loadavg()[0]!;
    const before = await snapshot(relay, viewers);
    const latencies: number[] = [];
    const behindEdge: number[] = [];
    let unreadable = 0;
    const end = Date.now() + settings.seconds * 1000;
    // Each viewer's clock read in turn, about once a second each.
    while (Date.now() < end) {
      const roundStart = Date.now();
      for (const viewer of viewers) {
        const reading = await readClock(viewer.page).catch(() => null);
        if (reading) {
          latencies.push(reading.latencyMs / 1000);
          if (reading.behindEdgeSeconds !== null) behindEdge.push(reading.behindEdgeSeconds);
        } else {
          unreadable++;
        }
      }
      await sleep(Math.max(0, 1000 - (Date.now() - roundStart)));
    }
    const after = await snapshot(relay, viewers);
    after.stats.forEach((stats, index) => progress(`  ${describeViewer(stats, index)}`));
    const result = { ...summarize(settings, before, after, latencies, behindEdge, unreadable), loadAverageStart, loadAverageEnd: loadavg()[0]! };
    const modes = new Set(after.stats.map((s) => s.mode));
    if (modes.size !== 1 || !modes.has(settings.delivery)) throw new Error(`viewers played in mode ${[...modes].join(', ')}, not ${settings.delivery} only`);
    return result;
  } finally {
    await stopBrowser();
    await stopEncoder();
    await stopRelay();
    await stopIngest();
  }
}

/** Counts the page's stalls; for the HTTP-only baseline, turns P2P off in the page. */
async function prepareViewer(page: Page, delivery: RunSettings['delivery']): Promise<void> {
  await page.addInitScript(stallCounterScript);
  if (delivery === 'http') await page.addInitScript(platformOffScript);
}

function describeViewer(s: ViewerStats, index: number): string {
  return `viewer ${index + 1}: ${s.mode}${s.httpOnlyReason ? ` (${s.httpOnlyReason})` : ''}, state ${s.state || '-'}, t=${s.currentTime.toFixed(1)} s, http ${s.httpBytes} B, p2p down ${s.p2pBytesDown} B, up ${s.p2pBytesUp} B, peers ${s.peers}${s.errors.length ? `, errors ${s.errors.join('; ')}` : ''}`;
}

async function snapshot(relay: TestRelay, viewers: readonly Viewer[]): Promise<Snapshot> {
  const relayBytes = relay.relay.stats.bytesToViewers;
  const stats = await Promise.all(viewers.map((viewer) => viewer.stats()));
  const stalls = await Promise.all(viewers.map((viewer) => readStalls(viewer.page)));
  const seeding = await Promise.all(
    viewers.map((viewer) =>
      viewer.page.evaluate(() => {
        const p2p = (window as unknown as { classcast?: { p2p?: { segmentsSeeded?: number; segmentsWaited?: number } } }).classcast?.p2p;
        return { seeded: p2p?.segmentsSeeded ?? 0, waited: p2p?.segmentsWaited ?? 0 };
      }),
    ),
  );
  return { relayBytes, stats, stalls, seeding };
}

function summarize(settings: RunSettings, before: Snapshot, after: Snapshot, latencies: number[], behindEdge: number[], unreadable: number): Omit<RunResult, 'loadAverageStart' | 'loadAverageEnd'> {
  const sum = (pick: (s: ViewerStats) => number) => after.stats.reduce((total, s, i) => total + pick(s) - pick(before.stats[i]!), 0);
  const p2pBytes = sum((s) => s.p2pBytesDown);
  const playedBytes = sum((s) => s.httpBytes) + p2pBytes;
  const relayBytes = after.relayBytes - before.relayBytes;
  const stalls = after.stalls.map((s, i) => s.stalls - before.stalls[i]!.stalls);
  const stalled = after.stalls.map((s, i) => s.stalledSeconds - before.stalls[i]!.stalledSeconds);
  const seeding = (pick: 'seeded' | 'waited') => after.seeding.reduce((total, s, i) => total + s[pick] - before.seeding[i]![pick], 0);
  const rejected = sum((s) => s.rejected.empty + s.rejected.mismatch + s.rejected.unlisted);
  return {
    ...settings,
    playedBytes,
    relayBytes,
    relayP2pShare: playedBytes > 0 ? 1 - relayBytes / playedBytes : Number.NaN,
    playerP2pShare: playedBytes > 0 ? p2pBytes / playedBytes : Number.NaN,
    latencyP50: percentile(latencies, 50),
    latencyP95: percentile(latencies, 95),
    latencyMax: latencies.length > 0 ? Math.max(...latencies) : Number.NaN,
    latencySamples: latencies.length,
    behindEdgeP50: percentile(behindEdge, 50),
    unreadableFrames: unreadable,
    stallsPerViewer: stalls.reduce((a, b) => a + b, 0) / stalls.length,
    maxStalls: Math.max(...stalls),
    stalledSecondsPerViewer: stalled.reduce((a, b) => a + b, 0) / stalled.length,
    segmentsSeeded: seeding('seeded'),
    segmentsWaited: seeding('waited'),
    rejectedSegments: rejected,
    errors: after.stats.flatMap((s) => s.errors),
  };
}
