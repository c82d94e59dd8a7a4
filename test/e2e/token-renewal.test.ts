// A viewer keeps watching a protected lesson past the life of any one playback token: with tokens
// lasting 5 s, the watch page in Chromium (peer to peer on, playing through a city relay on another
// origin) asks the catalog for a new one before each expires and sends the newest with every media
// request, hls.js's and p2p-media-loader's alike, so playback runs well past two token lifetimes
// with no request refused.
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import type { Browser } from 'playwright-core';
import { catalogApi } from '../../services/catalog/api/catalog-api.ts';
import { createAccount } from '../../services/catalog/auth/accounts.ts';
import { createSession } from '../../services/catalog/auth/sessions.ts';
import { sessionCookieName } from '../../services/catalog/auth/session-cookie.ts';
import type { Database } from '../../services/catalog/db/database.ts';
import { openDatabase } from '../../services/catalog/db/open-database.ts';
import { resolveConfig } from '../../services/core/config/load.ts';
import { createLogger } from '../../services/core/log.ts';
import type { PlaybackSettings } from '../../services/core/config/playback-settings.ts';
import type { DemoEncoder } from '../../services/demo/demo-encoder.ts';
import { launchChromium } from '../helpers/browser.ts';
import { pushTestPattern } from '../helpers/media.ts';
import { startTestIngest, type TestIngest } from '../helpers/test-ingest.ts';
import { startTestRelay, type TestRelay } from '../helpers/test-relay.ts';
import { waitFor } from '../helpers/wait-for.ts';
import { stopAll } from '../helpers/stop-all.ts';
import { snapshot, waitForPlayback } from '../helpers/watch-page.ts';

const key = 'renewal-room-key';
/** The shortest lifetime the configuration takes: renewals happen every couple of seconds. */
const ttlSeconds = 5;
const playback: PlaybackSettings = { secrets: ['renewal-playback-secret-0123456789abcdef'], tokenTtlSeconds: ttlSeconds };

describe('playback token renewal on the watch page', { timeout: 180_000 }, () => {
  let ingest: TestIngest;
  let relay: TestRelay;
  let encoder: DemoEncoder | undefined;
  let db: Database;
  let browser: Browser | undefined;
  let schoolId: number;

  before(async () => {
    const log = createLogger({ role: 'catalog', node: 'test' });
    db = await openDatabase({ databaseUrl: 'memory://', dataDir: '/tmp' }, log);
    const config = resolveConfig([{ source: 'test', values: { demo: { enabled: false }, playback: { tokenTtlSeconds: ttlSeconds } } }]);
    assert.equal(config.playback.tokenTtlSeconds, ttlSeconds, 'the configuration takes a 5 s lifetime');
    const api = catalogApi({ db, config, log, rtmpBase: () => 'rtmp://127.0.0.1/live', playback });
    ingest = await startTestIngest({ classrooms: [{ id: 'room-903', key }] }, () => relay.baseUrl, { playback, db, routers: [api] });
    const province = (await db.query<{ id: number }>("insert into provinces (name) values ('Test province') returning id"))[0]!.id;
    const city = (await db.query<{ id: number }>("insert into cities (province_id, name) values ($1, 'North') returning id", [province]))[0]!;
    schoolId = (await db.query<{ id: number }>("insert into schools (city_id, name) values ($1, 'North school') returning id", [city.id]))[0]!.id;
    await db.query('update classrooms set school_id = $1 where id = $2', [schoolId, 'room-903']);
    await db.query(
      `insert into lessons (id, classroom_id, title, starts_at, ends_at, visibility)
       values ('room-903-protected', 'room-903', 'Protected physics', now() - interval '1 minute', now() + interval '1 hour', 'school')`,
    );
    relay = await startTestRelay([ingest.baseUrl], {}, undefined, { playback: { ...playback, city: String(city.id) } });
    encoder = pushTestPattern(ingest.rtmpUrl(key), { width: 640, height: 360, fps: 25 });
    await waitFor('the lesson', () => ingest.ingest.lessons.list()[0]?.id, 30_000);
    // Its first playlists: a page opened before them shows "waiting for the lesson", which this test is not about.
    await waitFor('the master playlist', () => existsSync(join(ingest.ingest.liveDir, 'room-903-protected', 'master.m3u8')), 30_000);
  });
  after(() => stopAll(browser, relay, encoder, ingest, db));

  it('keeps playing past two token lifetimes, renewing the token and sending the newest with every request', async () => {
    browser = await launchChromium();
    const account = await createAccount(db, { username: 'renewing-student', password: 'a long test password', displayName: 'Student', role: 'student', schoolId });
    const context = await browser.newContext({ viewport: { width: 1280, height: 800 } });
    await context.addCookies([{ name: sessionCookieName, value: (await createSession(db, account.id, 1)).token, url: ingest.baseUrl }]);
    const page = await context.newPage();
    const refused: string[] = [];
    let renewals = 0;
    /** Tokens sent to the relay, by kind of request: playlists (hls.js) and segments (p2p-media-loader's HTTP). */
    const sent = { playlist: new Set<string>(), segment: new Set<string>() };
    page.on('response', (response) => response.status() === 403 && refused.push(response.url()));
    page.on('request', (request) => {
      const url = new URL(request.url());
      if (url.pathname === '/api/v1/lessons/room-903-protected/playback') renewals++;
      if (url.origin !== relay.baseUrl || !url.pathname.startsWith('/live/')) return;
      const token = url.searchParams.get('token') ?? '';
      if (url.pathname.endsWith('.m3u8')) sent.playlist.add(token);
      if (url.pathname.endsWith('.m4s')) sent.segment.add(token);
    });
    try {
      await page.goto(`${ingest.baseUrl}/watch/room-903-protected`);
      const played = await waitForPlayback(page, 3 * ttlSeconds, 60_000);
      assert.deepEqual(refused, [], 'no request refused');
      assert.equal(played.errors.length, 0, played.errors.join('; '));
      const mode = await page.evaluate(() => window.classcast?.p2p.mode);
      assert.equal(mode, 'p2p', 'segments went through p2p-media-loader');
      assert.ok(renewals >= 3, `the page asked for a token ${renewals} times`);
      assert.ok(!sent.playlist.has('') && !sent.segment.has(''), 'every media request carried a token');
      assert.ok(sent.playlist.size >= 3, `hls.js sent ${sent.playlist.size} different tokens`);
      assert.ok(sent.segment.size >= 3, `p2p-media-loader sent ${sent.segment.size} different tokens`);
      // Still playing now, long after the first token expired.
      const later = await snapshot(page);
      assert.equal(later.paused, false);
    } finally {
      await context.close();
    }
  });
});
