// Every Classcast HTTP server sends the security headers, and keeps media fetchable from other
// origins (a watch page on the province plays through a city relay on another port).
import assert from 'node:assert/strict';
import { after, before, it } from 'node:test';
import { startHttpServer, type HttpServer } from '../../services/core/http-server.ts';
import { createLogger, setLogLevel } from '../../services/core/log.ts';

let server: HttpServer;
before(async () => {
  setLogLevel('warn');
  server = await startHttpServer({ host: '127.0.0.1', port: 0, routers: [], log: createLogger({ role: 'test' }), health: () => ({}) });
});
after(() => server.close());

it('sends helmet security headers, with cross-origin resources allowed and no x-powered-by', async () => {
  const response = await fetch(`http://127.0.0.1:${server.port}/healthz`);
  assert.equal(response.status, 200);
  assert.equal(response.headers.get('x-content-type-options'), 'nosniff');
  assert.equal(response.headers.get('x-frame-options'), 'SAMEORIGIN');
  assert.equal(response.headers.get('referrer-policy'), 'no-referrer');
  assert.equal(response.headers.get('cross-origin-resource-policy'), 'cross-origin');
  assert.equal(response.headers.get('x-powered-by'), null);
  assert.equal(response.headers.get('strict-transport-security'), null);
});
