// Every web page works under its Content-Security-Policy: Chromium opens the timetable, sign-in,
// setup, school, admin and dashboard pages (signed in as an operator), the watch page of a live
// lesson with peer-to-peer on, playing through a relay on another origin, its time-shift page, and
// a replay page, and none of them reports a single policy violation (the `securitypolicyviolation`
// events of the page, and the console, where workers' refusals show).
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { catalogApi } from '../../services/catalog/api/catalog-api.ts';
import { createAccount } from '../../services/catalog/auth/accounts.ts';
import { createSession } from '../../services/catalog/auth/sessions.ts';
import { sessionCookieName } from '../../services/catalog/auth/session-cookie.ts';
import type { Database } from '../../services/catalog/db/database.ts';
import { openDatabase } from '../../services/catalog/db/open-database.ts';
import { resolveConfig } from '../../services/core/config/load.ts';
import { createLogger } from '../../services/core/log.ts';
import type { PlaybackSettings } from '../../services/core/config/playback-settings.ts';
import { writeReplay } from '../../services/replay/replay-writer.ts';
import type { DemoEncoder } from '../../services/demo/demo-encoder.ts';
import { launchChromium } from '../helpers/browser.ts';
import { pushTestPattern, waitForLiveSegments } from '../helpers/media.ts';
import { startTestIngest, type TestIngest } from '../helpers/test-ingest.ts';
import { startTestRelay, type TestRelay } from '../helpers/test-relay.ts';
import { waitFor } from '../helpers/wait-for.ts';
import { stopAll } from '../helpers/stop-all.ts';
import { waitForPlayback } from '../helpers/watch-page.ts';
import { createOperatorDashboard } from '../../services/roles/operator-dashboard.ts';

const key = 'csp-room-stream-key';
const playback: PlaybackSettings = { secrets: ['csp-playback-secret-0123456789abcdefghijk'], tokenTtlSeconds: 600 };

declare global {
  interface Window {
    cspViolations?: string[];
  }
}

describe('the web pages under their Content-Security-Policy', { timeout: 240_000 }, () => {
  let ingest: TestIngest;
  let relay: TestRelay;
  let encoder: DemoEncoder | undefined;
  let db: Database;
  let browser: Browser;
  let context: BrowserContext;
  let lessonId: string;
  let recordingId: string;

  before(async () => {
    const log = createLogger({ role: 'catalog', node: 'test' });
    db = await openDatabase({ databaseUrl: 'memory://', dataDir: '/tmp' }, log);
    const config = resolveConfig([{ source: 'test', values: { demo: { enabled: false } } }]);
    const api = catalogApi({ db, config, log, rtmpBase: () => 'rtmp://127.0.0.1/live', playback, dashboard: createOperatorDashboard(config, db, log) });
    ingest = await startTestIngest({ classrooms: [{ id: 'room-904', key }] }, () => relay.baseUrl, { playback, db, routers: [api] });
    relay = await startTestRelay([ingest.baseUrl], {}, undefined, { playback });
    encoder = pushTestPattern(ingest.rtmpUrl(key), { width: 640, height: 360, fps: 25 });
    lessonId = await waitFor('the lesson', () => ingest.ingest.lessons.list()[0]?.id, 30_000);
    await waitForLiveSegments(ingest.baseUrl, lessonId, 4);
    recordingId = await waitFor('the recording', async () => (await db.query<{ id: string }>('select id from recordings where lesson_id = $1', [lessonId]))[0]?.id);
    // The replay of what is recorded so far, where the ingest serves replays from.
    await writeReplay({ lessonDir: join(ingest.ingest.liveDir, lessonId), vodDir: ingest.ingest.vodDir, recordingId, range: { startedAt: Date.now() - 3_600_000, endedAt: Date.now() } });

    const operator = await createAccount(db, { username: 'csp-operator', password: 'a long test password', displayName: 'Operator', role: 'operator', schoolId: null });
    browser = await launchChromium();
    context = await browser.newContext({ viewport: { width: 1280, height: 800 } });
    await context.addCookies([{ name: sessionCookieName, value: (await createSession(db, operator.id, 1)).token, url: ingest.baseUrl }]);
    await context.addInitScript(() => {
      window.cspViolations = [];
      document.addEventListener('securitypolicyviolation', (event) => window.cspViolations!.push(`${event.effectiveDirective} refused ${event.blockedURI || 'inline'} (${event.sourceFile}:${event.lineNumber})`));
    });
  });
  after(() => stopAll(browser, relay, encoder, ingest, db));

  /** Opens `path`, runs `check` on the page, and returns the policy it came with and every violation seen. */
  async function visit(path: string, check: (page: Page) => Promise<void>): Promise<{ policy: string; violations: string[] }> {
    const page = await context.newPage();
    const fromConsole: string[] = [];
    page.on('console', (message) => /Content.Security.Policy/i.test(message.text()) && fromConsole.push(message.text()));
    page.on('pageerror', (error) => fromConsole.push(`page error: ${error.message}`));
    try {
      const response = await page.goto(`${ingest.baseUrl}${path}`);
      assert.equal(response?.status(), 200, path);
      await check(page);
      const violations = [...((await page.evaluate(() => window.cspViolations ?? [])) as string[]), ...fromConsole];
      return { policy: response!.headers()['content-security-policy'] ?? '', violations };
    } finally {
      await page.close();
    }
  }

  const directive = (policy: string, name: string) => policy.split('; ').find((part) => part.startsWith(`${name} `))?.split(' ').slice(1) ?? [];

  it('draws the timetable, sign-in, setup, school, admin and dashboard pages with no violation', async () => {
    for (const path of ['/', '/login', '/setup', '/school', '/admin', '/dashboard']) {
      const { policy, violations } = await visit(path, async (page) => {
        await waitFor(`${path} drawn`, () => page.evaluate(() => (document.getElementById('app')?.children.length ?? 0) > 0), 20_000);
        await page.waitForLoadState('networkidle');
      });
      assert.deepEqual(violations, [], path);
      assert.deepEqual(directive(policy, 'script-src'), ["'self'"], `${path}: ${policy}`);
      assert.deepEqual(directive(policy, 'frame-ancestors'), ["'none'"]);
      assert.deepEqual(directive(policy, 'object-src'), ["'none'"]);
      assert.deepEqual(directive(policy, 'connect-src'), ["'self'"], `${path} reaches only its own server`);
    }
  });

  it('plays the watch page peer to peer through the relay on another origin with no violation', async () => {
    const relayOrigin = relay.baseUrl;
    const { policy, violations } = await visit(`/watch/${lessonId}`, async (page) => {
      const played = await waitForPlayback(page, 4, 60_000);
      assert.equal(played.errors.length, 0, played.errors.join('; '));
      assert.equal(await page.evaluate(() => window.classcast?.p2p.mode), 'p2p');
      const fetchedFromRelay = await page.evaluate((origin) => performance.getEntriesByType('resource').some((entry) => entry.name.startsWith(`${origin}/live/`)), relayOrigin);
      assert.ok(fetchedFromRelay, 'media came from the relay');
      // video.js sizes the player from its CSS classes, not inline styles: it is 16:9 across the frame.
      const size = await page.evaluate(() => document.querySelector('.video-js')!.getBoundingClientRect());
      assert.ok(size.height > 0 && Math.abs(size.width / size.height - 16 / 9) < 0.05, `player ${size.width}x${size.height}`);
    });
    assert.deepEqual(violations, []);
    assert.ok(directive(policy, 'connect-src').includes(relayOrigin), policy);
    assert.ok(directive(policy, 'connect-src').includes(relayOrigin.replace('http:', 'ws:')), 'the tracker beside the relay');
    assert.ok(directive(policy, 'media-src').includes('blob:'));
    assert.ok(relay.relay.stats.hits + relay.relay.stats.misses > 3);
  });

  it('plays the old time-shift address (now the watch page) and the replay page with no violation', async () => {
    for (const path of [`/timeshift/${lessonId}`, `/replay/${recordingId}`]) {
      const { policy, violations } = await visit(path, async (page) => {
        const played = await waitForPlayback(page, 2, 60_000);
        assert.equal(played.errors.length, 0, `${path}: ${played.errors.join('; ')}`);
      });
      assert.deepEqual(violations, [], path);
      assert.ok(directive(policy, 'connect-src').includes(relay.baseUrl), policy);
    }
  });
});
