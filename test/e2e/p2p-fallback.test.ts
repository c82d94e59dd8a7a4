// Viewers who cannot or may not share segments still watch the lesson, over HTTP and with no error:
// the tracker unreachable, a browser without WebRTC, peer-to-peer off on the platform, and off for
// one lesson (set through the catalog API). Also what the server puts in the watch page.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { createServer } from 'node:net';
import type { Browser } from 'playwright-core';
import { createAccount } from '../../services/catalog/auth/accounts.ts';
import { createSession } from '../../services/catalog/auth/sessions.ts';
import { catalogApi } from '../../services/catalog/api/catalog-api.ts';
import type { P2pConfig } from '../../services/core/config/schema.ts';
import { resolveConfig } from '../../services/core/config/load.ts';
import { startHttpServer, type HttpServer } from '../../services/core/http-server.ts';
import { createLogger } from '../../services/core/log.ts';
import { pageRoutes, trackerUrlFor } from '../../services/web/pages.ts';
import { fetchPlaylist, pushTestPattern } from '../helpers/media.ts';
import { launchP2pChromium, openViewer, type Viewer, type ViewerOptions, type ViewerStats } from '../helpers/p2p-viewers.ts';
import { startTestIngest, type TestIngest } from '../helpers/test-ingest.ts';
import { startTestRelay, type TestRelay } from '../helpers/test-relay.ts';
import { waitFor } from '../helpers/wait-for.ts';
import type { DemoEncoder } from '../../services/demo/demo-encoder.ts';

const key = 'p2p-fallback-secret';
const log = createLogger({ role: 'test' });

/** A port nothing listens on. */
async function closedPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };
  await new Promise((resolve) => server.close(resolve));
  return port;
}

function metaContent(html: string, name: string): string | undefined {
  return new RegExp(`<meta name="${name}" content="([^"]*)">`).exec(html)?.[1]?.replace(/&quot;/g, '"');
}

describe('playing over HTTP when peer-to-peer cannot or may not be used', () => {
  let ingest: TestIngest;
  let relay: TestRelay;
  let encoder: DemoEncoder;
  let browser: Browser;
  let lessonId: string;
  const servers: HttpServer[] = [];

  /** Serves the watch page (and, when asked, the catalog API) the way a catalog node would, with these P2P settings. */
  async function pageServer(p2p: P2pConfig, withApi = false): Promise<string> {
    const config = resolveConfig([{ source: 'test', values: { databaseUrl: 'memory://', demo: { enabled: false }, p2p } }]);
    const api = withApi ? [catalogApi({ db: ingest.db, config, log, rtmpBase: () => 'rtmp://127.0.0.1/live' })] : [];
    const server = await startHttpServer({ host: '127.0.0.1', port: 0, log, routers: [...api, pageRoutes(() => relay.baseUrl, p2p)], health: () => ({ role: 'catalog' }) });
    servers.push(server);
    return `http://127.0.0.1:${server.port}`;
  }

  /** Opens the page, waits for 4 s of playback, and gives the viewer's counters. */
  async function watch(url: string, options: ViewerOptions = {}): Promise<ViewerStats> {
    const viewer: Viewer = await openViewer(browser, url, options);
    try {
      const start = await waitFor('the video to play', async () => {
        const s = await viewer.stats();
        return s.currentTime > 0 ? s : undefined;
      }, 45_000);
      return await waitFor('4 s of playback', async () => {
        const s = await viewer.stats();
        return s.currentTime >= start.currentTime + 4 ? s : undefined;
      }, 30_000);
    } finally {
      await viewer.close();
    }
  }

  before(async () => {
    ingest = await startTestIngest({ classrooms: [{ id: 'room-p2p-off', key }] }, () => relay.baseUrl);
    relay = await startTestRelay([ingest.baseUrl]);
    encoder = pushTestPattern(ingest.rtmpUrl(key), { width: 640, height: 360, fps: 25 });
    browser = await launchP2pChromium();
    lessonId = await waitFor('the lesson', () => ingest.ingest.lessons.list()[0]?.id);
    await waitFor('the master playlist', () => fetchPlaylist(`${ingest.baseUrl}/live/${lessonId}/master.m3u8`).catch(() => undefined), 30_000);
  });
  after(async () => {
    await browser?.close();
    for (const server of servers) await server.close();
    await encoder?.stop();
    await relay?.stop();
    await ingest?.stop();
  });

  it('puts the relay\'s tracker and the ICE servers in the watch page, and no tracker when P2P is off', async () => {
    assert.equal(trackerUrlFor('http://relay.city.example:8081/'), 'ws://relay.city.example:8081/tracker');
    assert.equal(trackerUrlFor('https://relay.city.example'), 'wss://relay.city.example/tracker');
    const iceServers = [{ urls: 'stun:stun.example.org:3478' }, { urls: ['turn:turn.example.org:3478'], username: 'u', credential: 'c"<&' }];
    const on = await (await fetch(`${await pageServer({ enabled: true, iceServers })}/watch/${lessonId}`)).text();
    assert.equal(metaContent(on, 'classcast-tracker'), `${trackerUrlFor(relay.baseUrl)}`);
    assert.deepEqual(JSON.parse(metaContent(on, 'classcast-ice-servers')!.replace(/&lt;/g, '<').replace(/&amp;/g, '&')), iceServers);
    const elsewhere = await (await fetch(`${await pageServer({ enabled: true, iceServers: [], trackerUrl: 'wss://tracker.example.org/tracker' })}/watch/${lessonId}`)).text();
    assert.equal(metaContent(elsewhere, 'classcast-tracker'), 'wss://tracker.example.org/tracker');
    const off = await (await fetch(`${await pageServer({ enabled: false, iceServers })}/watch/${lessonId}`)).text();
    assert.equal(metaContent(off, 'classcast-tracker'), '');
  });

  it('plays over HTTP with no error when the tracker cannot be reached', async () => {
    // The page is served with p2p.trackerUrl pointing at a port nothing listens on.
    const port = await closedPort();
    const stats = await watch(`${await pageServer({ enabled: true, iceServers: [], trackerUrl: `ws://127.0.0.1:${port}/tracker` })}/watch/${lessonId}`);
    assert.deepEqual(stats.errors, []);
    assert.equal(stats.mode, 'p2p', 'the engine runs, finds no peers');
    assert.equal(stats.peers, 0);
    assert.equal(stats.p2pBytesDown, 0);
    assert.ok(stats.httpBytes > 0);
  });

  it('plays over HTTP with no error in a browser without WebRTC', async () => {
    const stats = await watch(`${ingest.baseUrl}/watch/${lessonId}`, {
      beforeLoad: () => {
        const page = window as unknown as Record<string, unknown>;
        delete page.RTCPeerConnection;
        delete page.webkitRTCPeerConnection;
        delete page.RTCDataChannel;
      },
    });
    assert.deepEqual(stats.errors, []);
    assert.equal(stats.mode, 'http');
    assert.equal(stats.httpOnlyReason, 'no-webrtc');
    assert.ok(stats.httpBytes > 0);
  });

  it('plays over HTTP when the platform has P2P off', async () => {
    const stats = await watch(`${await pageServer({ enabled: false, iceServers: [] })}/watch/${lessonId}`);
    assert.deepEqual(stats.errors, []);
    assert.equal(stats.mode, 'http');
    assert.equal(stats.httpOnlyReason, 'platform-off');
    assert.ok(stats.httpBytes > 0);
  });

  it('plays over HTTP when the lesson has P2P off, as set through the catalog API', async () => {
    const base = await pageServer({ enabled: true, iceServers: [] }, true);
    const operator = await createAccount(ingest.db, { username: 'p2p-operator', password: 'a long enough password', displayName: 'Operator', role: 'operator' });
    const { token } = await createSession(ingest.db, operator.id, 1);
    const lessonUrl = `${base}/api/v1/lessons/${lessonId}`;
    assert.equal(((await (await fetch(lessonUrl)).json()) as { p2pEnabled: boolean }).p2pEnabled, true, 'P2P is on for a lesson by default');
    const patched = await fetch(lessonUrl, { method: 'PATCH', headers: { Authorization: `Bearer ${token}`, 'Content-Type': 'application/json' }, body: JSON.stringify({ p2pEnabled: false }) });
    assert.equal(patched.status, 200, await patched.clone().text());
    assert.equal(((await patched.json()) as { p2pEnabled: boolean }).p2pEnabled, false);
    const invalid = await fetch(lessonUrl, { method: 'PATCH', headers: { Authorization: `Bearer ${token}`, 'Content-Type': 'application/json' }, body: JSON.stringify({ p2pEnabled: 'no' }) });
    assert.equal(invalid.status, 400);

    const stats = await watch(`${base}/watch/${lessonId}`);
    assert.deepEqual(stats.errors, []);
    assert.equal(stats.mode, 'http');
    assert.equal(stats.httpOnlyReason, 'lesson-off');
    assert.ok(stats.httpBytes > 0);
  });
});
