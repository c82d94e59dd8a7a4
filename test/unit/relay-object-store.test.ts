// The relay's object store (services/relay/object-store.ts) over a local HTTP upstream started here,
// a disk cache in a temporary folder and a fake clock for expiry: one upstream fetch however many
// ask at once, what a cache entry holds (headers, etag, expiry; segments on disk, a protected
// lesson's apart), playlists expiring while their last good copy stays for when upstream fails,
// and broken or missing objects never cached.
import { after, before, mock, test } from 'node:test';
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setLogLevel } from '../../services/core/log.ts';
import type { FlightResult } from '../../services/relay/flight.ts';
import type { ObjectSizeLimits } from '../../services/relay/object-check.ts';
import { fakeSegment, startFakeUpstream, type FakeUpstream } from '../helpers/fake-upstream.ts';
import { openTestObjectStore } from '../helpers/test-object-store.ts';

let upstream: FakeUpstream;
let cacheDir: string;
before(async () => {
  setLogLevel('error');
  upstream = await startFakeUpstream();
  cacheDir = await mkdtemp(join(tmpdir(), 'relay-store-'));
});
after(async () => {
  await upstream.close();
  await rm(cacheDir, { recursive: true, force: true });
  setLogLevel('info');
});

const openStore = (name: string, sizeLimits?: ObjectSizeLimits) => openTestObjectStore(upstream.url, join(cacheDir, name), sizeLimits);
const sha1 = (body: Buffer) => `"${createHash('sha1').update(body).digest('base64url')}"`;
const playlist = (sequence: number) => `#EXTM3U\n#EXT-X-VERSION:7\n#EXT-X-TARGETDURATION:2\n#EXT-X-MEDIA-SEQUENCE:${sequence}\n#EXTINF:2.0,\nseg-${sequence}.m4s\n`;

test('viewers asking at once share one upstream fetch; the object is then served from memory and from disk', async () => {
  const segment = fakeSegment(200_000);
  let release: () => void = () => {};
  const released = new Promise<void>((resolve) => (release = resolve));
  upstream.handle('/live/a/720p/seg-1.m4s', async (_request, response) => {
    response.writeHead(200, { 'content-type': 'video/iso.segment', 'cache-control': 'public, max-age=31536000, immutable', 'content-length': segment.length });
    response.write(segment.subarray(0, 1000));
    await released;
    response.end(segment.subarray(1000));
  });
  const { store, disk } = openStore('single-flight');
  const first = store.fetch('/live/a/720p/seg-1.m4s', 'segment');
  const second = store.fetch('/live/a/720p/seg-1.m4s', 'segment');
  assert.equal(first.joined, false);
  assert.equal(second.joined, true);
  assert.equal(second.flight, first.flight);
  assert.equal(store.isFetching('/live/a/720p/seg-1.m4s'), true);
  // A segment is passed on as it arrives: the first bytes reach a viewer before the rest is sent.
  const firstBytes = await new Promise<Buffer>((resolve) => first.flight.join({ onHeaders: () => {}, onChunk: resolve, onEnd: () => {} }));
  assert.deepEqual(firstBytes, segment.subarray(0, 1000));
  release();
  const result = await second.flight.result;
  assert.equal(result.status, 'complete');
  assert.deepEqual(result.status === 'complete' && result.body, segment);
  assert.equal(upstream.requests.get('/live/a/720p/seg-1.m4s'), 1, 'one upstream request');

  await waitUntil(() => disk.has('/live/a/720p/seg-1.m4s') && !store.isFetching('/live/a/720p/seg-1.m4s'));
  const cached = store.inMemory('/live/a/720p/seg-1.m4s');
  assert.ok(cached);
  assert.deepEqual(cached.body, segment);
  assert.equal(cached.etag, sha1(segment), 'the etag is the body hash, computed once');
  assert.equal(cached.expiresAt, Number.POSITIVE_INFINITY, 'segments never expire');
  assert.equal(store.has('/live/a/720p/seg-1.m4s'), true);
  assert.equal(store.fetch('/live/a/720p/seg-1.m4s', 'segment').joined, false, 'a fetch after the first has finished is a new one');

  // A restarted relay (a new store over the same disk) serves it from disk as immutable.
  const restarted = openStore('single-flight');
  const fromDisk = await restarted.store.lookup('/live/a/720p/seg-1.m4s', 'segment');
  assert.ok(fromDisk);
  assert.deepEqual(fromDisk.body, segment);
  assert.equal(fromDisk.headers.cacheControl, 'public, max-age=31536000, immutable');
  assert.equal(fromDisk.headers.protected, undefined);
  assert.ok(restarted.store.inMemory('/live/a/720p/seg-1.m4s'), 'read from disk once, then kept in memory');
});

test("a protected lesson's segment is kept on disk apart, and a restarted relay still serves it as private", async () => {
  const segment = fakeSegment(5000, 7);
  upstream.handle('/live/p/720p/seg-1.m4s', (_request, response) => {
    response.writeHead(200, { 'content-type': 'video/iso.segment', 'cache-control': 'public, max-age=31536000, immutable', 'x-classcast-protected': '1' });
    response.end(segment);
  });
  const { store, disk } = openStore('protected');
  const result = await store.fetch('/live/p/720p/seg-1.m4s', 'segment').flight.result;
  assert.equal(result.status === 'complete' && result.headers.protected, true);
  await waitUntil(() => disk.has('/protected/live/p/720p/seg-1.m4s'));
  assert.equal(disk.has('/live/p/720p/seg-1.m4s'), false, 'not under its public path');
  const restarted = openStore('protected');
  assert.equal(restarted.store.has('/live/p/720p/seg-1.m4s'), true);
  const fromDisk = await restarted.store.lookup('/live/p/720p/seg-1.m4s', 'segment');
  assert.deepEqual(fromDisk?.headers, { contentType: 'video/iso.segment', cacheControl: 'private, max-age=31536000, immutable', protected: true });
});

test('a playlist lives as long as its max-age says; after that only its last good copy is kept, for when upstream fails', async () => {
  upstream.handle('/live/b/720p/index.m3u8', (_request, response) => {
    response.writeHead(200, { 'content-type': 'application/vnd.apple.mpegurl', 'cache-control': 'public, max-age=2' });
    response.end(playlist(10));
  });
  const { store, disk } = openStore('expiry');
  const realNow = Date.now();
  const result = await store.fetch('/live/b/720p/index.m3u8', 'media-playlist').flight.result;
  assert.equal(result.status, 'complete');
  await waitUntil(() => !store.isFetching('/live/b/720p/index.m3u8'));
  mock.timers.enable({ apis: ['Date'], now: Date.now() });
  try {
    const entry = store.inMemory('/live/b/720p/index.m3u8');
    assert.ok(entry);
    assert.ok(entry.expiresAt >= realNow + 2000 && entry.expiresAt <= Date.now() + 2000, 'max-age=2 from when it was stored');
    assert.ok(await store.lookup('/live/b/720p/index.m3u8', 'media-playlist'));
    mock.timers.tick(2001);
    assert.equal(store.inMemory('/live/b/720p/index.m3u8'), undefined, 'expired');
    assert.equal(await store.lookup('/live/b/720p/index.m3u8', 'media-playlist'), undefined);
    assert.equal(store.has('/live/b/720p/index.m3u8'), false);
    assert.equal(store.stale('/live/b/720p/index.m3u8')?.body.toString(), playlist(10), 'the last good copy stays');
  } finally {
    mock.timers.reset();
  }
  assert.equal(disk.has('/live/b/720p/index.m3u8'), false, 'playlists are not put on disk');
});

test('a playlist whose media sequence goes back is refused and its upstream marked down; the last good copy stays', async () => {
  let sequence = 20;
  upstream.handle('/live/c/720p/index.m3u8', (_request, response) => {
    response.writeHead(200, { 'cache-control': 'public, max-age=1' });
    response.end(playlist(sequence));
  });
  const { store, stats, upstreams } = openStore('sequence');
  assert.equal((await store.fetch('/live/c/720p/index.m3u8', 'media-playlist').flight.result).status, 'complete');
  await waitUntil(() => !store.isFetching('/live/c/720p/index.m3u8'));
  sequence = 19;
  const refused = await store.fetch('/live/c/720p/index.m3u8', 'media-playlist').flight.result;
  assert.deepEqual(refused, { status: 'failed', reason: 'media sequence went back from 20 to 19' });
  assert.equal(stats.rejected, 1);
  assert.equal(upstreams.states()[0]!.up, false);
  assert.equal(store.stale('/live/c/720p/index.m3u8')?.body.toString(), playlist(20));
});

test('missing, broken and oversized objects are answered as such and never cached', async () => {
  upstream.handle('/live/d/720p/seg-garbage.m4s', (_request, response) => void response.writeHead(200).end('<html>proxy error</html>'));
  upstream.handle('/live/d/720p/index.m3u8', (_request, response) => void response.writeHead(200).end('<html>not a playlist</html>'));
  upstream.handle('/live/d/720p/seg-huge.m4s', (_request, response) => void response.writeHead(200).end(fakeSegment(300_000)));
  const { store, disk } = openStore('broken', { playlistBytes: 100_000, initBytes: 100_000, segmentBytes: 100_000 });
  const outcomes: Array<[string, FlightResult]> = [];
  for (const [path, kind] of [
    ['/live/d/720p/seg-missing.m4s', 'segment'],
    ['/live/d/720p/seg-garbage.m4s', 'segment'],
    ['/live/d/720p/index.m3u8', 'media-playlist'],
    ['/live/d/720p/seg-huge.m4s', 'segment'],
  ] as const) {
    outcomes.push([path, await store.fetch(path, kind).flight.result]);
    await waitUntil(() => !store.isFetching(path));
    assert.equal(store.has(path), false, path);
    assert.equal(store.stale(path), undefined, path);
    assert.equal(disk.has(path), false, path);
  }
  assert.deepEqual(outcomes[0]![1], { status: 'not-found' });
  const reason = (index: number) => {
    const result = outcomes[index]![1];
    assert.equal(result.status, 'failed', outcomes[index]![0]);
    return result.status === 'failed' ? result.reason : '';
  };
  assert.match(reason(1), /not an MP4 segment \(starts with 'l>pr'\)/);
  assert.equal(reason(2), 'not an HLS playlist');
  assert.match(reason(3), /segment larger than the relay's bound of 100000 bytes/);
});

/** Waits for what the store does after a flight settles (caching, writing to disk). */
async function waitUntil(condition: () => boolean): Promise<void> {
  for (let tries = 0; !condition(); tries++) {
    if (tries > 1000) throw new Error('condition never held');
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}
