// The watch, time-shift and replay pages name every relay the player may move to
// (<meta name="classcast-relays">), each with the tracker beside it, and their policy lets the page
// reach all of them; web.mediaUrls is where a province lists them.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { resolveConfig } from '../../services/core/config/load.ts';
import { startHttpServer, type HttpServer } from '../../services/core/http-server.ts';
import { createLogger, setLogLevel } from '../../services/core/log.ts';
import { pageRoutes } from '../../services/web/pages.ts';

const relays = ['http://city-1.example:8081', 'https://city-2.example'];

describe('pages naming a list of relays', () => {
  let pages: HttpServer;
  let sharedTracker: HttpServer;
  before(async () => {
    setLogLevel('warn');
    const log = createLogger({ role: 'test' });
    pages = await startHttpServer({ host: '127.0.0.1', port: 0, routers: [pageRoutes(() => relays)], log, health: () => ({}) });
    sharedTracker = await startHttpServer({ host: '127.0.0.1', port: 0, routers: [pageRoutes(() => relays, { enabled: true, iceServers: [], trackerUrl: 'wss://tracker.example/tracker' })], log, health: () => ({}) });
  });
  after(async () => {
    await pages.close();
    await sharedTracker.close();
  });

  const open = async (server: HttpServer, path: string) => {
    const response = await fetch(`http://127.0.0.1:${server.port}${path}`);
    const html = await response.text();
    const meta = (name: string) => new RegExp(`<meta name="${name}" content="([^"]*)">`).exec(html)?.[1]?.replace(/&quot;/g, '"').replace(/&lt;/g, '<').replace(/&amp;/g, '&');
    const policy = new Map((response.headers.get('content-security-policy') ?? '').split('; ').map((part) => [part.split(' ')[0]!, part.split(' ').slice(1)]));
    return { status: response.status, meta, policy };
  };

  it('gives the watch page every relay in order with the tracker beside each, and allows them all', async () => {
    const { status, meta, policy } = await open(pages, '/watch/lesson-1');
    assert.equal(status, 200);
    assert.deepEqual(JSON.parse(meta('classcast-relays')!), [
      { media: 'http://city-1.example:8081', tracker: 'ws://city-1.example:8081/tracker' },
      { media: 'https://city-2.example', tracker: 'wss://city-2.example/tracker' },
    ]);
    assert.equal(meta('classcast-media-base'), relays[0]);
    assert.equal(meta('classcast-tracker'), 'ws://city-1.example:8081/tracker');
    assert.deepEqual(policy.get('media-src'), ["'self'", 'blob:', ...relays]);
    assert.deepEqual(policy.get('connect-src'), ["'self'", ...relays, 'ws://city-1.example:8081', 'wss://city-2.example']);
  });

  it('gives every relay the configured tracker when there is one', async () => {
    const { meta, policy } = await open(sharedTracker, '/watch/lesson-1');
    assert.deepEqual(JSON.parse(meta('classcast-relays')!).map((relay: { tracker: string }) => relay.tracker), ['wss://tracker.example/tracker', 'wss://tracker.example/tracker']);
    assert.deepEqual(policy.get('connect-src'), ["'self'", ...relays, 'wss://tracker.example']);
  });

  it('names the master playlist on the first relay and every relay, without trackers, on the replay page', async () => {
    const { status, meta, policy } = await open(pages, '/replay/rec-1');
    assert.equal(status, 200);
    assert.equal(meta('classcast-master-url'), `${relays[0]}/vod/rec-1/master.m3u8`);
    assert.deepEqual(JSON.parse(meta('classcast-relays')!), relays.map((media) => ({ media, tracker: '' })));
    assert.deepEqual(policy.get('connect-src'), ["'self'", ...relays]);
  });

  it('sends the old time-shift page to the watch page, keeping the query, and names no master playlist on /watch', async () => {
    const answer = await fetch(`http://127.0.0.1:${pages.port}/timeshift/lesson-1?lang=en&t=30`, { redirect: 'manual' });
    assert.equal(answer.status, 301);
    assert.equal(answer.headers.get('location'), '/watch/lesson-1?lang=en&t=30');
    assert.equal((await fetch(`http://127.0.0.1:${pages.port}/timeshift/..%2Fx`, { redirect: 'manual' })).status, 400);
    const { meta } = await open(pages, '/watch/lesson-1');
    assert.equal(meta('classcast-master-url'), undefined);
  });

  it('plays from its own server when no relay is named', async () => {
    const log = createLogger({ role: 'test' });
    const own = await startHttpServer({ host: '127.0.0.1', port: 0, routers: [pageRoutes()], log, health: () => ({}) });
    try {
      const { meta, policy } = await open(own, '/watch/lesson-1');
      assert.equal(meta('classcast-relays'), '[]');
      assert.equal(meta('classcast-media-base'), '');
      assert.deepEqual(policy.get('media-src'), ["'self'", 'blob:']);
    } finally {
      await own.close();
    }
  });
});

describe('web.mediaUrls', () => {
  it('is empty by default and takes http(s) base URLs', () => {
    assert.deepEqual(resolveConfig([]).web.mediaUrls, []);
    assert.deepEqual(resolveConfig([{ source: 'test', values: { web: { mediaUrls: relays } } }]).web.mediaUrls, relays);
  });

  it('refuses anything but scheme://host[:port], naming the option', () => {
    for (const url of ['ftp://relay.example', 'http://relay.example/live', 'http://relay.example/', 'relay.example:8081', 'http://user@relay.example', 'http://relay.example?x=1']) {
      assert.throws(() => resolveConfig([{ source: 'test', values: { web: { mediaUrls: [url] } } }]), /web\.mediaUrls\.0.*http\(s\):\/\/host\[:port\]/s, url);
    }
  });
});
