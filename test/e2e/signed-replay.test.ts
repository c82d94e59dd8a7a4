// Signed playback of a protected lesson's replay, over real HTTP with real media (ffmpeg pushing
// RTMP): the replay writer marks the replay protected in its manifest; the origin's /vod routes
// and a city relay serve its files only with a good `vod` token for that recording (no, expired,
// forged, live-scope and other-recording tokens get 403), the relay keeps one cached copy for
// viewers with different tokens, the catalog issues replay tokens to viewers allowed to see the
// lesson, and the replay page plays it through the relay for a signed-in student.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import type { Browser } from 'playwright-core';
import { catalogApi } from '../../services/catalog/api/catalog-api.ts';
import { createAccount } from '../../services/catalog/auth/accounts.ts';
import { createSession } from '../../services/catalog/auth/sessions.ts';
import { sessionCookieName } from '../../services/catalog/auth/session-cookie.ts';
import type { Database } from '../../services/catalog/db/database.ts';
import { openDatabase } from '../../services/catalog/db/open-database.ts';
import { resolveConfig } from '../../services/core/config/load.ts';
import { startHttpServer, type HttpServer } from '../../services/core/http-server.ts';
import { createLogger } from '../../services/core/log.ts';
import type { PlaybackSettings } from '../../services/core/config/playback-settings.ts';
import { signPlaybackToken, type PlaybackScope } from '../../services/core/playback-token.ts';
import { createPlaybackGuard } from '../../services/origin/playback-guard.ts';
import { vodRoutes } from '../../services/origin/vod-routes.ts';
import { privateWhenProtected } from '../../services/origin/cache-policy.ts';
import { Router } from 'express';
import { writeReplay } from '../../services/replay/replay-writer.ts';
import { pageRoutes } from '../../services/web/pages.ts';
import type { DemoEncoder } from '../../scripts/demo/demo-encoder.ts';
import { launchChromium } from '../helpers/browser.ts';
import { fetchPlaylist, pushTestPattern, waitForLiveSegments } from '../helpers/media.ts';
import { startTestIngest, type TestIngest } from '../helpers/test-ingest.ts';
import { startTestRelay, type TestRelay } from '../helpers/test-relay.ts';
import { waitFor } from '../helpers/wait-for.ts';
import { openWatchPage, waitForPlayback } from '../helpers/watch-page.ts';

const key = 'protected-replay-key';
const secrets = ['replay-playback-secret-0123456789abcdefgh'];
const playback: PlaybackSettings = { secrets, tokenTtlSeconds: 600 };
const now = () => Math.floor(Date.now() / 1000);

describe('signed playback of a protected replay', { timeout: 180_000 }, () => {
  let ingest: TestIngest;
  let encoder: DemoEncoder | undefined;
  let db: Database;
  let origin: HttpServer;
  let originUrl: string;
  let relay: TestRelay;
  let browser: Browser | undefined;
  let lessonId: string;
  let recordingId: string;
  let cityId: string;
  let schoolId: number;
  let otherSchoolId: number;
  /** The replay's files: master, a media playlist, its init segment and two segments. */
  let paths: { master: string; media: string; init: string; segment: string; otherSegment: string };

  const sign = (claims: { scope?: PlaybackScope; id?: string; expiresAt?: number; city?: string }, withSecrets: readonly string[] = secrets) =>
    signPlaybackToken(withSecrets, { scope: claims.scope ?? 'vod', id: claims.id ?? recordingId, expiresAt: claims.expiresAt ?? now() + 600, ...(claims.city ? { city: claims.city } : {}) });
  const get = (base: string, path: string, token?: string) => fetch(`${base}${path}${token === undefined ? '' : `?token=${encodeURIComponent(token)}`}`);
  const session = async (role: 'student' | 'operator', school: number | null) => {
    const account = await createAccount(db, { username: `${role}-${school}-${Math.random().toString(36).slice(2)}`, password: 'a long test password', displayName: role, role, schoolId: school });
    return (await createSession(db, account.id, 1)).token;
  };

  before(async () => {
    const log = createLogger({ role: 'catalog', node: 'test' });
    db = await openDatabase({ databaseUrl: 'memory://', dataDir: '/tmp' }, log);
    const config = resolveConfig([{ source: 'test', values: { demo: { enabled: false } } }]);
    const api = catalogApi({ db, config, log, rtmpBase: () => 'rtmp://127.0.0.1/live', playback });
    ingest = await startTestIngest({ classrooms: [{ id: 'room-902', key }], ingest: { latencyMode: 'low' } }, undefined, { playback, db });
    const province = (await db.query<{ id: number }>("insert into provinces (name) values ('Test province') returning id"))[0]!.id;
    const [city, otherCity] = await db.query<{ id: number }>("insert into cities (province_id, name) values ($1, 'North'), ($1, 'South') returning id", [province]);
    cityId = String(city!.id);
    [schoolId, otherSchoolId] = (await db.query<{ id: number }>('insert into schools (city_id, name) values ($1, $3), ($2, $4) returning id', [city!.id, otherCity!.id, 'North school', 'South school'])).map((row) => row.id) as [number, number];
    await db.query('update classrooms set school_id = $1 where id = $2', [schoolId, 'room-902']);
    await db.query(
      `insert into lessons (id, classroom_id, title, starts_at, ends_at, visibility)
       values ('room-902-protected', 'room-902', 'Protected history', now() - interval '1 minute', now() + interval '1 hour', 'protected')`,
    );

    // A small picture: the machine running the tests is shared, and the replay's length is what matters.
    encoder = pushTestPattern(ingest.rtmpUrl(key), { width: 640, height: 360, fps: 25 });
    lessonId = await waitFor('the lesson', () => ingest.ingest.lessons.list()[0]?.id);
    assert.equal(lessonId, 'room-902-protected');
    const liveToken = signPlaybackToken(secrets, { scope: 'live', id: lessonId, expiresAt: now() + 600 });
    await waitForLiveSegments(ingest.baseUrl, lessonId, 6, `?token=${liveToken}`);
    recordingId = await waitFor('the lesson\'s recording', async () => (await db.query<{ id: string }>('select id from recordings where lesson_id = $1', [lessonId]))[0]?.id);

    // The replay of what was recorded so far, written as the lesson's end writes it, marked protected.
    const vodDir = join(ingest.dataDir, 'guarded-vod');
    await writeReplay({ lessonDir: join(ingest.ingest.liveDir, lessonId), vodDir, recordingId, range: { startedAt: Date.now() - 3_600_000, endedAt: Date.now() }, protected: true });
    // The origin's replay routes with their guard, beside the catalog API and the pages, as a node serves them.
    origin = await startHttpServer({ host: '127.0.0.1', port: 0, log, routers: [privateMediaRouter(), vodRoutes(vodDir, createPlaybackGuard(playback)), api, pageRoutes(() => relay.baseUrl)], health: () => ({}) });
    originUrl = `http://127.0.0.1:${origin.port}`;
    relay = await startTestRelay([originUrl], {}, undefined, { playback: { ...playback, city: cityId } });

    const token = sign({});
    const master = `/vod/${recordingId}/master.m3u8`;
    const variants = await fetchPlaylist(`${originUrl}${master}?token=${token}`);
    const rendition = variants.playlists![0]!.uri.split('/')[0]!;
    const media = `/vod/${recordingId}/${rendition}/index.m3u8`;
    const playlist = await fetchPlaylist(`${originUrl}${media}?token=${token}`);
    assert.equal(playlist.endList, true, 'a VOD playlist');
    const dir = `/vod/${recordingId}/${rendition}/`;
    paths = { master, media, init: dir + playlist.segments[0]!.map!.uri, segment: dir + playlist.segments[0]!.uri, otherSegment: dir + playlist.segments[1]!.uri };
  });
  after(async () => {
    await browser?.close();
    await relay?.stop();
    await origin?.close();
    await encoder?.stop();
    await ingest?.stop();
    await db?.close();
  });

  it('issues replay tokens to viewers allowed to see the lesson, bound to their city, and to nobody else', async () => {
    const ask = (bearer?: string) => fetch(`${originUrl}/api/v1/recordings/${recordingId}/playback`, { headers: bearer ? { authorization: `Bearer ${bearer}` } : {} });
    const student = await ask(await session('student', schoolId));
    assert.equal(student.status, 200);
    const issued = (await student.json()) as { token: string; expiresAt: string; masterUrl: string; protected: boolean };
    assert.equal(issued.protected, true);
    assert.deepEqual(issued.token.split('.').slice(1, 3), ['vod', recordingId], 'scoped to the recording\'s replay');
    assert.equal(issued.token.split('.')[4], cityId, 'bound to the student\'s city');
    assert.equal(issued.masterUrl, `/vod/${recordingId}/master.m3u8?token=${encodeURIComponent(issued.token)}`);
    assert.equal((await get(relay.baseUrl, paths.master, issued.token)).status, 200, 'the issued token plays through the city relay');

    assert.equal((await ask(await session('student', otherSchoolId))).status, 403, 'a student of another school');
    assert.equal((await ask()).status, 401, 'nobody signed in');
    assert.equal((await fetch(`${originUrl}/api/v1/recordings/${lessonId}-rec999/playback`)).status, 404);

    // A public lesson's replay: anyone may ask, and the answer says no token is needed.
    await db.query("update lessons set visibility = 'public' where id = $1", [lessonId]);
    try {
      const anonymous = await ask();
      assert.equal(anonymous.status, 200);
      assert.equal(((await anonymous.json()) as { protected: boolean }).protected, false);
    } finally {
      await db.query("update lessons set visibility = 'protected' where id = $1", [lessonId]);
    }
  });

  it('serves the replay with a good token, at the origin and through the relay', async () => {
    const token = sign({ city: cityId });
    for (const base of [originUrl, relay.baseUrl]) {
      for (const path of Object.values(paths)) {
        const response = await get(base, path, token);
        assert.equal(response.status, 200, `${base}${path}`);
        assert.equal(response.headers.get('x-classcast-protected'), '1', `${base}${path} says it is protected`);
        // Private: a generic shared cache must not keep what only a token opens (our relays do, checking tokens).
        assert.equal(response.headers.get('cache-control'), 'private, max-age=31536000, immutable');
        await response.arrayBuffer();
      }
    }
  });

  it('refuses no, expired, forged, live-scope and other-recording tokens with 403', async () => {
    const refused: Record<string, string | undefined> = {
      'no token': undefined,
      expired: sign({ expiresAt: now() - 1 }),
      forged: sign({}, ['an-attacker-secret-0123456789abcdefghijk']),
      'live scope, same id': sign({ scope: 'live' }),
      'the lesson\'s live token': sign({ scope: 'live', id: lessonId }),
      'another recording': sign({ id: `${lessonId}-rec999` }),
    };
    for (const base of [originUrl, relay.baseUrl]) {
      for (const [what, token] of Object.entries(refused)) {
        for (const path of Object.values(paths)) {
          const response = await get(base, path, token);
          assert.equal(response.status, 403, `${what} at ${base}${path}`);
          assert.equal(response.headers.get('cache-control'), 'no-store');
          assert.equal(((await response.json()) as { error: { status: number } }).error.status, 403);
        }
      }
    }
  });

  it('keeps one cached copy at the relay for two viewers with different tokens, guarded on the hot path too', async () => {
    const fresh = await startTestRelay([originUrl], {}, undefined, { playback });
    try {
      const first = sign({ expiresAt: now() + 300 });
      const second = sign({ expiresAt: now() + 400 });
      const a = await get(fresh.baseUrl, paths.otherSegment, first);
      const bodyA = Buffer.from(await a.arrayBuffer());
      const b = await get(fresh.baseUrl, paths.otherSegment, second);
      const bodyB = Buffer.from(await b.arrayBuffer());
      assert.deepEqual([a.status, b.status], [200, 200]);
      assert.ok(bodyA.length > 0 && bodyA.equals(bodyB));
      assert.equal(fresh.relay.stats.upstreamRequests, 1, 'one upstream request for one segment asked with two tokens');
      assert.ok(fresh.relay.store.inMemory(paths.otherSegment), 'cached under its path, without the token');
      assert.equal((await get(fresh.baseUrl, paths.otherSegment)).status, 403);
      assert.equal(fresh.relay.stats.upstreamRequests, 1);
      await waitFor('the segment on disk', () => fresh.relay.disk.has(`/protected${paths.otherSegment}`));
    } finally {
      await fresh.stop();
    }
  });

  it('is refused by a node that checks no tokens rather than served to anyone', async () => {
    const unguarded = await startHttpServer({ host: '127.0.0.1', port: 0, log: createLogger({ role: 'test' }), routers: [vodRoutes(join(ingest.dataDir, 'guarded-vod'))], health: () => ({}) });
    try {
      for (const token of [sign({}), undefined]) {
        const response = await get(`http://127.0.0.1:${unguarded.port}`, paths.master, token);
        assert.equal(response.status, 403);
        assert.match(((await response.json()) as { error: { message: string } }).error.message, /checks no playback tokens/);
      }
    } finally {
      await unguarded.close();
    }
  });

  it('plays the replay page for a signed-in student through the relay, and tells a signed-out viewer to sign in', async () => {
    browser = await launchChromium();
    const context = await browser.newContext({ viewport: { width: 1280, height: 800 } });
    await context.addCookies([{ name: sessionCookieName, value: await session('student', schoolId), url: originUrl }]);
    const page = await context.newPage();
    const refusedRequests: string[] = [];
    const tokenRequests: string[] = [];
    page.on('response', (response) => response.status() === 403 && refusedRequests.push(response.url()));
    page.on('request', (request) => request.url().startsWith(`${relay.baseUrl}/vod/`) && tokenRequests.push(new URL(request.url()).searchParams.get('token') ?? ''));
    try {
      await page.goto(`${originUrl}/replay/${recordingId}`);
      const playing = await waitForPlayback(page, 2);
      assert.equal(playing.errors.length, 0, playing.errors.join('; '));
      assert.deepEqual(refusedRequests, []);
      assert.ok(tokenRequests.length > 2 && tokenRequests.every((token) => token.split('.')[1] === 'vod'), 'every media request to the relay carried a replay token');
    } finally {
      await context.close();
    }

    const anonymous = await openWatchPage(browser, `${originUrl}/replay/${recordingId}`);
    try {
      await waitFor('the sign-in notice', async () => (await anonymous.evaluate(() => document.body.innerText)).includes('Sign in with your school account'));
    } finally {
      await anonymous.close();
    }
  });
});

/** As the ingest role mounts it in front of /live and /vod: protected files leave private. */
function privateMediaRouter(): Router {
  const router = Router();
  router.use(privateWhenProtected);
  return router;
}
