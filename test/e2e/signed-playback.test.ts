// Signed playback end to end, over real HTTP with a real lesson (ffmpeg pushing RTMP): the catalog
// issues tokens to viewers allowed to watch a protected lesson; the origin and a city relay serve
// its playlists and segments only with a good token (expired, forged, wrong-lesson and wrong-city
// tokens get 403; so is its viewer count, /live/<lesson>/viewers.json), the relay keeps one cached
// copy for every viewer whatever their token, and a token signed with the previous secret still
// plays while both secrets are active. The lesson's poster and seek-bar thumbnails are guarded the same way.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { request as httpRequest } from 'node:http';
import { catalogApi } from '../../services/catalog/api/catalog-api.ts';
import { createAccount } from '../../services/catalog/auth/accounts.ts';
import { createSession } from '../../services/catalog/auth/sessions.ts';
import type { Database } from '../../services/catalog/db/database.ts';
import { openDatabase } from '../../services/catalog/db/open-database.ts';
import { sessionCookieName } from '../../services/catalog/auth/session-cookie.ts';
import { resolveConfig } from '../../services/core/config/load.ts';
import { createLogger } from '../../services/core/log.ts';
import type { PlaybackSettings } from '../../services/core/config/playback-settings.ts';
import { signPlaybackToken } from '../../services/core/playback-token.ts';
import type { Browser } from 'playwright-core';
import { launchChromium } from '../helpers/browser.ts';
import { fetchPlaylist, pushTestPattern } from '../helpers/media.ts';
import { openWatchPage, waitForPlayback } from '../helpers/watch-page.ts';
import { startTestIngest, type TestIngest } from '../helpers/test-ingest.ts';
import { startTestRelay, type TestRelay } from '../helpers/test-relay.ts';
import { waitFor } from '../helpers/wait-for.ts';
import type { DemoEncoder } from '../../scripts/demo/demo-encoder.ts';

const key = 'protected-room-key';
const current = 'current-playback-secret-0123456789abcdef';
const previous = 'previous-playback-secret-0123456789abcde';
/** Both secrets active, the current one signing: the middle of a rotation. */
const secrets = [current, previous];
const now = () => Math.floor(Date.now() / 1000);

/** The HTTP status a WebSocket upgrade to `url` gets: 101 when the tracker takes it. */
function upgradeStatus(url: string): Promise<number> {
  return new Promise((resolve, reject) => {
    const request = httpRequest(url, { headers: { Connection: 'Upgrade', Upgrade: 'websocket', 'Sec-WebSocket-Version': '13', 'Sec-WebSocket-Key': 'dGhlIHNhbXBsZSBub25jZQ==' } });
    request.on('upgrade', (response, socket) => {
      socket.destroy();
      resolve(response.statusCode ?? 0);
    });
    request.on('response', (response) => {
      response.resume();
      resolve(response.statusCode ?? 0);
    });
    request.on('error', reject);
    request.end();
  });
}

describe('signed playback of a protected lesson', { timeout: 120_000 }, () => {
  let ingest: TestIngest;
  let encoder: DemoEncoder;
  let db: Database;
  let browser: Browser;
  /** Where the watch page fetches media: the origin, or the city relay. */
  let mediaBase = '';
  let relay: TestRelay;
  let lessonId: string;
  let cityId: string;
  let otherCityId: string;
  let schoolId: number;
  let otherSchoolId: number;
  /** Media paths of the lesson: master, a media playlist, its init segment and a segment, and its viewer count. */
  let paths: { master: string; media: string; init: string; segment: string; otherSegment: string; viewers: string };

  const sign = (claims: { id?: string; expiresAt?: number; city?: string }, withSecrets: readonly string[] = secrets) =>
    signPlaybackToken(withSecrets, { scope: 'live', id: claims.id ?? lessonId, expiresAt: claims.expiresAt ?? now() + 600, ...(claims.city ? { city: claims.city } : {}) });
  const get = (base: string, path: string, token?: string) => fetch(`${base}${path}${token === undefined ? '' : `?token=${encodeURIComponent(token)}`}`);

  before(async () => {
    const originPlayback: PlaybackSettings = { secrets, tokenTtlSeconds: 600 };
    // The catalog API beside the pages on the origin, as `classcast all` serves them, over the ingest's own catalog.
    const log = createLogger({ role: 'catalog', node: 'test' });
    db = await openDatabase({ databaseUrl: 'memory://', dataDir: '/tmp' }, log);
    const config = resolveConfig([{ source: 'test', values: { demo: { enabled: false } } }]);
    const api = catalogApi({ db, config, log, rtmpBase: () => 'rtmp://127.0.0.1/live', playback: originPlayback });
    ingest = await startTestIngest({ classrooms: [{ id: 'room-801', key }] }, () => mediaBase, { playback: originPlayback, db, routers: [api] });
    const province = (await db.query<{ id: number }>("insert into provinces (name) values ('Test province') returning id"))[0]!.id;
    const [city, otherCity] = await db.query<{ id: number }>("insert into cities (province_id, name) values ($1, 'North'), ($1, 'South') returning id", [province]);
    cityId = String(city!.id);
    otherCityId = String(otherCity!.id);
    [schoolId, otherSchoolId] = (await db.query<{ id: number }>('insert into schools (city_id, name) values ($1, $3), ($2, $4) returning id', [city!.id, otherCity!.id, 'North school', 'South school'])).map((row) => row.id) as [number, number];
    await db.query('update classrooms set school_id = $1 where id = $2', [schoolId, 'room-801']);
    await db.query(
      `insert into lessons (id, classroom_id, title, starts_at, ends_at, visibility)
       values ('room-801-protected', 'room-801', 'Protected maths', now() - interval '1 minute', now() + interval '1 hour', 'protected')`,
    );
    relay = await startTestRelay([ingest.baseUrl], {}, undefined, { playback: { secrets, tokenTtlSeconds: 600, city: cityId } });

    encoder = pushTestPattern(ingest.rtmpUrl(key));
    lessonId = await waitFor('the lesson', () => ingest.ingest.lessons.list()[0]?.id);
    assert.equal(lessonId, 'room-801-protected', 'the publish took the scheduled protected lesson');
    assert.equal(ingest.ingest.lessons.get(lessonId)?.protected, true);
    const token = sign({});
    const master = `/live/${lessonId}/master.m3u8`;
    const variants = await waitFor('the master playlist', () => fetchPlaylist(`${ingest.baseUrl}${master}?token=${token}`).catch(() => undefined), 30_000);
    const rendition = variants.playlists![0]!.uri.split('/')[0]!;
    const media = `/live/${lessonId}/${rendition}/index.m3u8`;
    const playlist = await waitFor('two segments', async () => {
      const parsed = await fetchPlaylist(`${ingest.baseUrl}${media}?token=${token}`).catch(() => undefined);
      return parsed && parsed.segments.length >= 2 ? parsed : undefined;
    }, 30_000);
    const dir = `/live/${lessonId}/${rendition}/`;
    paths = { master, media, init: dir + playlist.segments[0]!.map!.uri, segment: dir + playlist.segments[0]!.uri, otherSegment: dir + playlist.segments[1]!.uri, viewers: `/live/${lessonId}/viewers.json` };
  });
  after(async () => {
    await relay?.stop();
    await browser?.close();
    await encoder?.stop();
    await ingest?.stop();
    await db?.close();
  });

  it('issues a token to a signed-in viewer of the school, bound to their city, and to nobody else', async () => {
    const session = async (role: 'student' | 'operator', school: number | null) => {
      const account = await createAccount(db, { username: `${role}-${school}-${Math.random().toString(36).slice(2)}`, password: 'a long test password', displayName: role, role, schoolId: school });
      return (await createSession(db, account.id, 1)).token;
    };
    const ask = (bearer?: string) => fetch(`${ingest.baseUrl}/api/v1/lessons/${lessonId}/playback`, { headers: bearer ? { authorization: `Bearer ${bearer}` } : {} });

    const student = await ask(await session('student', schoolId));
    assert.equal(student.status, 200);
    const issued = (await student.json()) as { token: string; expiresAt: string; masterUrl: string; protected: boolean };
    assert.equal(issued.protected, true);
    assert.equal(issued.token.split('.')[4], cityId, 'bound to the student\'s city');
    assert.equal(issued.masterUrl, `/live/${lessonId}/master.m3u8?token=${encodeURIComponent(issued.token)}`);
    assert.ok(Date.parse(issued.expiresAt) > Date.now());
    assert.equal((await get(relay.baseUrl, paths.master, issued.token)).status, 200, 'the issued token plays through the city relay');
    assert.equal((await get(ingest.baseUrl, paths.segment, issued.token)).status, 200, 'and through the origin');

    assert.equal((await ask(await session('student', otherSchoolId))).status, 403, 'a student of another school');
    assert.equal((await ask()).status, 401, 'nobody signed in');
    const operator = (await (await ask(await session('operator', null))).json()) as { token: string };
    assert.equal(operator.token.split('.')[4], '-', 'an operator belongs to no city');
  });

  it('serves playlists and segments with a good token, at the origin and through the relay', async () => {
    const token = sign({ city: cityId });
    for (const base of [ingest.baseUrl, relay.baseUrl]) {
      for (const path of Object.values(paths)) {
        const response = await get(base, path, token);
        assert.equal(response.status, 200, `${base}${path}`);
        assert.equal(response.headers.get('x-classcast-protected'), '1', `${base}${path} says it is protected`);
        // Private: a generic shared cache must not keep what only a token opens (our relays do, checking tokens).
        assert.match(response.headers.get('cache-control') ?? '', /^private, max-age=\d+/, `${base}${path} is private`);
        await response.arrayBuffer();
      }
    }
  });

  it('refuses no, expired, forged, wrong-lesson and wrong-city tokens with 403 on playlists and segments', async () => {
    const refused: Record<string, string | undefined> = {
      'no token': undefined,
      expired: sign({ expiresAt: now() - 1 }),
      forged: sign({}, ['an-attacker-secret-0123456789abcdefghijk']),
      'altered expiry': sign({ expiresAt: now() + 60 }).replace(/\.(\d+)\.-\./, (_match, expiry: string) => `.${Number(expiry) + 86_400}.-.`),
      'wrong lesson': sign({ id: 'room-801-another-lesson' }),
    };
    for (const base of [ingest.baseUrl, relay.baseUrl]) {
      for (const [what, token] of Object.entries(refused)) {
        for (const path of [paths.master, paths.media, paths.init, paths.segment, paths.viewers]) {
          const response = await get(base, path, token);
          assert.equal(response.status, 403, `${what} at ${base}${path}`);
          assert.equal(response.headers.get('cache-control'), 'no-store');
          const body = (await response.json()) as { error: { status: number; message: string } };
          assert.equal(body.error.status, 403);
        }
      }
    }
    // The relay is in the student's city; a token bound to another city is refused there.
    const elsewhere = sign({ city: otherCityId });
    for (const path of [paths.master, paths.media, paths.segment, paths.viewers]) assert.equal((await get(relay.baseUrl, path, elsewhere)).status, 403, `wrong city at the relay: ${path}`);
    assert.ok(relay.relay.stats.refused > 0);
  });

  it("guards the protected lesson's poster and thumbnails like its media, at the origin and through the relay", async () => {
    const token = sign({ city: cityId });
    const poster = `/live/${lessonId}/poster.jpg`;
    const track = `/live/${lessonId}/thumbnails/thumbnails.vtt`;
    await waitFor('the poster and the thumbnail track', async () => ((await get(ingest.baseUrl, poster, token)).status === 200 && (await get(ingest.baseUrl, track, token)).status === 200 ? true : undefined), 60_000);
    const text = await (await get(ingest.baseUrl, track, token)).text();
    const sprite = `/live/${lessonId}/thumbnails/${/sprite-\d+\.jpg/.exec(text)![0]}`;
    for (const base of [ingest.baseUrl, relay.baseUrl]) {
      for (const path of [poster, track, sprite]) {
        const refused = await get(base, path);
        assert.equal(refused.status, 403, `no token at ${base}${path}`);
        assert.equal(refused.headers.get('cache-control'), 'no-store');
        await refused.arrayBuffer();
        assert.equal((await get(base, path, sign({ id: 'room-801-another-lesson' }))).status, 403, `wrong lesson at ${base}${path}`);
        const served = await get(base, path, token);
        assert.equal(served.status, 200, `${base}${path}`);
        assert.match(served.headers.get('cache-control') ?? '', /^private, max-age=\d+/, `${base}${path} is private`);
        await served.arrayBuffer();
      }
    }
  });

  it('keeps one cached copy at the relay for two viewers with different tokens', async () => {
    // A relay of its own, so nothing (prefetch included) fetched the segment before.
    const fresh = await startTestRelay([ingest.baseUrl], {}, undefined, { playback: { secrets, tokenTtlSeconds: 600, city: cityId } });
    try {
      const first = sign({ city: cityId, expiresAt: now() + 300 });
      const second = sign({ city: cityId, expiresAt: now() + 400 });
      assert.notEqual(first, second);
      const a = await get(fresh.baseUrl, paths.otherSegment, first);
      const bodyA = Buffer.from(await a.arrayBuffer());
      const b = await get(fresh.baseUrl, paths.otherSegment, second);
      const bodyB = Buffer.from(await b.arrayBuffer());
      assert.deepEqual([a.status, b.status], [200, 200]);
      assert.ok(bodyA.length > 0 && bodyA.equals(bodyB));
      const { stats } = fresh.relay;
      assert.equal(stats.upstreamRequests, 1, 'one upstream request for one segment asked with two tokens');
      assert.deepEqual([stats.misses, stats.hits], [1, 1]);
      assert.equal(fresh.relay.store.inMemory(paths.otherSegment)?.body.length, bodyA.length, 'cached under its path, without the token');
      // The cached protected copy is still refused without a good token, on the hot path as on the full one.
      assert.equal((await get(fresh.baseUrl, paths.otherSegment)).status, 403);
      assert.equal((await get(fresh.baseUrl, paths.otherSegment, sign({ expiresAt: now() - 1 }))).status, 403);
      assert.equal(stats.upstreamRequests, 1);
      // On disk too, under the protected prefix, so a restarted relay still asks for a token.
      await waitFor('the segment on disk', () => fresh.relay.disk.has(`/protected${paths.otherSegment}`));
      assert.equal(fresh.relay.disk.has(paths.otherSegment), false);
    } finally {
      await fresh.stop();
    }
  });

  it('plays a token signed with the previous secret while both are active, and not once it is retired', async () => {
    const old = sign({}, [previous]);
    assert.equal((await get(ingest.baseUrl, paths.master, old)).status, 200);
    assert.equal((await get(relay.baseUrl, paths.segment, old)).status, 200);
    const retired = await startTestRelay([ingest.baseUrl], {}, undefined, { playback: { secrets: [current], tokenTtlSeconds: 600 } });
    try {
      assert.equal((await get(retired.baseUrl, paths.segment, old)).status, 403);
      const played = await get(retired.baseUrl, paths.segment, sign({}));
      assert.equal(played.status, 200);
      await played.arrayBuffer();
      // Let the copy reach the disk cache before the relay and its folder go.
      await waitFor('the segment on disk', () => retired.relay.disk.has(`/protected${paths.segment}`));
    } finally {
      await retired.stop();
    }
  });

  it('plays the watch page of the protected lesson for a signed-in student, through the origin and through the relay', async () => {
    browser = await launchChromium();
    const account = await createAccount(db, { username: `pupil-${Date.now()}`, password: 'a long test password', displayName: 'Pupil', role: 'student', schoolId });
    const { token } = await createSession(db, account.id, 1);
    for (const base of ['', relay.baseUrl]) {
      mediaBase = base;
      const context = await browser.newContext({ viewport: { width: 1280, height: 800 } });
      await context.addCookies([{ name: sessionCookieName, value: token, url: ingest.baseUrl }]);
      const page = await context.newPage();
      const refusedRequests: string[] = [];
      page.on('response', (response) => response.status() === 403 && refusedRequests.push(response.url()));
      try {
        await page.goto(`${ingest.baseUrl}/watch/${lessonId}`);
        const playing = await waitForPlayback(page, 3);
        assert.equal(playing.errors.length, 0, playing.errors.join('; '));
        assert.deepEqual(refusedRequests, []);
      } finally {
        await context.close();
      }
    }
    assert.ok(relay.relay.stats.hits + relay.relay.stats.misses > 5, 'the second page played through the relay');

    // Without a session the page has no token: it says so, and plays nothing.
    mediaBase = '';
    const anonymous = await openWatchPage(browser, `${ingest.baseUrl}/watch/${lessonId}`);
    try {
      await waitFor('the sign-in notice', async () => (await anonymous.evaluate(() => document.body.innerText)).includes('Sign in with your school account'));
    } finally {
      await anonymous.close();
    }
  });

  it('opens the tracker to a good token and refuses a forged or expired one at the upgrade', async () => {
    for (const base of [ingest.baseUrl, relay.baseUrl]) {
      assert.equal(await upgradeStatus(`${base}/tracker?token=${encodeURIComponent(sign({ city: cityId }))}`), 101, base);
      assert.equal(await upgradeStatus(`${base}/tracker?token=${encodeURIComponent(sign({}, ['an-attacker-secret-0123456789abcdefghijk']))}`), 403, base);
      assert.equal(await upgradeStatus(`${base}/tracker?token=${encodeURIComponent(sign({ expiresAt: now() - 1 }))}`), 403, base);
      // Without a token the tracker still opens, for public lessons' swarms.
      assert.equal(await upgradeStatus(`${base}/tracker`), 101, base);
    }
    assert.equal(await upgradeStatus(`${relay.baseUrl}/tracker?token=${encodeURIComponent(sign({ city: otherCityId }))}`), 403, 'another city at the relay');
  });
});
