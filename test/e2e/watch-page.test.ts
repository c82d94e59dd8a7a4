// The one watch page for live and time-shift, end to end through a city relay: a classroom pushes in
// low latency mode, Chromium opens the old /timeshift/<lesson> address and lands on /watch/<lesson>
// (query kept), seeks back over the whole lesson, and the LIVE button takes it back to the edge and
// says so; the viewer count comes from /live/<lesson>/viewers.json on the relay, cached for a few
// seconds, and counts this viewer, never showing 0 (not yet counted) on the way; a relay that stops answering stalls the video, and the page says
// so in words and what the player is doing; when the lesson ends its page says it ended and links
// its replay. With CLASSCAST_SCREENSHOT_DIR set, each state is photographed at desktop and phone
// size, in CLASSCAST_SCREENSHOT_LOCALE (en-US by default).
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { catalogApi } from '../../services/catalog/api/catalog-api.ts';
import { playbackSettingsFrom } from '../../services/core/config/playback-settings.ts';
import { startIngestRole, type IngestRole } from '../../services/roles/ingest.ts';
import { scrapedViewerFigures } from '../../services/stats/lesson-viewers.ts';
import { pageRoutes } from '../../services/web/pages.ts';
import type { DemoEncoder } from '../../services/demo/demo-encoder.ts';
import { launchChromium } from '../helpers/browser.ts';
import { fetchPlaylist, pushTestPattern } from '../helpers/media.ts';
import { startTestRelay, type TestRelay } from '../helpers/test-relay.ts';
import { catalogIngestSetup, type CatalogIngestSetup } from '../helpers/catalog-ingest-setup.ts';
import { waitFor } from '../helpers/wait-for.ts';
import { snapshot, waitForPlayback } from '../helpers/watch-page.ts';

const key = 'watch-page-room-key';

type Position = { currentTime: number; start: number; end: number; atLiveEdge: boolean; liveButton: boolean };

/** Where the video is in the lesson, and whether video.js's LIVE button says it is at the edge. */
const position = (page: Page): Promise<Position> =>
  page.evaluate(() => {
    const video = document.querySelector('video')!;
    const button = document.querySelector('.vjs-seek-to-live-control');
    return {
      currentTime: video.currentTime,
      start: video.seekable.length ? video.seekable.start(0) : 0,
      end: video.seekable.length ? video.seekable.end(video.seekable.length - 1) : 0,
      atLiveEdge: button?.classList.contains('vjs-at-live-edge') ?? false,
      liveButton: button !== null && getComputedStyle(button).display !== 'none',
    };
  });

/** Photographs the page at desktop and phone size when CLASSCAST_SCREENSHOT_DIR is set. */
async function photograph(page: Page, name: string): Promise<void> {
  const dir = process.env.CLASSCAST_SCREENSHOT_DIR;
  if (!dir) return;
  const locale = process.env.CLASSCAST_SCREENSHOT_LOCALE ?? 'en-US';
  for (const [size, viewport] of [['desktop', { width: 1280, height: 800 }], ['phone', { width: 390, height: 844 }]] as const) {
    await page.setViewportSize(viewport);
    // With the controls showing (the seek bar and LIVE), as a viewer touching the player sees them.
    await page.evaluate(() => window.classcast!.player.userActive(true));
    await new Promise((resolve) => setTimeout(resolve, 500));
    await page.screenshot({ path: join(dir, `watch-${name}-${size}-${locale}.png`), fullPage: true });
  }
  await page.setViewportSize({ width: 1280, height: 800 });
}

describe('one watch page for live and time-shift, with its viewer count, stalls and end', { timeout: 300_000 }, () => {
  let setup: CatalogIngestSetup;
  let ingest: IngestRole;
  let relay: TestRelay | undefined;
  let encoder: DemoEncoder | undefined;
  let browser: Browser;
  let context: BrowserContext;
  let base: string;
  let lessonId: string;

  before(async () => {
    setup = await catalogIngestSetup('classcast-watch-page-', {
      classrooms: [{ id: 'room-404', key }],
      // 1 s segments, and a lesson that ends soon after its encoder stops.
      ingest: { latencyMode: 'low', reconnectGraceSeconds: 2 },
    });
    const { config, log, db } = setup;
    const api = catalogApi({ db, config, log, rtmpBase: () => 'rtmp://127.0.0.1/live' });
    const pages = pageRoutes(() => relay?.baseUrl, undefined, { secrets: playbackSettingsFrom(config).secrets });
    // The viewer count reads the tiers the dashboard would: this node and the city relay the page plays through.
    const viewerFigures = scrapedViewerFigures([
      { tier: 'ingest', url: () => `${base}/metrics` },
      { tier: 'relay', url: () => `${relay?.baseUrl}/metrics` },
    ]);
    ingest = await startIngestRole(config, log, { db, routers: [api, pages], viewerFigures });
    base = `http://127.0.0.1:${ingest.httpPort}`;
    relay = await startTestRelay([base]);
    encoder = pushTestPattern(`rtmp://127.0.0.1:${ingest.ingest.rtmpPort}/live/${key}`, { width: 640, height: 360, fps: 25 });
    lessonId = await waitFor('the lesson to go live', () => ingest.ingest.lessons.list().find((lesson) => lesson.state === 'live')?.id, 30_000);
    await waitFor('12 s of lesson in the time-shift playlist', async () => {
      const master = await fetchPlaylist(`${base}/live/${lessonId}/master-timeshift.m3u8`).catch(() => undefined);
      const playlist = master && (await fetchPlaylist(`${base}/live/${lessonId}/${master.playlists![0]!.uri}`).catch(() => undefined));
      return playlist && playlist.segments.length >= 12 ? playlist : undefined;
    }, 90_000);
    browser = await launchChromium();
    context = await browser.newContext({ viewport: { width: 1280, height: 800 }, locale: process.env.CLASSCAST_SCREENSHOT_LOCALE ?? 'en-US' });
  });

  after(async () => {
    await context?.close();
    await browser?.close();
    await encoder?.stop();
    await relay?.stop();
    await ingest?.close();
    await setup?.close();
  });

  it('the old time-shift address lands on the watch page, which seeks over the whole lesson and back to LIVE', async () => {
    const page = await context.newPage();
    // Every figure the viewer count shows, from the first: never a 0 while this viewer watches.
    await page.addInitScript(() => {
      const shown: string[] = [];
      (window as unknown as { viewerCountsShown: string[] }).viewerCountsShown = shown;
      setInterval(() => {
        const element = document.getElementById('viewer-count');
        const figure = element && !element.hidden ? (element.dataset.viewers ?? element.textContent ?? '') : null;
        if (figure !== null && shown.at(-1) !== figure) shown.push(figure);
      }, 20);
    });
    try {
      const response = await page.goto(`${base}/timeshift/${lessonId}?lang=en`);
      assert.equal(response?.status(), 200);
      assert.equal(page.url(), `${base}/watch/${lessonId}?lang=en`);
      await waitForPlayback(page, 1, 60_000);
      const live = await waitFor('playing at the live edge, as the LIVE button says', async () => {
        const now = await position(page);
        return now.atLiveEdge && now.liveButton ? now : undefined;
      }, 60_000);
      assert.ok(live.start <= 1 && live.end > 10, `the seek bar covers the lesson so far: ${live.start}-${live.end}`);
      await photograph(page, 'live');

      // Back to the lesson's first seconds: the seek bar reaches them, and the LIVE button says we are behind.
      await page.evaluate((target) => {
        const video = document.querySelector('video')!;
        video.currentTime = target;
      }, live.start + 1);
      const behind = await waitFor('playing near the lesson start, behind the live edge', async () => {
        const now = await position(page);
        return now.currentTime < live.start + 6 && now.currentTime > live.start && !now.atLiveEdge ? now : undefined;
      }, 30_000);
      await waitForPlayback(page, 1, 30_000);
      assert.ok(behind.end - behind.currentTime > 5, `behind the edge: ${behind.currentTime} of ${behind.end}`);
      await photograph(page, 'behind-live');

      // LIVE pressed from the keyboard (the control bar fades under the pointer after 2 s, which a
      // busy machine can outlast between showing it and clicking).
      await page.focus('.vjs-seek-to-live-control');
      await page.keyboard.press('Enter');
      const back = await waitFor('back at the live edge after LIVE', async () => {
        const now = await position(page);
        return now.atLiveEdge && now.currentTime > now.end - 6 ? now : undefined;
      }, 30_000);
      assert.ok(back.currentTime > behind.currentTime + 5);
      assert.deepEqual((await snapshot(page)).errors, []);

      // The same page tells the truth about peer-to-peer: the platform has a tracker, so it is not "off on this platform".
      const delivery = await page.evaluate(() => ({ mode: window.classcast?.p2p.mode, reason: window.classcast?.p2p.httpOnlyReason }));
      assert.notEqual(delivery.reason, 'platform-off', JSON.stringify(delivery));

      // The viewer count: this viewer's reports reach the relay's /metrics, and the page shows the figure.
      const shown = await waitFor('the page to count this viewer', () => page.evaluate(() => Number(document.getElementById('viewer-count')?.dataset.viewers ?? 0) || undefined), 60_000);
      assert.ok(shown >= 1);
      const figures = await page.evaluate(() => (window as unknown as { viewerCountsShown: string[] }).viewerCountsShown);
      assert.ok(figures.length > 0 && figures.every((figure) => Number(figure) >= 1), `figures shown: ${figures.join(', ')}`);
    } finally {
      await page.close();
    }
  });

  it('serves the viewer count through the relay as a short-lived cacheable document', async () => {
    const url = `${relay!.baseUrl}/live/${lessonId}/viewers.json`;
    const first = await fetch(url);
    assert.equal(first.status, 200);
    assert.equal(first.headers.get('cache-control'), 'public, max-age=5');
    assert.match(first.headers.get('content-type') ?? '', /^application\/json/);
    const body = (await first.json()) as { viewers: number; at: string };
    assert.equal(typeof body.viewers, 'number');
    assert.ok(!Number.isNaN(Date.parse(body.at)), body.at);
    // Many viewers asking at once cost the origin one request: the relay single-flights and caches it.
    const before = relay!.relay.stats.hits;
    const answers = await Promise.all(Array.from({ length: 20 }, () => fetch(url).then((response) => response.json() as Promise<{ at: string }>)));
    assert.ok(relay!.relay.stats.hits - before >= 19, `hits ${relay!.relay.stats.hits - before}`);
    assert.ok(answers.every((answer) => answer.at === answers[0]!.at));
    assert.equal((await fetch(`${relay!.baseUrl}/live/no-such-lesson/viewers.json`)).status, 404);
    assert.equal((await fetch(`${relay!.baseUrl}/live/${lessonId}/360p/viewers.json`)).status, 404);
  });

  it('says in words that the video stalled, and what the player does, while the relay does not answer', async () => {
    const page = await context.newPage();
    try {
      await page.goto(`${base}/watch/${lessonId}`);
      await waitForPlayback(page, 2, 60_000);
      // The relay keeps its connections, but Chromium holds every request to it unanswered.
      await page.route(`${relay!.baseUrl}/**`, () => {});
      const message = await waitFor('the stall message', () =>
        page.evaluate(() => {
          const box = document.querySelector<HTMLElement>('.cc-stall');
          return box && !box.hidden && window.classcast?.stalled() ? box.innerText : undefined;
        }),
      60_000);
      assert.ok(message.split('\n').filter((line) => line.trim() !== '').length >= 2, `what happened and what the player does: ${message}`);
      await photograph(page, 'stalled');
      await page.unroute(`${relay!.baseUrl}/**`);
      await waitFor('the message gone once the video plays again', async () => {
        const state = await page.evaluate(() => ({ stalled: window.classcast?.stalled(), time: document.querySelector('video')!.currentTime }));
        return state.stalled === false ? state : undefined;
      }, 90_000);
      await waitForPlayback(page, 1, 60_000);
    } finally {
      await page.close();
    }
  });

  it('says an ended lesson ended, when, and links its replay', async () => {
    await encoder!.stop();
    encoder = undefined;
    const replayUrl = await waitFor('the recording to become a replay', async () => {
      const answer = (await (await fetch(`${base}/api/v1/recordings?lessonId=${lessonId}`)).json()) as { items: Array<{ state: string; replayUrl: string | null }> };
      return answer.items.find((item) => item.state === 'ready')?.replayUrl ?? undefined;
    }, 60_000);
    const lesson = (await (await fetch(`${base}/api/v1/lessons/${lessonId}`)).json()) as { state: string; endedAt: string | null };
    assert.equal(lesson.state, 'ended');
    const page = await context.newPage();
    try {
      await page.goto(`${base}/watch/${lessonId}`);
      const ended = await waitFor('the ended line', () =>
        page.evaluate(() => {
          const line = document.getElementById('lesson-ended');
          const link = line?.querySelector('a');
          return line && !line.hidden && link ? { text: line.textContent ?? '', href: link.getAttribute('href') } : undefined;
        }),
      30_000);
      assert.equal(ended.href, replayUrl);
      assert.match(ended.text, /\d{2}:\d{2}/, `the real end time: ${ended.text}`);
      // The whole lesson still plays on its page.
      await waitForPlayback(page, 1, 60_000);
      await photograph(page, 'ended');
    } finally {
      await page.close();
    }
  });
});
