// Viewers routed to their own city, through the real API and the real pages on both databases: an
// operator lists a city's relays and maps address ranges to cities; a viewer signed in at a school of
// city A gets A's relays first (then the province's, announcing to A's tracker), an anonymous viewer
// from a mapped range that range's city's (the most specific range wins, a removed one no longer
// routes), anyone else the province's alone. The viewer's own master playlist lists every variant on
// each of their relays in order, read from the first relay that answers. Bad input gets clear errors.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { catalogDatabaseUrls } from '../helpers/databases.ts';
import { startFixture, type Fixture } from '../helpers/api-fixtures.ts';
import { startFakeUpstream, type FakeUpstream } from '../helpers/fake-upstream.ts';
import { resolveConfig } from '../../services/core/config/load.ts';
import { startHttpServer, type HttpServer } from '../../services/core/http-server.ts';
import { createLogger } from '../../services/core/log.ts';
import { catalogWebRoutes } from '../../services/roles/catalog-web.ts';
import { writeMasterPlaylist } from '../../services/packager/master-playlist.ts';
import { waitFor } from '../helpers/wait-for.ts';

const origin = 'http://origin.province.example:8080';
type Relay = { media: string; tracker: string };

for (const database of await catalogDatabaseUrls()) {
  describe(`viewers routed to their own city on ${database.name}`, () => {
    let f: Fixture;
    let pages: HttpServer;
    let pagesUrl: string;
    let watchedLesson: string;
    before(async () => {
      f = await startFixture(database.url);
      const log = createLogger({ role: 'catalog', node: 'test' });
      const config = resolveConfig([{ source: 'test', values: { demo: { enabled: false }, web: { mediaUrls: [origin] } } }]);
      pages = await startHttpServer({ host: '127.0.0.1', port: 0, log, routers: catalogWebRoutes({ db: f.catalog.db, config, log, rtmpPort: () => 1935 }), health: () => ({ role: 'catalog' }) });
      pagesUrl = `http://127.0.0.1:${pages.port}`;
      // A watch page is served only for a lesson that exists (any other id gets the 404 page).
      const school = await f.school();
      const room = await f.classroom(school.id);
      const course = await f.course(school.id);
      const lesson = await f.catalog.api('post', '/lessons', {
        token: f.operator,
        body: { classroomId: room.id, courseId: course.id, title: 'Routed lesson', startsAt: '2030-01-01T08:00:00Z', endsAt: '2030-01-01T09:00:00Z', visibility: 'public' },
      });
      assert.equal(lesson.status, 201, JSON.stringify(lesson.body));
      watchedLesson = lesson.body.id as string;
    });
    after(async () => {
      await pages?.close();
      await f?.catalog.close();
    });

    /** The relays a watch page names for a viewer with this session token (none: anonymous). */
    async function pageRelays(token?: string): Promise<Relay[]> {
      const response = await fetch(`${pagesUrl}/watch/${watchedLesson}`, { headers: token ? { cookie: `classcast_session=${token}` } : {} });
      assert.equal(response.status, 200);
      const html = await response.text();
      const content = /<meta name="classcast-relays" content="([^"]*)">/.exec(html)?.[1] ?? '';
      return JSON.parse(content.replace(/&quot;/g, '"').replace(/&lt;/g, '<').replace(/&amp;/g, '&')) as Relay[];
    }
    const relay = (cityId: number, body: Record<string, unknown>) => f.catalog.api('post', `/cities/${cityId}/relays`, { token: f.operator, body });
    const range = (body: Record<string, unknown>) => f.catalog.api('post', '/address-ranges', { token: f.operator, body });

    test("a viewer signed in at a school of city A gets A's relays first, then the province's with A's tracker", async () => {
      const a = await f.school();
      const b = await f.school();
      assert.equal((await relay(a.cityId, { mediaUrl: 'http://relay-a2.example:8081', position: 2 })).status, 201);
      assert.equal((await relay(a.cityId, { mediaUrl: 'https://relay-a1.example/', position: 1, trackerUrl: 'wss://tracker-a.example/tracker' })).status, 201);
      assert.equal((await relay(b.cityId, { mediaUrl: 'http://relay-b1.example:8081' })).status, 201);
      const listed = await f.catalog.api('get', `/cities/${a.cityId}/relays`, { token: f.operator });
      assert.deepEqual(listed.body.items.map((item: { mediaUrl: string }) => item.mediaUrl), ['https://relay-a1.example', 'http://relay-a2.example:8081'], 'in position order, trailing slash dropped');

      const expectedA = [
        { media: 'https://relay-a1.example', tracker: 'wss://tracker-a.example/tracker' },
        { media: 'http://relay-a2.example:8081', tracker: 'ws://relay-a2.example:8081/tracker' },
        { media: origin, tracker: 'wss://tracker-a.example/tracker' },
      ];
      await waitFor("city A's relays on the page", async () => JSON.stringify(await pageRelays(a.tokens.student)) === JSON.stringify(expectedA) || undefined, 10_000);
      assert.deepEqual(await pageRelays(a.tokens.teacher), expectedA, "a teacher of A's school too");
      assert.deepEqual((await pageRelays(b.tokens.student)).map((entry) => entry.media), ['http://relay-b1.example:8081', origin]);
      assert.deepEqual(await pageRelays(), [{ media: origin, tracker: 'ws://origin.province.example:8080/tracker' }], 'an unmapped anonymous viewer: the province alone');
      assert.deepEqual(await pageRelays(f.operator), [{ media: origin, tracker: 'ws://origin.province.example:8080/tracker' }], 'an operator belongs to no city');

      const me = await f.catalog.api('get', '/viewer-route', { token: a.tokens.student });
      assert.equal(me.status, 200);
      assert.equal(me.body.cityId, a.cityId);
      assert.equal(me.body.via, 'school');
    });

    test("an anonymous viewer from a mapped range gets that city's relays; the most specific range wins; a removed range no longer routes", async () => {
      const c = await f.city();
      const d = await f.city();
      await relay(c.id, { mediaUrl: 'http://relay-c1.example:8081' });
      await relay(d.id, { mediaUrl: 'http://relay-d1.example:8081' });
      const wide = await range({ cidr: '127.0.0.0/8', cityId: c.id, note: 'loopback as a city network' });
      assert.equal(wide.status, 201);
      assert.equal(wide.body.cidr, '127.0.0.0/8');
      await waitFor("city C's relay for an anonymous viewer", async () => (await pageRelays())[0]?.media === 'http://relay-c1.example:8081' || undefined, 10_000);
      assert.deepEqual((await pageRelays()).map((entry) => entry.media), ['http://relay-c1.example:8081', origin]);
      // The API's server reads the map on its own (within 2 s of a change, like the pages').
      const me = await waitFor('the API routing by address', async () => {
        const found = (await f.catalog.api('get', '/viewer-route')).body as { cityId: number | null; via: string; relays: unknown[] };
        return found.cityId === c.id && found;
      }, 10_000);
      assert.deepEqual({ via: me.via, relays: me.relays }, { via: 'address', relays: [{ mediaUrl: 'http://relay-c1.example:8081', trackerUrl: null }] });

      const narrow = await range({ cidr: '127.0.0.1', cityId: d.id });
      assert.equal(narrow.body.cidr, '127.0.0.1/32', 'a bare address is a range of one');
      await waitFor("the narrower range's city", async () => (await pageRelays())[0]?.media === 'http://relay-d1.example:8081' || undefined, 10_000);

      const school = await f.school();
      assert.equal((await pageRelays(school.tokens.student))[0]?.media, origin, "a signed-in viewer goes by their school's city (here without relays), not the address");

      for (const id of [narrow.body.id, wide.body.id]) assert.equal((await f.catalog.api('delete', `/address-ranges/${id}`, { token: f.operator })).status, 200);
      await waitFor('the province alone again', async () => (await pageRelays())[0]?.media === origin || undefined, 10_000);
    });

    test('bad input gets clear errors, and only operators change routing', async () => {
      const c = await f.city();
      const bad = await range({ cidr: '10.0.0.0/33', cityId: c.id });
      assert.equal(bad.status, 400);
      assert.match(bad.body.error.message, /cidr: '10\.0\.0\.0\/33' is not an address range/);
      assert.equal((await range({ cidr: '10.9.0.0/16', cityId: 999_999 })).status, 400);
      assert.equal((await range({ cidr: '10.9.1.2/16', cityId: c.id })).status, 201);
      const twice = await range({ cidr: '10.9.0.0/16', cityId: c.id });
      assert.equal(twice.status, 409, 'the same range in another spelling');
      assert.match(twice.body.error.message, /already mapped/);
      const badUrl = await relay(c.id, { mediaUrl: 'http://relay.example/path' });
      assert.equal(badUrl.status, 400);
      assert.match(badUrl.body.error.message, /mediaUrl/);
      await relay(c.id, { mediaUrl: 'http://relay-e.example' });
      assert.equal((await relay(c.id, { mediaUrl: 'http://relay-e.example' })).status, 409);
      assert.equal((await relay(999_999, { mediaUrl: 'http://relay-f.example' })).status, 404);
      assert.equal((await f.catalog.api('delete', `/cities/${c.id}/relays/999999`, { token: f.operator })).status, 404);
      const school = await f.school();
      assert.equal((await f.catalog.api('post', '/address-ranges', { token: school.tokens.school_admin, body: { cidr: '10.8.0.0/16', cityId: c.id } })).status, 403);
      assert.equal((await f.catalog.api('get', '/address-ranges')).status, 401);
    });

    describe("the viewer's own master playlist", () => {
      let relays: FakeUpstream[];
      before(async () => {
        relays = [await startFakeUpstream(), await startFakeUpstream()];
      });
      after(async () => {
        for (const upstream of relays) await upstream.close();
      });

      test('lists every variant on each of their relays in order, read from the first that answers', async () => {
        const master = writeMasterPlaylist([
          { width: 1280, height: 720, fps: 25, bandwidth: 3_000_000, averageBandwidth: 2_500_000, codecs: 'avc1.64001f,mp4a.40.2', uri: '720p/timeshift.m3u8' },
          { width: 640, height: 360, fps: 25, bandwidth: 900_000, averageBandwidth: 700_000, codecs: 'avc1.64001e,mp4a.40.2', uri: '360p/timeshift.m3u8' },
        ]);
        // The first relay is failing (5xx): the second's copy is read.
        relays[0]!.handle('/live/lesson-r/master-timeshift.m3u8', (_request, response) => void response.writeHead(503).end());
        relays[1]!.handle('/live/lesson-r/master-timeshift.m3u8', (_request, response) => void response.writeHead(200, { 'content-type': 'application/vnd.apple.mpegurl' }).end(master));
        const school = await f.school();
        for (const [index, upstream] of relays.entries()) await relay(school.cityId, { mediaUrl: upstream.url, position: index });
        const url = `${pagesUrl}/watch/lesson-r/master.m3u8`;
        const headers = { cookie: `classcast_session=${school.tokens.student}` };
        const text = await waitFor('the redundant master', async () => {
          const response = await fetch(url, { headers });
          return response.status === 200 ? { text: await response.text(), cache: response.headers.get('cache-control') } : undefined;
        }, 10_000);
        assert.equal(text.cache, 'no-store');
        const uris = text.text.split('\n').filter((line) => line !== '' && !line.startsWith('#'));
        assert.deepEqual(uris, [
          ...[relays[0]!.url, relays[1]!.url, origin].flatMap((base) => [`${base}/live/lesson-r/720p/timeshift.m3u8`, `${base}/live/lesson-r/360p/timeshift.m3u8`]),
        ]);
        const infos = text.text.split('\n').filter((line) => line.startsWith('#EXT-X-STREAM-INF:'));
        assert.equal(infos.length, 6);
        assert.equal(new Set(infos).size, 2, 'each variant repeated with the same attributes');
        assert.equal(relays[0]!.requests.get('/live/lesson-r/master-timeshift.m3u8'), 1, 'the watch page plays the time-shift master');

        const missing = await fetch(`${pagesUrl}/watch/no-such-lesson/master.m3u8`, { headers });
        assert.equal(missing.status, 404, 'a relay saying "not here" is the answer');
        assert.match((await missing.json()).error.message, /no master playlist/);
        assert.equal((await fetch(`${pagesUrl}/watch/lesson-r/master.m3u8?token=a%20b`, { headers })).status, 400);
      });
    });
  });
}
