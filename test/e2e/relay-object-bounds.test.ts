// The relay against an upstream that sends too much: a valid box header and then far more than any
// segment, a Content-Length over the bound, an endless playlist. Each is cut off, refused, counted
// and never cached, and the relay's memory does not grow with what the upstream sends.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { request as httpRequest } from 'node:http';
import type { ServerResponse } from 'node:http';
import { fakeSegment, sleep, startFakeUpstream, type FakeUpstream } from '../helpers/fake-upstream.ts';
import { startTestRelay, type TestRelay } from '../helpers/test-relay.ts';
import { waitFor } from '../helpers/wait-for.ts';

type Answer = { status: number; bytes: number; complete: boolean };

/** GET that also resolves when the relay cuts the response short (complete: false). */
function get(url: string): Promise<Answer> {
  return new Promise((resolve, reject) => {
    const req = httpRequest(url, { agent: false }, (response) => {
      let bytes = 0;
      response.on('data', (chunk: Buffer) => (bytes += chunk.length));
      response.on('end', () => resolve({ status: response.statusCode ?? 0, bytes, complete: true }));
      response.on('aborted', () => resolve({ status: response.statusCode ?? 0, bytes, complete: false }));
      response.on('error', () => resolve({ status: response.statusCode ?? 0, bytes, complete: false }));
    });
    req.on('error', reject);
    req.setTimeout(30_000, () => req.destroy(new Error('no answer within 30 s')));
    req.end();
  });
}

/** Writes `totalBytes` of `chunk` copies, waiting for drain, until done or the relay hangs up. Returns bytes written. */
async function pour(response: ServerResponse, chunk: Buffer, totalBytes: number): Promise<number> {
  let written = 0;
  let closed = false;
  let wake = () => {};
  response.on('close', () => {
    closed = true;
    wake();
  });
  response.on('drain', () => wake());
  const deadline = Date.now() + 60_000;
  while (written < totalBytes && !closed && Date.now() < deadline) {
    written += chunk.length;
    if (!response.write(chunk)) await new Promise<void>((resolve) => (wake = resolve));
  }
  if (!closed) response.end();
  return written;
}

describe('relay object size bounds', () => {
  let upstream: FakeUpstream;
  let relay: TestRelay;
  before(async () => {
    upstream = await startFakeUpstream();
    relay = await startTestRelay([upstream.url], { maxSegmentMb: 2, maxPlaylistKb: 64, maxInitKb: 64 });
  });
  after(async () => {
    await relay?.stop();
    await upstream?.close();
  });

  it('cuts off a segment that streams past its bound, counts it, caches nothing and stops the upstream', async () => {
    const path = '/live/lesson-big/720p/r1-0.m4s';
    const hostileBytes = 200 * 1024 ** 2;
    const sent: number[] = [];
    upstream.handle(path, async (_request, response) => {
      // A valid styp box header, then far more than any segment, without a Content-Length.
      response.writeHead(200, { 'content-type': 'video/iso.segment', 'cache-control': 'public, max-age=31536000, immutable' });
      response.write(fakeSegment(64));
      sent.push(await pour(response, Buffer.alloc(256 * 1024, 7), hostileBytes));
    });
    const answer = await get(relay.baseUrl + path);
    assert.equal(answer.complete, false, 'the viewer sees the object incomplete');
    assert.ok(answer.bytes <= 2 * 1024 ** 2, `the viewer got ${answer.bytes} bytes, over the bound`);
    // What bounds the upstream is the bytes it sent before the hang-up (below), not the time it
    // took to notice, which a busy machine stretches: wait as long as the pour itself would go on.
    await waitFor('the upstream to see the relay hang up', () => sent.length === 1, 60_000, 50);
    assert.ok(sent[0]! < hostileBytes / 4, `the upstream sent ${sent[0]} bytes before the relay hung up`);
    assert.equal(relay.relay.stats.oversized, 1);
    assert.equal(relay.relay.disk.count(), 0, 'nothing on disk');
    assert.equal(relay.relay.store.memoryBytes(), 0, 'nothing in memory');
    // Not cached: the next viewer makes the relay ask upstream again (and is refused again).
    await get(relay.baseUrl + path);
    assert.equal(upstream.requests.get(path), 2);
    const metrics = await (await fetch(relay.baseUrl + '/metrics')).text();
    assert.match(metrics, /classcast_relay_oversized_objects_total\{[^}]*\} 2/);
  });

  it('refuses a segment whose Content-Length is over the bound before taking any of it', async () => {
    const path = '/live/lesson-big/720p/r1-1.m4s';
    const declared = 100 * 1024 ** 2;
    let sent = -1;
    upstream.handle(path, async (_request, response) => {
      response.writeHead(200, { 'content-type': 'video/iso.segment', 'content-length': declared });
      response.write(fakeSegment(64));
      sent = await pour(response, Buffer.alloc(64 * 1024, 7), declared - 64);
    });
    const before = relay.relay.stats.oversized;
    const answer = await get(relay.baseUrl + path);
    assert.equal(answer.status, 502);
    assert.equal(relay.relay.stats.oversized, before + 1);
    await waitFor('the upstream to see the relay hang up', () => sent >= 0, 10_000, 50);
    assert.ok(sent < declared - 64, 'the relay hung up before the whole body');
  });

  it('refuses a playlist over its bound (with no older copy to fall back on) and still serves one within it', async () => {
    const path = '/live/lesson-big/720p/index.m3u8';
    const lines = ['#EXTM3U', '#EXT-X-VERSION:7', '#EXT-X-TARGETDURATION:2', '#EXT-X-MEDIA-SEQUENCE:0'];
    for (let index = 0; index < 4000; index++) lines.push('#EXTINF:2.000,', `r1-${index}.m4s`);
    const huge = lines.join('\n') + '\n';
    assert.ok(huge.length > 64 * 1024);
    upstream.handle(path, (_request, response) => void response.writeHead(200, { 'content-type': 'application/vnd.apple.mpegurl', 'cache-control': 'public, max-age=1' }).end(huge));
    const before = relay.relay.stats.oversized;
    assert.equal((await get(relay.baseUrl + path)).status, 502);
    assert.equal(relay.relay.stats.oversized, before + 1);
    const small = lines.slice(0, 10).join('\n') + '\n';
    upstream.handle(path, (_request, response) => void response.writeHead(200, { 'content-type': 'application/vnd.apple.mpegurl', 'cache-control': 'public, max-age=1' }).end(small));
    const answer = await get(relay.baseUrl + path);
    assert.equal(answer.status, 200);
    assert.equal(answer.bytes, small.length);
  });

  it('serves a segment just under the bound whole and caches it', async () => {
    const path = '/live/lesson-big/720p/r1-2.m4s';
    const segment = fakeSegment(2 * 1024 ** 2 - 1, 3);
    upstream.handle(path, (_request, response) => void response.writeHead(200, { 'content-type': 'video/iso.segment', 'cache-control': 'public, max-age=31536000, immutable' }).end(segment));
    const answer = await get(relay.baseUrl + path);
    assert.deepEqual(answer, { status: 200, bytes: segment.length, complete: true });
    await waitFor('the segment on disk', () => relay.relay.disk.count() === 1, 5000, 50);
    await sleep(10);
    await get(relay.baseUrl + path);
    assert.equal(upstream.requests.get(path), 1);
  });
});
