// A viewer keeps watching when the relay it plays from goes away: the catalog's pages name two relays
// (web.mediaUrls), Chromium plays the lesson from the first, the first relay is closed (its port stops
// answering), or stops answering, and the player moves to the second, where the lesson goes on playing
// with no error shown and nothing the page's policy refuses: the live page at the live edge, the
// time-shift page where the viewer was, at the quality they chose. How long the viewer's picture
// stood still is measured in the page and printed, with what hls.js did meanwhile. And the HLS way,
// as the browser's own HLS (Safari, iOS) does it: the two relays as a city's, the viewer routed to
// that city by address, hls.js alone plays the viewer's redundant master playlist and goes on from
// the second relay's variants when the first relay closes.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { createRequire } from 'node:module';
import type { Browser, Page } from 'playwright-core';
import type { Database } from '../../services/catalog/db/database.ts';
import { openDatabase } from '../../services/catalog/db/open-database.ts';
import { resolveConfig } from '../../services/core/config/load.ts';
import { startHttpServer, type HttpServer } from '../../services/core/http-server.ts';
import { createLogger } from '../../services/core/log.ts';
import { catalogWebRoutes } from '../../services/roles/catalog-web.ts';
import type { DemoEncoder } from '../../scripts/demo/demo-encoder.ts';
import { launchChromium } from '../helpers/browser.ts';
import { pushTestPattern, waitForLiveSegments } from '../helpers/media.ts';
import { startTestIngest, type TestIngest } from '../helpers/test-ingest.ts';
import { startTestRelay, type TestRelay } from '../helpers/test-relay.ts';
import { waitFor } from '../helpers/wait-for.ts';
import { addAddressRange, addCityRelay, deleteAddressRange } from '../../services/catalog/queries/city-routing.ts';
import { createCity } from '../../services/catalog/queries/cities.ts';
import { snapshot, waitForPlayback, type PlayerSnapshot } from '../helpers/watch-page.ts';

const key = 'failover-room-key';

/** What the bare page reads of hls.js (its global build, loaded into the page). */
type RedundantHls = {
  levels: Array<{ url: string[]; uri?: string }>;
  currentLevel: number;
  on(event: string, listener: (event: string, data: { fatal: boolean; details: string }) => void): void;
  loadSource(url: string): void;
  attachMedia(video: HTMLVideoElement): void;
};

declare global {
  interface Window {
    cspViolations?: string[];
    /** Every value body[data-player-state] took, in order. */
    playerStates?: string[];
    /** What stallRecorder notes, in page time (performance.now()). */
    stall?: { failedAt: number; advanced: number[]; events: Array<[number, string]> };
  }
}

describe('the player moves to the next relay when its relay goes away', { timeout: 300_000 }, () => {
  const log = createLogger({ role: 'catalog', node: 'test' });
  let db: Database;
  let ingest: TestIngest;
  let encoder: DemoEncoder | undefined;
  let browser: Browser;
  let lessonId: string;
  const running: Array<{ close(): Promise<void> }> = [];

  before(async () => {
    db = await openDatabase({ databaseUrl: 'memory://', dataDir: '/tmp' }, log);
    ingest = await startTestIngest({ classrooms: [{ id: 'room-990', key }] }, undefined, { db });
    encoder = pushTestPattern(ingest.rtmpUrl(key), { width: 1280, height: 720, fps: 25 });
    lessonId = await waitFor('the lesson', () => ingest.ingest.lessons.list()[0]?.id, 30_000);
    await waitForLiveSegments(ingest.baseUrl, lessonId, 4);
    browser = await launchChromium();
  });
  after(async () => {
    await browser?.close();
    for (const server of running.reverse()) await server.close();
    await encoder?.stop();
    await ingest?.stop();
    await db?.close();
  });

  /** Two relays in front of the ingest node, and the catalog's pages (over the ingest node's catalog) naming them. */
  async function relaysAndCatalog(): Promise<{ relay1: TestRelay; relay2: TestRelay; catalog: HttpServer; closeRelay1(): Promise<void> }> {
    const relay1 = await startTestRelay([ingest.baseUrl]);
    let relay1Open = true;
    const closeRelay1 = async () => {
      relay1Open = false;
      await relay1.stop();
    };
    running.push({
      close: async () => {
        if (relay1Open) await relay1.stop();
      },
    });
    const relay2 = await startTestRelay([ingest.baseUrl]);
    running.push({ close: () => relay2.stop() });
    const config = resolveConfig([{ source: 'test', values: { demo: { enabled: false }, web: { mediaUrls: [relay1.baseUrl, relay2.baseUrl] } } }]);
    const catalog = await startHttpServer({ host: '127.0.0.1', port: 0, log, routers: catalogWebRoutes({ db, config, log, rtmpPort: () => ingest.ingest.rtmpPort }), health: () => ({ role: 'catalog' }) });
    running.push(catalog);
    return { relay1, relay2, catalog, closeRelay1 };
  }

  /** Opens a catalog page recording policy violations and player states; relay 2's first master playlist comes a little late. */
  async function openPage(url: string, relay2: TestRelay): Promise<{ page: Page; policy: string; violations(): Promise<string[]> }> {
    const page = await browser.newPage({ viewport: { width: 1280, height: 800 } });
    const fromConsole: string[] = [];
    page.on('console', (message) => /Content.Security.Policy/i.test(message.text()) && fromConsole.push(message.text()));
    page.on('pageerror', (error) => fromConsole.push(`page error: ${error.message}`));
    await page.addInitScript(() => {
      window.cspViolations = [];
      window.playerStates = [];
      document.addEventListener('securitypolicyviolation', (event) => window.cspViolations!.push(`${event.effectiveDirective} refused ${event.blockedURI || 'inline'}`));
      new MutationObserver(() => window.playerStates!.push(document.body.dataset.playerState ?? '')).observe(document, { subtree: true, attributes: true, attributeFilter: ['data-player-state'] });
    });
    await page.addInitScript({ content: stallRecorder });
    // So the switching notice stays up long enough to be seen (and photographed); everything else
    // goes through untouched.
    let delayed = false;
    await page.route(new RegExp(`^${relay2.baseUrl}/live/[^/]+/master[^/]*\\.m3u8`), async (route) => {
      if (!delayed) {
        delayed = true;
        await new Promise((resolve) => setTimeout(resolve, 1500));
      }
      await route.continue();
    });
    const response = await page.goto(url);
    assert.equal(response?.status(), 200, url);
    return { page, policy: response!.headers()['content-security-policy'] ?? '', violations: async () => [...(await page.evaluate(() => window.cspViolations ?? [])), ...fromConsole] };
  }

  /** Makes relay 1 fail under a playing page; returns the player at that moment, once the page showed it is switching. */
  async function closeUnder(page: Page, failRelay1: () => Promise<void>, screenshot: string): Promise<PlayerSnapshot> {
    const atClose = await snapshot(page);
    await page.evaluate(() => (window.stall!.failedAt = performance.now()));
    const closedAt = Date.now();
    await failRelay1();
    await waitFor('the switching notice', () => page.evaluate(() => document.body.dataset.playerState === 'switching'), 30_000, 50);
    const switchingAfterMs = Date.now() - closedAt;
    if (process.env.CLASSCAST_SCREENSHOT_DIR) await page.screenshot({ path: join(process.env.CLASSCAST_SCREENSHOT_DIR, screenshot) });
    assert.match(await page.evaluate(() => document.querySelector('.vjs-error-display')?.textContent ?? ''), /Switching relay/);
    process.stdout.write(`# relay 1 failed at currentTime ${atClose.currentTime.toFixed(1)} s; "Switching relay…" ${switchingAfterMs} ms later\n`);
    return atClose;
  }

  /**
   * The longest the picture stood still since relay 1 failed (a rebuild starts a new timeline, so
   * currentTime before and after cannot be compared), printed with the video's waits and what hls.js
   * did until the picture moved again on relay 2.
   */
  async function stallSinceFailure(page: Page, label: string): Promise<number> {
    const { failedAt, advanced, events } = await page.evaluate(() => window.stall!);
    let longest = 0;
    let previous = failedAt;
    for (const at of advanced.filter((at) => at >= failedAt)) {
      longest = Math.max(longest, at - previous);
      previous = at;
    }
    const since = events.filter(([at]) => at >= failedAt).map(([at, what]) => `${(at - failedAt).toFixed(0)} ${what}`);
    const resumed = since.findIndex((line, index) => / playing/.test(line) && since.slice(0, index).some((earlier) => / new hls/.test(earlier)));
    const waits = since.filter((line) => / waiting/.test(line)).length;
    process.stdout.write(`# ${label}: picture still for ${(longest / 1000).toFixed(1)} s at most; 'waiting' ${waits} times; ms after the failure:\n#   ${since.slice(0, resumed + 1).join('\n#   ')}\n`);
    return longest;
  }

  /** Nothing the viewer would read as a problem, and nothing the policy refused. */
  async function assertNoTrouble(page: Page, violations: () => Promise<string[]>, later: PlayerSnapshot): Promise<void> {
    assert.equal(later.state, 'playing');
    assert.deepEqual(later.errors, [], 'no problem was shown to the viewer');
    const states = await page.evaluate(() => window.playerStates ?? []);
    assert.ok(states.includes('switching') && !states.includes('error'), `player states: ${states.join(', ')}`);
    // The player's notices (player-status.ts, stall-notice.ts) are drawn in the player: the classroom
    // under it has its own (the raise-hand button has no signalling on this test's catalog server).
    assert.doesNotMatch(await page.evaluate(() => (document.querySelector('.video-js') as HTMLElement | null)?.innerText ?? ''), /Connection lost|Reload the page/);
    assert.deepEqual(await violations(), []);
  }

  it('keeps the live page playing from the second relay after the first is closed, with no error and no policy violation', async () => {
    const { relay1, relay2, catalog, closeRelay1 } = await relaysAndCatalog();
    const { page, policy, violations } = await openPage(`http://127.0.0.1:${catalog.port}/watch/${lessonId}`, relay2);
    try {
      for (const relay of [relay1, relay2]) {
        assert.match(policy, new RegExp(`connect-src [^;]*${relay.baseUrl}`), `connect-src allows ${relay.baseUrl}`);
        assert.match(policy, new RegExp(`connect-src [^;]*${relay.baseUrl.replace('http:', 'ws:')}`), `connect-src allows the tracker beside ${relay.baseUrl}`);
        assert.match(policy, new RegExp(`media-src [^;]*${relay.baseUrl}`), `media-src allows ${relay.baseUrl}`);
      }
      await waitForPlayback(page, 4, 60_000);
      assert.equal(await page.evaluate(() => window.classcast?.p2p.mode), 'p2p', 'plays through the P2P engine, which the switch rebuilds');
      assert.ok(relay1.relay.stats.requests > 3, `relay 1 served ${relay1.relay.stats.requests} requests`);
      const relay2Before = relay2.relay.stats.requests;

      const atClose = await closeUnder(page, closeRelay1, 'relay-switch-live.png');
      const later = await waitFor('currentTime to advance well past its value when relay 1 closed', async () => {
        const state = await snapshot(page);
        return state.currentTime > atClose.currentTime + 12 ? state : undefined;
      }, 90_000);
      const relay2Requests = relay2.relay.stats.requests - relay2Before;
      process.stdout.write(`# live: now at ${later.currentTime.toFixed(1)} s; relay 2 served ${relay2Requests} requests since relay 1 closed\n`);
      // A closed relay refuses at once, so the switch is quick and the figure is only recorded: it
      // was about 2 s before the relay-failover tuning as after (1.5 s of it relay 2's delayed playlist).
      await stallSinceFailure(page, 'live, relay 1 closed');
      assert.ok(relay2Requests > 5, `relay 2 served ${relay2Requests} requests after relay 1 closed`);
      assert.ok((await page.evaluate(() => window.classcast?.hls?.url ?? '')).startsWith(relay2.baseUrl), 'hls.js plays from relay 2');
      assert.ok(await page.evaluate(() => window.classcast?.p2pEngine !== null), 'a new P2P engine plays from relay 2');
      // The player's reports (every 10 s) follow it to relay 2.
      await waitFor('a player report accepted by relay 2', async () => {
        const metrics = await (await fetch(`${relay2.baseUrl}/metrics`)).text();
        return Number(/classcast_qoe_reports_total\{[^}]*outcome="accepted"[^}]*\} (\d+)/.exec(metrics)?.[1] ?? 0) > 0;
      }, 25_000);
      await assertNoTrouble(page, violations, later);
    } finally {
      await page.close();
    }
  });

  it('moves the live page on soon from a relay that stops answering, before the viewer has waited long', async () => {
    const { relay1, relay2, catalog } = await relaysAndCatalog();
    const { page, violations } = await openPage(`http://127.0.0.1:${catalog.port}/watch/${lessonId}`, relay2);
    try {
      await waitForPlayback(page, 4, 60_000);
      // Relay 1 keeps accepting connections, but Chromium holds every request to it unanswered, as a
      // relay that hung or sits behind a broken load balancer would: only timeouts tell.
      const unanswered = async () => {
        await page.route(`${relay1.baseUrl}/**`, () => {});
      };
      const atClose = await closeUnder(page, unanswered, 'relay-switch-unanswered.png');
      const later = await waitFor('currentTime to advance past its value when relay 1 stopped answering', async () => {
        const state = await snapshot(page);
        return state.currentTime > atClose.currentTime + 6 && state.state === 'playing' ? state : undefined;
      }, 90_000);
      assert.ok((await page.evaluate(() => window.classcast?.hls?.url ?? '')).startsWith(relay2.baseUrl), 'hls.js plays from relay 2');
      // Measured: 1.9 s (1.5 s of it relay 2's delayed first playlist). With hls.js's own timeouts
      // (10 s to a first byte, three failures in a row) the page had not even begun to switch 30 s
      // after relay 1 stopped answering; with the shorter ones alone, the picture stood still 7.3 s.
      const stallMs = await stallSinceFailure(page, 'live, relay 1 unanswered');
      assert.ok(stallMs < 8000, `the picture stood still ${stallMs.toFixed(0)} ms after relay 1 stopped answering`);
      await assertNoTrouble(page, violations, later);
    } finally {
      await page.close();
    }
  });

  it('keeps the time-shift page where the viewer was, at the quality they chose', async () => {
    const { relay2, catalog, closeRelay1 } = await relaysAndCatalog();
    const { page, violations } = await openPage(`http://127.0.0.1:${catalog.port}/timeshift/${lessonId}`, relay2);
    try {
      const playing = await waitForPlayback(page, 2, 60_000);
      assert.ok(playing.levels.length >= 2, `renditions: ${playing.levels.length}`);
      const chosen = playing.levels.length - 1;
      await page.evaluate((level) => window.classcast!.setLevel(level), chosen);
      // Back near the lesson's start, far from its live edge.
      await page.evaluate(() => (document.querySelector('video')!.currentTime = 4));
      await waitFor('playing from the lesson\'s start at the chosen quality', async () => {
        const state = await snapshot(page);
        return state.currentTime > 5 && state.currentTime < 15 && state.currentLevel === chosen && !state.paused ? state : undefined;
      }, 30_000);
      // Far enough from the live edge that a player starting there would be unmistakable.
      const liveEdge = await waitFor('the live edge 25 s ahead of the viewer', () =>
        page.evaluate(() => {
          const video = document.querySelector('video')!;
          const end = video.seekable.length > 0 ? video.seekable.end(video.seekable.length - 1) : 0;
          return end > video.currentTime + 25 ? end : undefined;
        }), 40_000);

      const atClose = await closeUnder(page, closeRelay1, 'relay-switch-timeshift.png');
      const later = await waitFor('currentTime to advance past its value when relay 1 closed', async () => {
        const state = await snapshot(page);
        return state.currentTime > atClose.currentTime + 6 && state.state === 'playing' ? state : undefined;
      }, 90_000);
      process.stdout.write(`# time-shift: closed at ${atClose.currentTime.toFixed(1)} s, now ${later.currentTime.toFixed(1)} s (live edge about ${liveEdge.toFixed(0)} s)\n`);
      assert.ok(later.currentTime > atClose.currentTime && later.currentTime < atClose.currentTime + 15, 'the player went on from where the viewer was, not from the live edge nor the start');
      assert.ok((await page.evaluate(() => window.classcast?.hls?.url ?? '')).startsWith(relay2.baseUrl), 'hls.js plays from relay 2');
      const manual = await page.evaluate(() => ({ auto: window.classcast!.hls!.autoLevelEnabled, level: window.classcast!.hls!.manualLevel }));
      assert.deepEqual(manual, { auto: false, level: chosen }, 'the quality the viewer chose on relay 1');
      await assertNoTrouble(page, violations, later);
    } finally {
      await page.close();
    }
  });

  it("goes on from the second relay's variants of the viewer's redundant master playlist when the first relay closes (hls.js alone, as a native HLS player)", async () => {
    const city = await createCity(db, 'Redundant City');
    const relay1 = await startTestRelay([ingest.baseUrl]);
    let relay1Open = true;
    running.push({ close: async () => void (relay1Open && (await relay1.stop())) });
    const relay2 = await startTestRelay([ingest.baseUrl]);
    running.push({ close: () => relay2.stop() });
    await addCityRelay(db, { cityId: city.id, mediaUrl: relay1.baseUrl, trackerUrl: null, position: 0 });
    await addCityRelay(db, { cityId: city.id, mediaUrl: relay2.baseUrl, trackerUrl: null, position: 1 });
    // This browser's address is the city's: it is not signed in, so the address decides.
    const range = await addAddressRange(db, { cityId: city.id, cidr: '127.0.0.0/8', note: 'test' });
    // The province's origin comes after the city's relays.
    const config = resolveConfig([{ source: 'test', values: { demo: { enabled: false }, web: { mediaUrls: [ingest.baseUrl] } } }]);
    const catalog = await startHttpServer({ host: '127.0.0.1', port: 0, log, routers: catalogWebRoutes({ db, config, log, rtmpPort: () => ingest.ingest.rtmpPort }), health: () => ({ role: 'catalog' }) });
    running.push(catalog);
    const catalogUrl = `http://127.0.0.1:${catalog.port}`;
    const page = await browser.newPage({ viewport: { width: 1280, height: 800 } });
    try {
      const masterUrl = `${catalogUrl}/watch/${lessonId}/master.m3u8`;
      const master = await (await fetch(masterUrl)).text();
      const uris = master.split('\n').filter((line) => line.startsWith('http'));
      const third = uris.length / 3;
      assert.ok(third >= 2 && Number.isInteger(third), `variants on both relays and the origin:\n${master}`);
      for (const [index, base] of [relay1.baseUrl, relay2.baseUrl, ingest.baseUrl].entries()) {
        assert.ok(uris.slice(index * third, (index + 1) * third).every((uri) => uri.startsWith(base)), `variants ${index * third}..${(index + 1) * third - 1} on ${base}:\n${master}`);
      }
      // A bare page on the catalog's origin with hls.js and nothing of Classcast's player: no relay
      // list, no failover of its own. (A document the catalog really served, which has no policy of
      // its own, so Chromium lets it reach the relays on loopback as it does the watch page.)
      const hlsScript = await readFile(createRequire(import.meta.url).resolve('hls.js/dist/hls.min.js'), 'utf8');
      await page.goto(`${catalogUrl}/healthz`);
      await page.evaluate(() => void (document.body.innerHTML = '<video muted autoplay playsinline></video>'));
      await page.addScriptTag({ content: hlsScript });
      await page.evaluate((url) => {
        const hls = new (window as unknown as { Hls: new () => RedundantHls }).Hls();
        (window as unknown as { redundant: { hls: RedundantHls; fatal: string[] } }).redundant = { hls, fatal: [] };
        hls.on('hlsError', (_event: string, data: { fatal: boolean; details: string }) => void (data.fatal && (window as unknown as { redundant: { fatal: string[] } }).redundant.fatal.push(data.details)));
        hls.loadSource(url);
        hls.attachMedia(document.querySelector('video')!);
      }, masterUrl);
      const playingFrom = () => page.evaluate(() => {
        const { hls, fatal } = (window as unknown as { redundant: { hls: RedundantHls; fatal: string[] } }).redundant;
        return { time: document.querySelector('video')!.currentTime, url: hls.levels[hls.currentLevel]?.url[0] ?? hls.levels[hls.currentLevel]?.uri ?? '', fatal };
      });
      const before = await waitFor('hls.js playing from relay 1', async () => {
        const state = await playingFrom();
        return state.time > 4 && state.url.startsWith(relay1.baseUrl) ? state : undefined;
      }, 60_000);
      relay1Open = false;
      await relay1.stop();
      const later = await waitFor("hls.js playing on from relay 2's variants", async () => {
        const state = await playingFrom();
        return state.time > before.time + 8 && state.url.startsWith(relay2.baseUrl) ? state : undefined;
      }, 90_000);
      process.stdout.write(`# redundant streams: relay 1 closed at ${before.time.toFixed(1)} s; playing from ${later.url} at ${later.time.toFixed(1)} s\n`);
      assert.deepEqual(later.fatal, [], 'no fatal error');
    } finally {
      await page.close();
      await deleteAddressRange(db, range.id);
    }
  });
});

/**
 * Runs in the page before its scripts, given as text because functions handed to the page carry the
 * test runner's own helpers with them: every 50 ms it notes whether the video's currentTime advanced
 * (by less than a second: a jump is a seek, not playing), and it notes the video's waiting, playing
 * and emptied events and the hls.js events of each instance the page makes (window.classcast.hls).
 */
const stallRecorder = `
  window.stall = { failedAt: Infinity, advanced: [], events: [] };
  (function () {
    var note = function (what) { window.stall.events.push([performance.now(), what]); };
    var hlsSeen = null;
    var lastTime = 0;
    setInterval(function () {
      var hls = window.classcast && window.classcast.hls;
      if (hls && hls !== hlsSeen) {
        hlsSeen = hls;
        note('new hls');
        ['hlsManifestLoaded', 'hlsLevelLoaded', 'hlsFragBuffered', 'hlsError'].forEach(function (name) {
          hls.on(name, function (_event, data) { note(name + (typeof data.details === 'string' ? ' ' + data.details + (data.fatal ? ' (fatal)' : '') : '')); });
        });
      }
      var video = document.querySelector('video');
      if (!video) return;
      var step = video.currentTime - lastTime;
      lastTime = video.currentTime;
      if (step > 0 && step < 1) window.stall.advanced.push(performance.now());
    }, 50);
    document.addEventListener('DOMContentLoaded', function () {
      var video = document.querySelector('video');
      ['waiting', 'playing', 'emptied'].forEach(function (name) {
        video.addEventListener(name, function () { note('video ' + name + ' at ' + video.currentTime.toFixed(1) + ' s'); });
      });
    });
  })();
`;
