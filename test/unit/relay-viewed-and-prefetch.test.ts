// What a relay does for lessons it has viewers of, over its real object store and a local HTTP
// upstream started here: the lessons viewers asked for lately (services/relay/viewed-lessons.ts:
// the tracker's list of swarms, never a fetch of its own), and following a viewed media playlist to
// fetch each new segment before anyone asks (services/relay/prefetch.ts).
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createLogger, setLogLevel } from '../../services/core/log.ts';
import { protectedHeader } from '../../services/media-http/playback-guard.ts';
import type { ObjectStore } from '../../services/relay/object-store.ts';
import { createPrefetcher } from '../../services/relay/prefetch.ts';
import { createViewedLessons } from '../../services/relay/viewed-lessons.ts';
import { fakeSegment, sleep, startFakeUpstream, type FakeUpstream } from '../helpers/fake-upstream.ts';
import { openTestObjectStore } from '../helpers/test-object-store.ts';
import { waitFor } from '../helpers/wait-for.ts';

let upstream: FakeUpstream;
let cacheDir: string;
before(async () => {
  setLogLevel('error');
  upstream = await startFakeUpstream();
  cacheDir = await mkdtemp(join(tmpdir(), 'relay-viewed-'));
});
after(async () => {
  await upstream.close();
  await rm(cacheDir, { recursive: true, force: true });
  setLogLevel('info');
});

const openStore = (name: string) => openTestObjectStore(upstream.url, join(cacheDir, name));

/** Fetches `path` into the store as a viewer's request would, and waits until the store holds it (it is kept just after the fetch settles). */
const cache = async (store: ObjectStore, path: string) => {
  await store.fetch(path, 'master').flight.result;
  await waitFor(`${path} cached`, () => store.stale(path) !== undefined, 5000);
};

const master = '#EXTM3U\n#EXT-X-VERSION:7\n#EXT-X-STREAM-INF:BANDWIDTH=800000,RESOLUTION=640x360\n360p/index.m3u8\n';
/** Serves `body` at `path` as the origin would (cacheable for 10 s, as a master is), marked protected when asked. */
const serve = (path: string, body: string | Buffer, contentType: string, isProtected = false) =>
  upstream.handle(path, (_request, response) => {
    response.writeHead(200, { 'content-type': contentType, 'cache-control': 'public, max-age=10', ...(isProtected ? { [protectedHeader]: '1' } : {}) });
    response.end(body);
  });

test("a lesson counts as viewed once a viewer asked for one of its playlists and the relay holds its master; nothing is fetched for it", async () => {
  const { store } = openStore('viewed');
  const viewed = createViewedLessons(store, 60_000);
  serve('/live/v1/master.m3u8', master, 'application/vnd.apple.mpegurl');
  viewed.note('/live/v1/360p/index.m3u8?token=abc');
  viewed.note('/live/v1/360p/r1-1.m4s');
  viewed.note('/live/made-up/360p/index.m3u8');
  viewed.note('/api/v1/lessons');
  viewed.note(undefined);
  // Noted, but the relay does not hold the master yet: not listed, and nothing asked upstream.
  assert.deepEqual([...viewed.lessons()], []);
  assert.equal(upstream.requests.get('/live/v1/master.m3u8') ?? 0, 0);
  assert.equal(upstream.requests.get('/live/made-up/master.m3u8') ?? 0, 0);
  await cache(store, '/live/v1/master.m3u8');
  assert.deepEqual([...viewed.lessons()], [{ lessonId: 'v1', masterPlaylist: master, protected: false, scope: 'live' }]);
});

test('a replay is viewed under /vod, a time-shift master stands for the live one, and a protected master says so', async () => {
  const { store } = openStore('scopes');
  const viewed = createViewedLessons(store, 60_000);
  serve('/vod/rec1/master.m3u8', master, 'application/vnd.apple.mpegurl');
  serve('/live/ts1/master-timeshift.m3u8', master, 'application/vnd.apple.mpegurl');
  serve('/live/p1/master.m3u8', master, 'application/vnd.apple.mpegurl', true);
  for (const path of ['/vod/rec1/master.m3u8', '/live/ts1/master-timeshift.m3u8', '/live/p1/master.m3u8']) {
    await cache(store, path);
    viewed.note(path);
  }
  const byId = new Map([...viewed.lessons()].map((lesson) => [lesson.lessonId, lesson]));
  assert.deepEqual(byId.get('rec1'), { lessonId: 'rec1', masterPlaylist: master, protected: false, scope: 'vod' });
  assert.equal(byId.get('ts1')?.scope, 'live');
  assert.equal(byId.get('p1')?.protected, true);
});

test('a lesson nobody has asked for within the keep time is no longer listed', async () => {
  const { store } = openStore('expiry');
  const viewed = createViewedLessons(store, 100);
  serve('/live/e1/master.m3u8', master, 'application/vnd.apple.mpegurl');
  await cache(store, '/live/e1/master.m3u8');
  viewed.note('/live/e1/360p/index.m3u8');
  assert.equal([...viewed.lessons()].length, 1);
  await sleep(250);
  assert.equal([...viewed.lessons()].length, 0);
});

test('a viewed media playlist is followed: each listed segment and init segment is fetched once, before anyone asks; the end of the lesson stops it', async () => {
  const { store, stats } = openStore('prefetch');
  const prefetch = createPrefetcher(store, { idleMs: 60_000, stats, log: createLogger() });
  let segments = 2;
  let ended = false;
  upstream.handle('/live/f1/360p/index.m3u8', (_request, response) => {
    const lines = ['#EXTM3U', '#EXT-X-VERSION:7', '#EXT-X-TARGETDURATION:1', '#EXT-X-MEDIA-SEQUENCE:0', '#EXT-X-MAP:URI="init-r1-360p.mp4"'];
    for (let index = 0; index < segments; index++) lines.push('#EXTINF:1.0,', `r1-${index}.m4s`);
    if (ended) lines.push('#EXT-X-ENDLIST');
    response.writeHead(200, { 'content-type': 'application/vnd.apple.mpegurl', 'cache-control': 'max-age=0' });
    response.end(lines.join('\n') + '\n');
  });
  serve('/live/f1/360p/init-r1-360p.mp4', fakeSegment(1000), 'video/mp4');
  for (let index = 0; index < 4; index++) serve(`/live/f1/360p/r1-${index}.m4s`, fakeSegment(20_000, index + 1), 'video/iso.segment');
  try {
    prefetch.viewed('/live/f1/360p/index.m3u8');
    assert.deepEqual(prefetch.following(), ['/live/f1/360p/index.m3u8']);
    await waitFor('the listed segments warm', () => store.has('/live/f1/360p/r1-1.m4s') && store.has('/live/f1/360p/init-r1-360p.mp4'), 10_000);
    // A new segment is listed: fetched too, the earlier ones not again.
    segments = 4;
    await waitFor('the new segments warm', () => store.has('/live/f1/360p/r1-3.m4s'), 10_000);
    for (const path of ['/live/f1/360p/r1-0.m4s', '/live/f1/360p/r1-3.m4s', '/live/f1/360p/init-r1-360p.mp4']) assert.equal(upstream.requests.get(path), 1, path);
    assert.equal(stats.prefetched, 5);
    ended = true;
    await waitFor('following stopped at the end of the lesson', () => prefetch.following().length === 0, 10_000);
  } finally {
    prefetch.close();
  }
});

test('a playlist nobody views within the idle time is no longer followed', async () => {
  const { store, stats } = openStore('idle');
  const prefetch = createPrefetcher(store, { idleMs: 300, stats, log: createLogger() });
  serve('/live/i1/360p/index.m3u8', '#EXTM3U\n#EXT-X-VERSION:7\n#EXT-X-TARGETDURATION:1\n#EXT-X-MEDIA-SEQUENCE:0\n', 'application/vnd.apple.mpegurl');
  try {
    prefetch.viewed('/live/i1/360p/index.m3u8');
    assert.equal(prefetch.following().length, 1);
    await waitFor('following stopped once idle', () => prefetch.following().length === 0, 10_000);
    const polls = upstream.requests.get('/live/i1/360p/index.m3u8') ?? 0;
    await sleep(800);
    assert.equal(upstream.requests.get('/live/i1/360p/index.m3u8') ?? 0, polls, 'no poll after it stopped');
  } finally {
    prefetch.close();
  }
});
