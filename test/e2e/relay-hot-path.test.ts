// The relay's hot path (services/relay/hot-path.ts) answers objects fresh in memory before express,
// with header fields built once per object. These tests hold it to the same HTTP/1.1 the express
// path gives: the same header fields and bytes, pipelined keep-alive requests answered in order
// (hot and not hot mixed on one connection), Connection: close honoured, HEAD and If-None-Match
// still answered for hot objects. Requests go over raw sockets so the bytes on the wire are seen.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { connect, type Socket } from 'node:net';
import { fakeSegment, startFakeUpstream, type FakeUpstream } from '../helpers/fake-upstream.ts';
import { startTestRelay, type TestRelay } from '../helpers/test-relay.ts';

type RawResponse = { status: number; headers: Map<string, string>; body: Buffer };

/** Reads HTTP/1.1 responses off one socket in order; `heads` says which requests were HEAD (no body). */
function readResponses(socket: Socket, heads: boolean[]): Promise<{ responses: RawResponse[]; closed: Promise<void> }> {
  const closed = new Promise<void>((resolve) => socket.once('close', () => resolve()));
  return new Promise((resolve, reject) => {
    let pending = Buffer.alloc(0);
    const responses: RawResponse[] = [];
    const parse = () => {
      for (;;) {
        const end = pending.indexOf('\r\n\r\n');
        if (end < 0) return;
        const [statusLine, ...lines] = pending.subarray(0, end).toString('latin1').split('\r\n');
        const headers = new Map(lines.map((line) => [line.slice(0, line.indexOf(':')).toLowerCase(), line.slice(line.indexOf(':') + 1).trim()] as const));
        const status = Number(statusLine!.split(' ')[1]);
        const length = heads[responses.length] || status === 304 ? 0 : Number(headers.get('content-length'));
        if (!Number.isFinite(length)) return reject(new Error(`no Content-Length in ${statusLine}`));
        if (pending.length < end + 4 + length) return;
        responses.push({ status, headers, body: Buffer.from(pending.subarray(end + 4, end + 4 + length)) });
        pending = pending.subarray(end + 4 + length);
        if (responses.length === heads.length) {
          socket.off('data', onData).off('error', reject).off('close', onClose);
          return resolve({ responses, closed });
        }
      }
    };
    const onData = (chunk: Buffer) => {
      pending = Buffer.concat([pending, chunk]);
      parse();
    };
    const onClose = () => reject(new Error(`connection closed after ${responses.length} of ${heads.length} responses`));
    socket.on('data', onData).on('error', reject).on('close', onClose);
  });
}

/** Sends `requests` (raw HTTP/1.1 heads) on one new connection, all at once (pipelined). */
async function exchange(baseUrl: string, requests: string[]): Promise<{ responses: RawResponse[]; socket: Socket; closed: Promise<void> }> {
  const { hostname, port } = new URL(baseUrl);
  const socket = connect(Number(port), hostname);
  await new Promise<void>((resolve, reject) => socket.once('connect', resolve).once('error', reject));
  const reading = readResponses(
    socket,
    requests.map((request) => request.startsWith('HEAD ')),
  );
  socket.write(requests.join(''));
  return { ...(await reading), socket };
}

const request = (method: string, path: string, extra = '') => `${method} ${path} HTTP/1.1\r\nHost: relay\r\n${extra}\r\n`;

describe('relay hot path', () => {
  let upstream: FakeUpstream;
  let relay: TestRelay;
  const segments = [fakeSegment(300_000, 1), fakeSegment(200_000, 2)];
  const paths = ['/live/hot-lesson/720p/r1-1.m4s', '/live/hot-lesson/720p/r1-2.m4s'];
  const coldPath = '/live/hot-lesson/720p/r1-3.m4s';
  const coldSegment = fakeSegment(50_000, 3);

  before(async () => {
    upstream = await startFakeUpstream();
    for (const [index, path] of [...paths, coldPath].entries()) {
      const body = index < segments.length ? segments[index]! : coldSegment;
      upstream.handle(path, (_request, response) => {
        response.writeHead(200, { 'content-type': 'video/iso.segment', 'cache-control': 'public, max-age=31536000, immutable', 'content-length': body.length });
        response.end(body);
      });
    }
    relay = await startTestRelay([upstream.url]);
    // The first GET of each goes through express (a miss); the relay keeps the object in memory
    // before its last byte reaches us, so every later request for it is a hot one.
    for (const path of paths) assert.equal((await fetch(relay.baseUrl + path).then((response) => response.arrayBuffer())).byteLength > 0, true);
  });
  after(async () => {
    await relay?.stop();
    await upstream?.close();
  });

  it('answers a hot object with the header fields and bytes of the express path', async () => {
    const fresh = fakeSegment(120_000, 9);
    const path = '/live/hot-lesson/720p/r1-9.m4s';
    upstream.handle(path, (_request, response) => {
      response.writeHead(200, { 'content-type': 'video/iso.segment', 'cache-control': 'public, max-age=31536000, immutable', 'content-length': fresh.length });
      response.end(fresh);
    });
    // The miss is streamed from the upstream fetch, before its ETag is known.
    const { responses: miss, socket } = await exchange(relay.baseUrl, [request('GET', path)]);
    socket.destroy();
    // A conditional request that does not match goes through express, answering the cached object whole.
    const { responses, socket: again } = await exchange(relay.baseUrl, [
      request('GET', path, 'If-None-Match: "not-this-one"\r\n'),
      request('GET', path),
      request('GET', `${path}?token=ignored-for-open-lessons`),
    ]);
    again.destroy();
    const [viaExpress, ...hot] = responses as [RawResponse, ...RawResponse[]];
    for (const answer of [miss[0]!, ...responses]) {
      assert.equal(answer.status, 200);
      assert.ok(answer.body.equals(fresh));
    }
    for (const name of ['content-type', 'cache-control', 'access-control-allow-origin', 'etag', 'content-length', 'x-content-type-options', 'cross-origin-resource-policy']) {
      for (const answer of hot) assert.equal(answer.headers.get(name), viaExpress.headers.get(name), name);
    }
    assert.equal(hot[0]!.headers.get('content-type'), miss[0]!.headers.get('content-type'));
    assert.equal(hot[0]!.headers.get('cache-control'), miss[0]!.headers.get('cache-control'));
    assert.equal(hot[0]!.headers.get('content-length'), String(fresh.length));
    assert.match(hot[0]!.headers.get('etag') ?? '', /^"[\w-]+"$/);
    assert.ok(hot[0]!.headers.has('date'));
    assert.equal(upstream.requests.get(path), 1);
  });

  it('answers pipelined keep-alive requests in order, hot and not hot mixed, and keeps the connection open', async () => {
    const { responses, socket } = await exchange(relay.baseUrl, [
      request('GET', paths[0]!),
      request('GET', coldPath),
      request('GET', paths[1]!),
      request('HEAD', paths[0]!),
      request('GET', paths[1]!),
      request('GET', '/live/hot-lesson/720p/not-a-media-file.txt'),
      request('GET', paths[0]!),
    ]);
    assert.deepEqual(
      responses.map((response) => response.status),
      [200, 200, 200, 200, 200, 404, 200],
    );
    assert.ok(responses[0]!.body.equals(segments[0]!));
    assert.ok(responses[1]!.body.equals(coldSegment));
    assert.ok(responses[2]!.body.equals(segments[1]!));
    assert.equal(responses[3]!.headers.get('content-length'), String(segments[0]!.length));
    assert.ok(responses[4]!.body.equals(segments[1]!));
    assert.ok(responses[6]!.body.equals(segments[0]!));
    assert.ok(responses.every((response) => response.headers.get('connection') !== 'close'));
    // Still open: one more request on the same connection is answered.
    const more = readResponses(socket, [false]);
    socket.write(request('GET', paths[1]!));
    const { responses: last, closed } = await more;
    assert.ok(last[0]!.body.equals(segments[1]!));
    socket.destroy();
    await closed;
  });

  it('closes the connection after a hot answer when the client asks for it', async () => {
    const { responses, closed } = await exchange(relay.baseUrl, [request('GET', paths[0]!, 'Connection: close\r\n')]);
    assert.equal(responses[0]!.status, 200);
    assert.equal(responses[0]!.headers.get('connection'), 'close');
    assert.ok(responses[0]!.body.equals(segments[0]!));
    await closed;
  });

  it('still answers HEAD and If-None-Match for a hot object', async () => {
    const { responses: first, socket } = await exchange(relay.baseUrl, [request('GET', paths[1]!)]);
    const etag = first[0]!.headers.get('etag')!;
    const reading = readResponses(socket, [true, false, false]);
    socket.write(request('HEAD', paths[1]!) + request('GET', paths[1]!, `If-None-Match: ${etag}\r\n`) + request('GET', paths[1]!, 'If-None-Match: "something-else"\r\n'));
    const { responses } = await reading;
    socket.destroy();
    assert.equal(responses[0]!.status, 200);
    assert.equal(responses[0]!.body.length, 0);
    assert.equal(responses[0]!.headers.get('content-length'), String(segments[1]!.length));
    assert.equal(responses[0]!.headers.get('etag'), etag);
    assert.equal(responses[1]!.status, 304);
    assert.equal(responses[1]!.body.length, 0);
    assert.equal(responses[2]!.status, 200);
    assert.ok(responses[2]!.body.equals(segments[1]!));
  });
});
