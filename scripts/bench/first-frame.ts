// Time to first frame on the watch page: fresh Chromium contexts (empty caches, as a viewer opening
// the lesson for the first time) open a live lesson's watch page through a city relay, and each
// open is timed from navigation to the first video frame shown (requestVideoFrameCallback, with
// currentTime advancing past it). Where the time goes is read from the page's own timings: the
// bundle, the catalog's answer, the master and media playlists, the init and first segments.
//   npm run bench:first-frame -- [--opens 12] [--mode normal]
import { parseArgs } from 'node:util';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { catalogApi } from '../../services/catalog/api/catalog-api.ts';
import { openDatabase } from '../../services/catalog/db/open-database.ts';
import { pageLookups } from '../../services/catalog/queries/page-lookups.ts';
import { resolveConfig } from '../../services/core/config/load.ts';
import { latencyModes, type LatencyMode } from '../../services/core/config/schema.ts';
import { createLogger, setLogLevel } from '../../services/core/log.ts';
import { playbackSettingsFrom } from '../../services/core/config/playback-settings.ts';
import { startIngestRole } from '../../services/roles/ingest.ts';
import { pageRoutes } from '../../services/web/pages.ts';
import { launchChromium } from '../../test/helpers/browser.ts';
import { pushTestPattern } from '../../test/helpers/media.ts';
import { startTestRelay } from '../../test/helpers/test-relay.ts';
import { waitFor } from '../../test/helpers/wait-for.ts';
import { progress } from './bench-clock.ts';
import { figuresJson } from './figures-json.ts';
import { describeMachine, loadAverageAtEnd, machineAtStart } from './machine.ts';
import { percentile } from './percentile.ts';
import { runBench } from './run-bench.ts';

const { values } = parseArgs({ options: { opens: { type: 'string', default: '12' }, mode: { type: 'string', default: 'normal' } } });
const opens = Math.max(10, Number(values.opens));
const mode = values.mode as LatencyMode;
if (!latencyModes.includes(mode)) throw new Error(`--mode must be one of ${latencyModes.join(', ')}`);
const key = 'first-frame-bench-key';

/** Milliseconds from navigation start to each step of one open (the page's own clock); null where it did not happen. */
type OpenTimes = { masterRequests: number; lessonRequests: number; firstFrame: number; bundle: number | null; lesson: number | null; masterStart: number | null; master: number | null; media: number | null; init: number | null; segment: number | null };

/**
 * Runs in the page before any of its scripts: notes the first frame the <video> presents
 * (requestVideoFrameCallback), or, where the browser presents none (headless without a compositor
 * frame), its first `playing` event.
 */
function watchFirstFrame(): void {
  const state = { firstFrame: null as number | null, playing: null as number | null };
  (window as unknown as { firstFrameBench: typeof state }).firstFrameBench = state;
  document.addEventListener('playing', () => (state.playing ??= performance.now()), true);
  const hook = () => {
    const video = document.querySelector('video');
    if (!video) return void setTimeout(hook, 5);
    video.requestVideoFrameCallback((now) => (state.firstFrame = now));
  };
  hook();
}

async function openOnce(browser: Awaited<ReturnType<typeof launchChromium>>, url: string): Promise<OpenTimes> {
  const context = await browser.newContext({ viewport: { width: 1280, height: 800 } });
  try {
    const page = await context.newPage();
    await page.addInitScript(watchFirstFrame);
    await page.goto(url);
    await waitFor('the first frame, and playback past it', () =>
      page.evaluate(() => {
        const video = document.querySelector('video');
        const state = (window as unknown as { firstFrameBench: { firstFrame: number | null; playing: number | null } }).firstFrameBench;
        return (state.firstFrame ?? state.playing) !== null && video !== null && video.currentTime > 0 && !video.paused ? true : undefined;
      }),
    30_000);
    const seen = await page.evaluate(() => ({
      bench: (window as unknown as { firstFrameBench: { firstFrame: number | null; playing: number | null } }).firstFrameBench,
      entries: (performance.getEntriesByType('resource') as PerformanceResourceTiming[]).map((entry) => ({ name: entry.name, startTime: entry.startTime, responseEnd: entry.responseEnd })),
    }));
    const first = (pattern: RegExp) => seen.entries.find((entry) => pattern.test(entry.name));
    const end = (pattern: RegExp) => first(pattern)?.responseEnd ?? null;
    return {
      // More than one: the player did not take the page's preload and asked again.
      masterRequests: seen.entries.filter((entry) => /master(-timeshift)?\.m3u8/.test(entry.name)).length,
      lessonRequests: seen.entries.filter((entry) => /\/api\/v1\/lessons\//.test(entry.name)).length,
      firstFrame: seen.bench.firstFrame ?? seen.bench.playing!,
      bundle: end(/\/assets\/watch\.js/),
      lesson: end(/\/api\/v1\/lessons\//),
      masterStart: first(/master(-timeshift)?\.m3u8/)?.startTime ?? null,
      master: end(/master(-timeshift)?\.m3u8/),
      media: end(/\/(index|timeshift)\.m3u8/),
      init: end(/\/init-[^/]+\.mp4/),
      segment: end(/\.m4s(\?|$)/),
    };
  } finally {
    await context.close();
  }
}

setLogLevel('error');
await runBench('first-frame benchmark', ['ffmpeg', 'chromium'], async (cleanup) => {
  console.log(machineAtStart(`First frame on the watch page (${mode} latency mode, through a city relay, ${opens} fresh contexts)`, describeMachine()));
  const dataDir = await mkdtemp(join(tmpdir(), 'classcast-first-frame-'));
  cleanup.add(() => rm(dataDir, { recursive: true, force: true }));
  const config = resolveConfig([
    {
      source: 'bench',
      values: { dataDir, databaseUrl: 'memory://', http: { host: '127.0.0.1', port: 0 }, rtmp: { host: '127.0.0.1', port: 0 }, demo: { enabled: false }, classrooms: [{ id: 'first-frame-room', key }], ingest: { latencyMode: mode } },
    },
  ]);
  const log = createLogger({ role: 'ingest', node: 'bench' });
  const db = await openDatabase(config, log);
  cleanup.add(() => db.close());
  let relayBase = '';
  const viewerSessions = { secrets: playbackSettingsFrom(config).secrets };
  const catalog = catalogApi({ db, config, log, rtmpBase: () => 'rtmp://127.0.0.1/live' });
  const ingest = await startIngestRole(config, log, { db, routers: [catalog, pageRoutes(() => relayBase, undefined, viewerSessions, undefined, undefined, pageLookups(db))] });
  cleanup.add(() => ingest.close());
  const relay = await startTestRelay([`http://127.0.0.1:${ingest.httpPort}`]);
  cleanup.add(() => relay.stop());
  relayBase = relay.baseUrl;
  const encoder = pushTestPattern(`rtmp://127.0.0.1:${ingest.ingest.rtmpPort}/live/${key}`, { width: 1280, height: 720 });
  cleanup.add(() => encoder.stop());
  const browser = await launchChromium();
  cleanup.add(() => browser.close());
  const lessonId = await waitFor('the lesson to go live', () => ingest.ingest.lessons.list().find((lesson) => lesson.state === 'live')?.id, 30_000);
  // A few segments in, as a viewer joining a lesson under way finds it.
  await new Promise((resolve) => setTimeout(resolve, 10_000));
  const url = `http://127.0.0.1:${ingest.httpPort}/watch/${lessonId}`;
  const times: OpenTimes[] = [];
  for (let open = 1; open <= opens; open++) {
    const result = await openOnce(browser, url);
    progress(`open ${open}/${opens}: first frame at ${(result.firstFrame / 1000).toFixed(2)} s`);
    times.push(result);
  }
  const seconds = (values: Array<number | null>) => values.filter((value): value is number => value !== null).map((value) => value / 1000);
  const step = (name: string, pick: (open: OpenTimes) => number | null) => {
    const list = seconds(times.map(pick));
    return `${name.padEnd(34)} ${percentile(list, 50).toFixed(3).padStart(6)} s  p95 ${percentile(list, 95).toFixed(3).padStart(6)} s`;
  };
  console.log('\nMilliseconds are from navigation start, on the page\'s own clock; each step ends when its response did.');
  console.log(step('watch.js bundle loaded', (open) => open.bundle));
  console.log(step('catalog answered (lesson)', (open) => open.lesson));
  console.log(step('master playlist asked for', (open) => open.masterStart));
  console.log(step('master playlist loaded', (open) => open.master));
  console.log(step('media playlist loaded', (open) => open.media));
  console.log(step('init segment loaded', (open) => open.init));
  console.log(step('first media segment loaded', (open) => open.segment));
  console.log(step('FIRST FRAME', (open) => open.firstFrame));
  const first = seconds(times.map((open) => open.firstFrame));
  console.log(`\nfirst frame: median ${percentile(first, 50).toFixed(2)} s, p95 ${percentile(first, 95).toFixed(2)} s, min ${Math.min(...first).toFixed(2)} s, max ${Math.max(...first).toFixed(2)} s over ${first.length} opens`);
  console.log(loadAverageAtEnd());
  console.log(figuresJson({ mode, opens, firstFrame: { p50: percentile(first, 50), p95: percentile(first, 95) }, times }, 3));
});
