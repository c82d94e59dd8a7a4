// The HTTP server every role uses, against slow clients on loopback: headers or a body sent a byte
// at a time are cut off with 408 within the bounds, while an idle keep-alive connection still works.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { connect, type Socket } from 'node:net';
import express from 'express';
import { createLogger, setLogLevel } from '../../services/core/log.ts';
import { httpTimeouts, startHttpServer, type HttpServer } from '../../services/core/http-server.ts';

/** Writes `text` a byte every `everyMs` until done or the server closes; resolves with what the server said and when. */
function trickle(port: number, head: string, text: string, everyMs: number): Promise<{ answer: string; afterMs: number }> {
  return new Promise((resolve) => {
    const startedAt = Date.now();
    const socket: Socket = connect(port, '127.0.0.1');
    let answer = '';
    let index = 0;
    socket.on('data', (chunk) => (answer += chunk.toString('latin1')));
    socket.on('error', () => {});
    socket.on('close', () => {
      clearInterval(timer);
      resolve({ answer, afterMs: Date.now() - startedAt });
    });
    socket.write(head);
    const timer = setInterval(() => {
      if (index < text.length && !socket.destroyed) socket.write(text[index++]!);
      // A bound in time whatever the server does.
      if (Date.now() - startedAt > 15_000) socket.destroy();
    }, everyMs);
  });
}

describe('http server timeouts', () => {
  let server: HttpServer;
  before(async () => {
    setLogLevel('error');
    const router = express.Router();
    router.post('/echo', express.text({ type: () => true }), (request, response) => void response.send(`got ${String(request.body).length}`));
    server = await startHttpServer({
      host: '127.0.0.1',
      port: 0,
      routers: [router],
      log: createLogger({ role: 'test' }),
      health: () => ({}),
      timeouts: { headersMs: 1000, requestMs: 2000, checkIntervalMs: 200 },
    });
  });
  after(async () => server?.close());

  it('has bounds by default, headers well under the whole request', () => {
    assert.ok(httpTimeouts.headersMs <= 15_000 && httpTimeouts.requestMs <= 180_000 && httpTimeouts.headersMs < httpTimeouts.requestMs);
  });

  it('answers 408 to a body sent a byte at a time', async () => {
    const body = 'x'.repeat(200);
    const { answer, afterMs } = await trickle(server.port, `POST /echo HTTP/1.1\r\nHost: x\r\nContent-Length: ${body.length}\r\n\r\n`, body, 100);
    assert.match(answer, /^HTTP\/1\.1 408/);
    assert.ok(afterMs < 4000, `cut after ${afterMs} ms`);
  });

  it('answers 408 to headers sent a byte at a time', async () => {
    const { answer, afterMs } = await trickle(server.port, 'GET /healthz HTTP/1.1\r\n', 'Host: x\r\nX-Slow: ' + 'y'.repeat(200) + '\r\n\r\n', 100);
    assert.match(answer, /^HTTP\/1\.1 408/);
    assert.ok(afterMs < 3000, `cut after ${afterMs} ms`);
  });

  it('serves a request on a keep-alive connection that sat idle longer than the bounds', async () => {
    const socket = connect(server.port, '127.0.0.1');
    let answer = '';
    socket.on('data', (chunk) => (answer += chunk.toString('latin1')));
    const request = 'POST /echo HTTP/1.1\r\nHost: x\r\nContent-Length: 3\r\n\r\nabc';
    socket.write(request);
    await new Promise((resolve) => setTimeout(resolve, 300));
    assert.match(answer, /got 3$/);
    answer = '';
    await new Promise((resolve) => setTimeout(resolve, 2600));
    socket.write(request);
    await new Promise((resolve) => setTimeout(resolve, 300));
    socket.destroy();
    assert.match(answer, /^HTTP\/1\.1 200[\s\S]*got 3$/);
  });
});
