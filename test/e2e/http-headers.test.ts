// Every Classcast HTTP server sends the security headers, and keeps media fetchable from other
// origins (a watch page on the province plays through a city relay on another port). The web pages
// carry a Content-Security-Policy naming what each may reach; JSON and media answers carry none.
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { after, before, describe, it } from 'node:test';
import { dashboardStyles } from '../../player/src/dashboard/dashboard-styles.ts';
import { pageContentSecurityPolicy } from '../../services/web/page-csp.ts';
import { pageRoutes } from '../../services/web/pages.ts';
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

describe('the web pages\' Content-Security-Policy', () => {
  let pages: HttpServer;
  const relay = 'https://relay-north.example.edu:8443';
  before(async () => {
    const p2p = { enabled: true, iceServers: [], trackerUrl: 'wss://tracker.example.edu/tracker' };
    pages = await startHttpServer({ host: '127.0.0.1', port: 0, routers: [pageRoutes(() => relay, p2p)], log: createLogger({ role: 'test' }), health: () => ({}) });
  });
  after(() => pages.close());
  const policyOf = async (path: string) => {
    const response = await fetch(`http://127.0.0.1:${pages.port}${path}`);
    await response.arrayBuffer();
    return { status: response.status, policy: response.headers.get('content-security-policy') };
  };
  const directives = (policy: string | null) => new Map((policy ?? '').split('; ').map((part) => [part.split(' ')[0]!, part.split(' ').slice(1)]));

  it('lets the app pages run scripts and styles from this server only, and reach nothing else', async () => {
    for (const path of ['/', '/login', '/setup', '/school', '/admin', '/dashboard']) {
      const { status, policy } = await policyOf(path);
      assert.equal(status, 200, path);
      const parsed = directives(policy);
      assert.deepEqual(parsed.get('script-src'), ["'self'"], path);
      assert.deepEqual(parsed.get('connect-src'), ["'self'"], path);
      assert.deepEqual(parsed.get('object-src'), ["'none'"]);
      assert.deepEqual(parsed.get('frame-ancestors'), ["'none'"]);
      assert.deepEqual(parsed.get('base-uri'), ["'self'"]);
      assert.deepEqual(parsed.get('img-src'), ["'self'", 'data:'], path);
      assert.ok(parsed.get('worker-src')?.includes('blob:'));
    }
    // The dashboard's own <style> element, by the hash of its text, and on no other page.
    const dashboard = directives((await policyOf('/dashboard')).policy).get('style-src')!;
    const hash = `'sha256-${createHash('sha256').update(dashboardStyles).digest('base64')}'`;
    assert.deepEqual(dashboard, ["'self'", hash]);
    assert.deepEqual(directives((await policyOf('/')).policy).get('style-src'), ["'self'"]);
  });

  it('lets the watch page reach the relay and the tracker it is given, and the replay page the relay', async () => {
    const watch = directives((await policyOf('/watch/room-1-lesson')).policy);
    assert.deepEqual(watch.get('connect-src'), ["'self'", relay, 'wss://tracker.example.edu']);
    assert.deepEqual(watch.get('media-src'), ["'self'", 'blob:', relay]);
    // Posters and seek-bar thumbnails come from the relay too.
    assert.deepEqual(watch.get('img-src'), ["'self'", 'data:', relay]);
    const replay = directives((await policyOf('/replay/room-1-lesson-rec1')).policy);
    assert.deepEqual(replay.get('connect-src'), ["'self'", relay]);
    assert.deepEqual(replay.get('script-src'), ["'self'"]);
  });

  it('puts no policy on JSON answers', async () => {
    assert.equal((await policyOf('/healthz')).policy, null);
    const missing = await policyOf('/no-such-page');
    assert.equal(missing.status, 404);
    assert.equal(missing.policy, null);
  });

  it('names only well-formed origins of the right schemes', () => {
    const policy = directives(
      pageContentSecurityPolicy({ media: ['', '/relative', 'javascript:alert(1)', 'http://relay.example:8080/base/'], sockets: ['http://not-a-socket.example', 'ws://tracker.example:9000/tracker?x=1'] }),
    );
    assert.deepEqual(policy.get('connect-src'), ["'self'", 'http://relay.example:8080', 'ws://tracker.example:9000']);
    assert.deepEqual(policy.get('media-src'), ["'self'", 'blob:', 'http://relay.example:8080']);
  });
});
