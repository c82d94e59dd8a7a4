// The relay's upstream fetch (services/relay/upstream-fetch.ts) and its single flight (flight.ts),
// against upstreams that are local HTTP servers started here, scripted path by path: bytes streamed
// out as they come, 404 only when every upstream says so, a failing or silent upstream marked down
// and the next one asked, a body cut short continued from the standby with a Range request, and an
// object over its bound stopping the fetch.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { createLogger, setLogLevel } from '../../services/core/log.ts';
import { createFlight, type FlightResult } from '../../services/relay/flight.ts';
import { createRelayStats } from '../../services/relay/relay-stats.ts';
import { fetchFromUpstreams, ObjectTooLargeError, UpstreamsFailedError, type FetchSink, type UpstreamHeaders } from '../../services/relay/upstream-fetch.ts';
import { createUpstreams } from '../../services/relay/upstreams.ts';
import { fakeSegment, startFakeUpstream, type FakeUpstream } from '../helpers/fake-upstream.ts';

const limits = { firstByteTimeoutMs: 1500, stallTimeoutMs: 1500 };
let primary: FakeUpstream;
let standby: FakeUpstream;
before(async () => {
  setLogLevel('error');
  [primary, standby] = await Promise.all([startFakeUpstream(), startFakeUpstream()]);
});
after(async () => {
  await Promise.all([primary.close(), standby.close()]);
  setLogLevel('info');
});

/** A sink that keeps what it is given. */
const collect = () => {
  const got: { headers: UpstreamHeaders[]; chunks: Buffer[] } = { headers: [], chunks: [] };
  const sink: FetchSink = { onHeaders: (headers) => void got.headers.push(headers), onChunk: (chunk) => void got.chunks.push(chunk) };
  return { got, sink, body: () => Buffer.concat(got.chunks) };
};
const both = () => createUpstreams([primary.url, standby.url], 60_000);
const fetchPath = (path: string, upstreams = both(), sink = collect().sink, stats = createRelayStats(), headers?: Record<string, string>) =>
  fetchFromUpstreams(path, upstreams, limits, sink, stats, createLogger(), headers);

test('an object comes from the first upstream, headers then bytes, with the request headers the relay adds', async () => {
  const segment = fakeSegment(50_000);
  let token: string | undefined;
  primary.handle('/live/a/720p/seg-1.m4s', (request, response) => {
    token = request.headers['x-playback-token'] as string | undefined;
    response.writeHead(200, { 'content-type': 'video/iso.segment', 'cache-control': 'public, max-age=31536000, immutable', 'content-length': segment.length, 'x-classcast-protected': '1' });
    response.end(segment);
  });
  const { got, sink, body } = collect();
  const stats = createRelayStats();
  const outcome = await fetchPath('/live/a/720p/seg-1.m4s', both(), sink, stats, { 'x-playback-token': 'relay-token' });
  assert.deepEqual(outcome, { status: 'ok', upstream: primary.url });
  assert.deepEqual(got.headers, [{ contentType: 'video/iso.segment', cacheControl: 'public, max-age=31536000, immutable', contentLength: segment.length, protected: true }]);
  assert.deepEqual(body(), segment);
  assert.equal(token, 'relay-token');
  assert.equal(standby.requests.get('/live/a/720p/seg-1.m4s'), undefined, 'the standby is not asked');
  assert.equal(stats.upstreamRequests, 1);
  assert.equal(stats.bytesFromUpstream, segment.length);
});

test('a 404 asks the next upstream; every upstream saying 404 is not-found, not a failure', async () => {
  standby.handle('/live/b/master.m3u8', (_request, response) => void response.writeHead(200, { 'content-type': 'application/vnd.apple.mpegurl' }).end('#EXTM3U\n'));
  const upstreams = both();
  const stats = createRelayStats();
  assert.deepEqual(await fetchPath('/live/b/master.m3u8', upstreams, collect().sink, stats), { status: 'ok', upstream: standby.url });
  assert.equal(stats.upstreamNotFound, 1);
  assert.ok(upstreams.states().every((state) => state.up), 'a 404 is an answer: the upstream stays up');
  assert.deepEqual(await fetchPath('/live/nowhere/master.m3u8', upstreams), { status: 'not-found' });
});

test('an upstream answering 5xx or nothing at all is marked down and the next one carries the object', async () => {
  const segment = fakeSegment(1000, 2);
  primary.handle('/live/c/seg-5xx.m4s', (_request, response) => void response.writeHead(503).end('busy'));
  primary.handle('/live/c/seg-silent.m4s', () => {
    // Never answers: the first-byte bound moves on.
  });
  for (const path of ['/live/c/seg-5xx.m4s', '/live/c/seg-silent.m4s']) {
    standby.handle(path, (_request, response) => void response.writeHead(200, { 'content-length': segment.length }).end(segment));
    const upstreams = both();
    const { sink, body } = collect();
    const stats = createRelayStats();
    assert.deepEqual(await fetchPath(path, upstreams, sink, stats), { status: 'ok', upstream: standby.url }, path);
    assert.deepEqual(body(), segment);
    const down = upstreams.states().find((state) => state.url === primary.url)!;
    assert.equal(down.up, false, path);
    assert.match(down.lastError ?? '', path.includes('5xx') ? /HTTP 503/ : /no response within 1500 ms/);
    assert.equal(stats.upstreamFailures, 1);
  }
});

test('a body cut short continues from the standby with a Range request: the sink sees one object, never a restart', async () => {
  const segment = fakeSegment(64 * 1024, 3);
  const cutAt = 20_000;
  primary.handle('/live/d/seg-cut.m4s', (_request, response) => {
    response.writeHead(200, { 'content-length': segment.length });
    response.write(segment.subarray(0, cutAt), () => response.socket?.destroy());
  });
  let range: string | undefined;
  standby.handle('/live/d/seg-cut.m4s', (request, response) => {
    range = request.headers.range;
    const from = Number(/^bytes=(\d+)-$/.exec(range ?? '')?.[1] ?? 0);
    response.writeHead(206, { 'content-range': `bytes ${from}-${segment.length - 1}/${segment.length}`, 'content-length': segment.length - from });
    response.end(segment.subarray(from));
  });
  const { got, sink, body } = collect();
  assert.deepEqual(await fetchPath('/live/d/seg-cut.m4s', both(), sink), { status: 'ok', upstream: standby.url });
  assert.equal(got.headers.length, 1, 'headers once, from the first upstream');
  assert.match(range ?? '', /^bytes=\d+-$/);
  assert.ok(Number(range!.slice(6, -1)) > 0, 'the standby was asked for the rest only');
  assert.deepEqual(body(), segment);
});

test('a standby that answers a Range request with the whole object is refused, not spliced in', async () => {
  const segment = fakeSegment(64 * 1024, 4);
  primary.handle('/live/e/seg.m4s', (_request, response) => {
    response.writeHead(200, { 'content-length': segment.length });
    response.write(segment.subarray(0, 10_000), () => response.socket?.destroy());
  });
  standby.handle('/live/e/seg.m4s', (_request, response) => void response.writeHead(200, { 'content-length': segment.length }).end(segment));
  await assert.rejects(fetchPath('/live/e/seg.m4s'), (error: Error) => {
    assert.ok(error instanceof UpstreamsFailedError);
    assert.match(error.message, /every upstream failed for \/live\/e\/seg\.m4s/);
    assert.match(error.message, /HTTP 200 to a range request/);
    return true;
  });
  // Nor is a 200 that names the right range: only a 206 is a part of the object.
  primary.handle('/live/e/seg-2.m4s', (_request, response) => {
    response.writeHead(200, { 'content-length': segment.length });
    response.write(segment.subarray(0, 10_000), () => response.socket?.destroy());
  });
  standby.handle('/live/e/seg-2.m4s', (request, response) => {
    const from = Number(/^bytes=(\d+)-$/.exec(request.headers.range ?? '')?.[1] ?? 0);
    response.writeHead(200, { 'content-range': `bytes ${from}-${segment.length - 1}/${segment.length}`, 'content-length': segment.length - from });
    response.end(segment.subarray(from));
  });
  await assert.rejects(fetchPath('/live/e/seg-2.m4s'), /HTTP 200 to a range request/);
});

test('every upstream failing is an error naming each one and why; a 404 among them does not make it not-found', async () => {
  primary.handle('/live/f/seg.m4s', (_request, response) => void response.writeHead(500).end());
  await assert.rejects(fetchPath('/live/f/seg.m4s'), (error: Error) => {
    assert.ok(error instanceof UpstreamsFailedError);
    assert.ok(error.message.includes(`${primary.url}: HTTP 500`));
    assert.ok(error.message.includes(`${standby.url}: HTTP 404`));
    return true;
  });
});

test('an object over its bound stops the fetch at once: no other upstream is asked', async () => {
  primary.handle('/live/g/seg.m4s', (_request, response) => {
    response.writeHead(200);
    response.write(fakeSegment(30_000));
  });
  const sink: FetchSink = {
    onHeaders: () => {},
    onChunk: () => {
      throw new ObjectTooLargeError('segment larger than the bound');
    },
  };
  const stats = createRelayStats();
  await assert.rejects(fetchPath('/live/g/seg.m4s', both(), sink, stats), ObjectTooLargeError);
  assert.equal(standby.requests.get('/live/g/seg.m4s'), undefined);
  assert.equal(stats.oversized, 1);
});

test('a flight replays what arrived to a late joiner, then keeps it informed; one that ended tells at once', async () => {
  const flight = createFlight();
  const seen = (name: string, log: string[]) => ({
    onHeaders: (headers: UpstreamHeaders) => void log.push(`${name} headers ${headers.contentType}`),
    onChunk: (chunk: Buffer) => void log.push(`${name} ${chunk.toString()}`),
    onEnd: (result: FlightResult) => void log.push(`${name} end ${result.status}`),
  });
  const log: string[] = [];
  flight.join(seen('early', log));
  flight.headers({ contentType: 'text/plain', cacheControl: 'public, max-age=1' });
  flight.chunk(Buffer.from('ab'));
  const leave = flight.join(seen('late', log));
  flight.chunk(Buffer.from('cd'));
  leave();
  flight.complete();
  flight.join(seen('after', log));
  assert.deepEqual(log, [
    'early headers text/plain',
    'early ab',
    'late headers text/plain',
    'late ab',
    'early cd',
    'late cd',
    'early end complete',
    'after headers text/plain',
    'after ab',
    'after cd',
    'after end complete',
  ]);
  const result = await flight.result;
  assert.equal(result.status, 'complete');
  assert.equal(result.status === 'complete' && result.body.toString(), 'abcd');

  const missing = createFlight();
  missing.end({ status: 'not-found' });
  assert.deepEqual(await missing.result, { status: 'not-found' });
});
