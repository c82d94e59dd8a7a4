// The relay against scripted upstreams: one upstream fetch however many viewers ask, bytes
// streamed to waiters as they arrive, broken upstream answers neither cached nor forwarded, a
// restart keeps the disk cache, failover within the bound.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { request as httpRequest } from 'node:http';
import { fakeSegment, sleep, startFakeUpstream, type FakeUpstream } from '../helpers/fake-upstream.ts';
import { startTestRelay, type TestRelay } from '../helpers/test-relay.ts';
import { waitFor } from '../helpers/wait-for.ts';

const sha = (body: Buffer) => createHash('sha256').update(body).digest('hex');

/** GET with a raw socket per request (no pooling), as 1,000 separate viewers would. */
function get(url: string, onFirstByte?: () => void): Promise<{ status: number; body: Buffer; headers: Record<string, string | string[] | undefined> }> {
  return new Promise((resolve, reject) => {
    const req = httpRequest(url, { agent: false }, (response) => {
      const chunks: Buffer[] = [];
      response.once('data', () => onFirstByte?.());
      response.on('data', (chunk: Buffer) => chunks.push(chunk));
      response.on('end', () => resolve({ status: response.statusCode ?? 0, body: Buffer.concat(chunks), headers: response.headers }));
      response.on('error', reject);
    });
    req.on('error', reject);
    req.end();
  });
}

function playlist(mediaSequence: number, count = 3): string {
  const lines = ['#EXTM3U', '#EXT-X-VERSION:7', '#EXT-X-TARGETDURATION:2', `#EXT-X-MEDIA-SEQUENCE:${mediaSequence}`, '#EXT-X-MAP:URI="init-r1-720p.mp4"'];
  for (let index = 0; index < count; index++) lines.push('#EXTINF:2.000,', `r1-${mediaSequence + index}.m4s`);
  return lines.join('\n') + '\n';
}

describe('relay cache and single flight', () => {
  let upstream: FakeUpstream;
  let relay: TestRelay;
  before(async () => {
    upstream = await startFakeUpstream();
    relay = await startTestRelay([upstream.url], { prefetchIdleSeconds: 1 });
  });
  after(async () => {
    await relay?.stop();
    await upstream?.close();
  });

  it('makes exactly one upstream request for 1,000 viewers asking at once, and they all get the same bytes', async () => {
    const segment = fakeSegment(400_000);
    const path = '/live/lesson-a/720p/r1-0.m4s';
    upstream.handle(path, async (_request, response) => {
      response.writeHead(200, { 'content-type': 'video/iso.segment', 'cache-control': 'public, max-age=31536000, immutable', 'content-length': segment.length });
      response.write(segment.subarray(0, 100_000));
      // Kept under way until every other viewer has asked (each then joins this fetch), however slowly
      // a busy machine issues 1,000 requests (a fixed pause let most find the segment cached instead),
      // trickling bytes so the relay does not take the upstream for stalled.
      let sent = 100_000;
      while (relay.relay.stats.joined < 999 && sent < segment.length - 1000) {
        response.write(segment.subarray(sent, sent + 500));
        sent += 500;
        await sleep(100);
      }
      response.end(segment.subarray(sent));
    });
    const results = await Promise.all(Array.from({ length: 1000 }, () => get(relay.baseUrl + path)));
    assert.equal(upstream.requests.get(path), 1);
    const hashes = new Set(results.map((result) => sha(result.body)));
    assert.deepEqual([...hashes], [sha(segment)]);
    assert.ok(results.every((result) => result.status === 200));
    assert.equal(results[0]!.headers['cache-control'], 'public, max-age=31536000, immutable');
    // Those who asked while the fetch was under way joined it; the rest found it cached.
    const { joined, hits, misses } = relay.relay.stats;
    assert.equal(joined, 999, 'every viewer but the first joined the fetch under way');
    assert.equal(misses, 1 + joined, 'every miss but the first joined the fetch under way');
    assert.equal(hits, 0);
    // Now cached: another viewer is served without asking upstream.
    await get(relay.baseUrl + path);
    assert.equal(upstream.requests.get(path), 1);
  });

  it('streams bytes to a waiting viewer before the upstream has finished sending', async () => {
    const segment = fakeSegment(300_000, 2);
    const path = '/live/lesson-a/720p/r1-1.m4s';
    let upstreamFinishedAt = 0;
    upstream.handle(path, async (_request, response) => {
      response.writeHead(200, { 'content-type': 'video/iso.segment', 'content-length': segment.length });
      response.write(segment.subarray(0, 64_000));
      await sleep(1500);
      upstreamFinishedAt = Date.now();
      response.end(segment.subarray(64_000));
    });
    let firstByteAt = 0;
    const result = await get(relay.baseUrl + path, () => (firstByteAt = Date.now()));
    assert.equal(sha(result.body), sha(segment));
    assert.ok(firstByteAt > 0 && firstByteAt < upstreamFinishedAt - 1000, `first byte ${upstreamFinishedAt - firstByteAt} ms before the upstream finished`);
  });

  it('neither caches nor forwards garbage, errors or truncated bodies', async () => {
    const garbage = '/live/lesson-b/720p/r1-0.m4s';
    upstream.handle(garbage, (_request, response) => void response.writeHead(200, { 'content-type': 'text/html' }).end('<html>proxy error page</html>'));
    const first = await get(relay.baseUrl + garbage);
    assert.equal(first.status, 502);
    assert.doesNotMatch(first.body.toString(), /proxy error page/);
    await sleep(20);
    await get(relay.baseUrl + garbage);
    assert.equal(upstream.requests.get(garbage), 2, 'a refused object is not cached');

    const failing = '/live/lesson-b/720p/r1-1.m4s';
    upstream.handle(failing, (_request, response) => void response.writeHead(500).end('boom'));
    assert.equal((await get(relay.baseUrl + failing)).status, 502);

    const truncated = '/live/lesson-b/720p/r1-2.m4s';
    const whole = fakeSegment(200_000, 3);
    upstream.handle(truncated, async (_request, response) => {
      response.writeHead(200, { 'content-type': 'video/iso.segment', 'content-length': whole.length });
      response.write(whole.subarray(0, 50_000));
      await sleep(50);
      response.socket?.destroy();
    });
    const cut = await get(relay.baseUrl + truncated).catch((error: Error) => ({ status: -1, body: Buffer.alloc(0), error }));
    assert.ok(cut.status === -1 || cut.body.length < whole.length, 'a truncated body is never passed on as complete');
    // Fixed upstream: the next viewer gets the whole object (it was not cached truncated).
    upstream.handle(truncated, (_request, response) => void response.writeHead(200, { 'content-type': 'video/iso.segment', 'content-length': whole.length }).end(whole));
    await sleep(20);
    const fixed = await get(relay.baseUrl + truncated);
    assert.equal(sha(fixed.body), sha(whole));
    assert.ok(relay.relay.stats.rejected >= 1);
  });

  it('keeps serving the last good playlist when upstream sends one that goes backwards or is not a playlist', async () => {
    const path = '/live/lesson-c/720p/index.m3u8';
    let answer = playlist(10);
    upstream.handle(path, (_request, response) => void response.writeHead(200, { 'content-type': 'application/vnd.apple.mpegurl', 'cache-control': 'public, max-age=1' }).end(answer));
    assert.match((await get(relay.baseUrl + path)).body.toString(), /MEDIA-SEQUENCE:10/);
    answer = playlist(5);
    await sleep(1100);
    const backwards = await get(relay.baseUrl + path);
    assert.equal(backwards.status, 200);
    assert.match(backwards.body.toString(), /MEDIA-SEQUENCE:10/);
    answer = 'this is not a playlist';
    await sleep(1100);
    assert.match((await get(relay.baseUrl + path)).body.toString(), /MEDIA-SEQUENCE:10/);
    answer = playlist(11);
    await sleep(1100);
    assert.match((await get(relay.baseUrl + path)).body.toString(), /MEDIA-SEQUENCE:11/);
  });

  it('prefetches the segments a watched playlist lists, and stops following it once nobody asks', async () => {
    const path = '/live/lesson-f/360p/index.m3u8';
    upstream.handle(path, (_request, response) => void response.writeHead(200, { 'content-type': 'application/vnd.apple.mpegurl', 'cache-control': 'public, max-age=1' }).end(playlist(20, 2)));
    for (const uri of ['init-r1-720p.mp4', 'r1-20.m4s', 'r1-21.m4s']) {
      const body = uri.startsWith('init') ? Buffer.concat([Buffer.from([0, 0, 0, 16]), Buffer.from('ftypiso6'), Buffer.alloc(8)]) : fakeSegment(50_000, 7);
      upstream.handle(`/live/lesson-f/360p/${uri}`, (_request, response) => void response.writeHead(200, { 'content-type': 'video/iso.segment', 'content-length': body.length }).end(body));
    }
    await get(relay.baseUrl + path);
    assert.ok(relay.relay.prefetcher.following().includes(path));
    await waitFor('the listed segments fetched without a viewer asking', () => upstream.requests.get('/live/lesson-f/360p/r1-21.m4s') === 1, 5000);
    assert.equal(upstream.requests.get('/live/lesson-f/360p/init-r1-720p.mp4'), 1);
    // A viewer now finds it warm: no second upstream request.
    await get(`${relay.baseUrl}/live/lesson-f/360p/r1-20.m4s`);
    assert.equal(upstream.requests.get('/live/lesson-f/360p/r1-20.m4s'), 1);
    await waitFor('the relay to stop following the idle playlist', () => !relay.relay.prefetcher.following().includes(path), 5000);
  });

  it('refuses paths outside the published names without asking upstream', async () => {
    for (const path of ['/live/..%2F..%2Fetc/passwd', '/live/x/720p/.segmenter', '/live/x/720p/secret.txt', '/live/x/a/b/c.m4s']) {
      const result = await get(relay.baseUrl + path);
      assert.ok([400, 404].includes(result.status), `${path}: ${result.status}`);
    }
    const asked = [...upstream.requests.keys()].filter((path) => /passwd|segmenter|secret|\/x\//.test(path));
    assert.deepEqual(asked, []);
  });
});

describe('relay disk cache and failover', () => {
  it('keeps its disk cache across a restart', async () => {
    const upstream = await startFakeUpstream();
    const segment = fakeSegment(100_000, 4);
    const path = '/live/lesson-d/480p/r1-0.m4s';
    upstream.handle(path, (_request, response) => void response.writeHead(200, { 'content-type': 'video/iso.segment', 'content-length': segment.length }).end(segment));
    const first = await startTestRelay([upstream.url]);
    try {
      assert.equal(sha((await get(first.baseUrl + path)).body), sha(segment));
      await sleep(100);
    } finally {
      await first.stop({ keepData: true });
    }
    const second = await startTestRelay([upstream.url], {}, first.dataDir);
    try {
      const again = await get(second.baseUrl + path);
      assert.equal(sha(again.body), sha(segment));
      assert.equal(upstream.requests.get(path), 1, 'served from the disk cache after the restart');
    } finally {
      await second.stop();
      await upstream.close();
    }
  });

  it('moves to the standby within the bound when the primary stalls, errors or is gone', async () => {
    const primary = await startFakeUpstream();
    const standby = await startFakeUpstream();
    const relay = await startTestRelay([primary.url, standby.url], { firstByteTimeoutMs: 1000, stallTimeoutMs: 1000 });
    try {
      const stalled = '/live/lesson-e/720p/r1-0.m4s';
      const segment = fakeSegment(120_000, 5);
      primary.handle(stalled, () => {}); // Accepts and never answers.
      standby.handle(stalled, (_request, response) => void response.writeHead(200, { 'content-type': 'video/iso.segment', 'content-length': segment.length }).end(segment));
      const started = Date.now();
      const result = await get(relay.baseUrl + stalled);
      const elapsed = Date.now() - started;
      assert.equal(sha(result.body), sha(segment));
      assert.ok(elapsed < 3000, `standby answered ${elapsed} ms after the request`);

      // Mid-body stall: the standby continues from where the primary stopped (Range), bytes identical.
      const midway = '/live/lesson-e/720p/r1-1.m4s';
      const big = fakeSegment(300_000, 6);
      primary.handle(midway, (_request, response) => {
        response.writeHead(200, { 'content-type': 'video/iso.segment', 'content-length': big.length });
        response.write(big.subarray(0, 100_000));
      });
      standby.handle(midway, (request, response) => {
        const from = Number(/bytes=(\d+)-/.exec(request.headers.range ?? '')?.[1] ?? 0);
        response
          .writeHead(from > 0 ? 206 : 200, { 'content-type': 'video/iso.segment', 'content-length': big.length - from, ...(from > 0 ? { 'content-range': `bytes ${from}-${big.length - 1}/${big.length}` } : {}) })
          .end(big.subarray(from));
      });
      relay.relay.upstreams.markUp(primary.url);
      const resumed = await get(relay.baseUrl + midway);
      assert.equal(sha(resumed.body), sha(big));

      // The primary is marked down, so the next object goes straight to the standby.
      const next = '/live/lesson-e/720p/r1-2.m4s';
      standby.handle(next, (_request, response) => void response.writeHead(200, { 'content-type': 'video/iso.segment' }).end(segment));
      const quick = Date.now();
      await get(relay.baseUrl + next);
      assert.ok(Date.now() - quick < 500);
      assert.equal(primary.requests.get(next), undefined);
      assert.equal(relay.relay.upstreams.states()[0]!.up, false);
    } finally {
      await relay.stop();
      await primary.close();
      await standby.close();
    }
  });
});
