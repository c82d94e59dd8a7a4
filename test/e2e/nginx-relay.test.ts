// Any standard HTTP cache can stand in for a Classcast relay: Debian's stock nginx, configured only
// by deploy/nginx/relay.conf, in front of a real ingest. Chromium plays a lesson whose watch page
// takes all its media from nginx; segments are cached once and kept, the live playlist is not
// held past its max-age=1, a playback token in the query does not split the cache, the standby
// answers when the primary does not, and the last playlist is served while the origin is down.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { chmod, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { delimiter, join } from 'node:path';
import type { Browser } from 'playwright-core';
import { startHttpServer, type HttpServer } from '../../services/core/http-server.ts';
import { createLogger } from '../../services/core/log.ts';
import { parsePlaylist } from '../../services/core/parse-playlist.ts';
import { freePort } from '../../services/core/port-check.ts';
import { pageRoutes, playerIsBuilt } from '../../services/web/pages.ts';
import { buildPlayer } from '../../player/build.ts';
import { launchChromium } from '../helpers/browser.ts';
import { fetchBytes, fetchPlaylist, pushTestPattern } from '../helpers/media.ts';
import { startTestIngest, type TestIngest } from '../helpers/test-ingest.ts';
import { waitFor } from '../helpers/wait-for.ts';
import { openWatchPage, waitForPlayback } from '../helpers/watch-page.ts';
import type { DemoEncoder } from '../../services/demo/demo-encoder.ts';

const key = 'room301-secret-key';
const relayConfig = new URL('../../deploy/nginx/relay.conf', import.meta.url);

/** nginx from NGINX_PATH, /usr/sbin (not on a normal user's PATH) or PATH; a missing nginx fails the test, it is never skipped. */
function findNginx(): string {
  const candidates = process.env.NGINX_PATH
    ? [process.env.NGINX_PATH]
    : ['/usr/sbin/nginx', ...(process.env.PATH ?? '').split(delimiter).filter(Boolean).map((dir) => join(dir, 'nginx'))];
  const found = candidates.find((path) => existsSync(path));
  if (!found) throw new Error(`nginx is not installed (looked for ${candidates.join(', ')}); this test runs the real thing. Install it with \`apt-get install -y nginx-light\` (Debian) or point NGINX_PATH at it`);
  return found;
}

type NginxRelay = { baseUrl: string; accessLog(): Promise<string>; stop(): Promise<void> };

/** Renders relay.conf for loopback ports into a throwaway directory and runs nginx on it as a child process. */
async function startNginxRelay(nginx: string, upstreams: { primary: string; standby: string }): Promise<NginxRelay> {
  const dir = await mkdtemp(join(tmpdir(), 'classcast-nginx-'));
  // Started as root, nginx's worker runs as `nobody`, which must reach the cache under this directory.
  await chmod(dir, 0o755);
  const port = await freePort();
  const values: Record<string, string> = {
    __LISTEN__: `127.0.0.1:${port}`,
    __UPSTREAM_PRIMARY__: upstreams.primary,
    __UPSTREAM_STANDBY__: upstreams.standby,
    __CACHE_DIR__: dir,
    __PID_FILE__: join(dir, 'nginx.pid'),
    __LOG_DIR__: dir,
  };
  let config = await readFile(relayConfig, 'utf8');
  for (const [placeholder, value] of Object.entries(values)) config = config.replaceAll(placeholder, value);
  const left = config.match(/__[A-Z_]+__/g);
  assert.equal(left, null, `relay.conf has placeholders the test does not fill: ${left?.join(', ')}`);
  const configFile = join(dir, 'relay.conf');
  await writeFile(configFile, config);

  // `-e stderr`: messages from before the configuration is read go to the test's output, not /var/log.
  const child = spawn(nginx, ['-e', 'stderr', '-c', configFile], { stdio: ['ignore', 'pipe', 'pipe'] });
  let output = '';
  child.stdout!.on('data', (chunk: Buffer) => (output += chunk.toString()));
  child.stderr!.on('data', (chunk: Buffer) => (output += chunk.toString()));
  const exited = new Promise<number | null>((resolve) => {
    child.once('error', (error) => {
      output += error.message;
      resolve(null);
    });
    child.once('exit', (code) => resolve(code));
  });
  let exitCode: number | null | undefined;
  void exited.then((code) => (exitCode = code));
  // SIGTERM is nginx's fast shutdown: the master stops its workers, then exits. (SIGKILL to the
  // master would leave the workers holding the port.)
  const stop = async () => {
    if (exitCode === undefined) {
      child.kill('SIGTERM');
      const timer = setTimeout(() => child.kill('SIGKILL'), 5_000);
      await exited;
      clearTimeout(timer);
    }
    await rm(dir, { recursive: true, force: true });
  };

  const baseUrl = `http://127.0.0.1:${port}`;
  const errorLog = () => readFile(join(dir, 'error.log'), 'utf8').catch(() => '');
  try {
    await waitFor('nginx to answer', async () => {
      if (exitCode !== undefined) throw new Error(`nginx exited with ${exitCode}: ${output}${await errorLog()}`);
      return (await fetch(`${baseUrl}/`)).status === 404;
    }, 10_000, 100);
  } catch (error) {
    await stop();
    throw error;
  }
  return { baseUrl, accessLog: () => readFile(join(dir, 'access.log'), 'utf8'), stop };
}

type Fetched = { status: number; body: Buffer; cacheStatus: string | null; cacheControl: string | null; allowOrigin: string | null };

async function get(url: string): Promise<Fetched> {
  const response = await fetch(url);
  return {
    status: response.status,
    body: Buffer.from(await response.arrayBuffer()),
    cacheStatus: response.headers.get('x-cache-status'),
    cacheControl: response.headers.get('cache-control'),
    allowOrigin: response.headers.get('access-control-allow-origin'),
  };
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** The number of the newest segment a media playlist lists. */
const lastSegment = (playlist: { mediaSequence?: number; segments: unknown[] }) => (playlist.mediaSequence ?? 0) + playlist.segments.length - 1;

describe('stock nginx with deploy/nginx/relay.conf stands in for a Classcast relay', () => {
  let nginxPath: string;
  let ingest: TestIngest;
  let ingestStopped = false;
  let encoder: DemoEncoder;
  let relay: NginxRelay;
  let standbyRelay: NginxRelay | undefined;
  let web: HttpServer;
  let browser: Browser;
  let lessonId: string;
  const origin = () => ingest.baseUrl;
  const originHost = () => new URL(ingest.baseUrl).host;

  /** A segment the origin published after this call, so nobody has asked nginx for it yet. */
  async function unrequestedSegment(rendition: string): Promise<string> {
    const url = `${origin()}/live/${lessonId}/${rendition}/index.m3u8`;
    const newest = lastSegment(await fetchPlaylist(url));
    return waitFor(`a new ${rendition} segment`, async () => {
      const playlist = await fetchPlaylist(url);
      return lastSegment(playlist) > newest ? `/live/${lessonId}/${rendition}/${playlist.segments.at(-1)!.uri}` : undefined;
    }, 10_000);
  }

  before(async () => {
    nginxPath = findNginx();
    if (!playerIsBuilt()) await buildPlayer();
    ingest = await startTestIngest({ classrooms: [{ id: 'room-301', key }] });
    encoder = pushTestPattern(ingest.rtmpUrl(key), { width: 1280, height: 720, fps: 30, audio: true });
    // The standby is a port nobody listens on: with a healthy primary nginx must never need it.
    relay = await startNginxRelay(nginxPath, { primary: originHost(), standby: `127.0.0.1:${await freePort()}` });
    // The watch page is served apart from the media, as in production: its media base is nginx.
    web = await startHttpServer({
      host: '127.0.0.1',
      port: 0,
      routers: [pageRoutes(() => relay.baseUrl)],
      log: createLogger({ role: 'web', node: 'test' }),
      health: () => ({}),
    });
    browser = await launchChromium();
    lessonId = await waitFor('the lesson to be listed live', async () => {
      const { lessons } = (await (await fetch(`${origin()}/api/v1/ingest/lessons?state=live`)).json()) as { lessons: Array<{ id: string }> };
      return lessons[0]?.id;
    }, 20_000);
    await waitFor('the master playlist through nginx', async () => (await fetch(`${relay.baseUrl}/live/${lessonId}/master.m3u8`)).ok, 20_000);
  });

  after(async () => {
    await browser?.close();
    await web?.close();
    await relay?.stop();
    await standbyRelay?.stop();
    await encoder?.stop();
    if (!ingestStopped) await ingest?.stop();
  });

  it('plays the lesson in Chromium with every media request going through nginx', async () => {
    const page = await openWatchPage(browser, `http://127.0.0.1:${web.port}/watch/${lessonId}`);
    try {
      const playing = await waitForPlayback(page, 5);
      assert.ok(playing.currentTime >= 5, `currentTime ${playing.currentTime}`);
      assert.equal(playing.errors.length, 0, `player errors: ${playing.errors.join('; ')}`);
      const mediaUrls = await page.evaluate(() => performance.getEntriesByType('resource').map((entry) => entry.name).filter((name) => name.includes('/live/')));
      assert.ok(mediaUrls.some((url) => url.endsWith('.m4s')), `the page fetched no segments: ${mediaUrls.join(', ')}`);
      const elsewhere = mediaUrls.filter((url) => !url.startsWith(`${relay.baseUrl}/`));
      assert.deepEqual(elsewhere, [], 'media fetched from somewhere other than nginx');
    } finally {
      await page.close();
    }
    const log = await relay.accessLog();
    assert.match(log, new RegExp(`GET /live/${lessonId}/master\\.m3u8 `));
    assert.match(log, /GET \/live\/[^ ]+\.m4s HTTP\/1\.1" 200 \d+ cache=(MISS|HIT)/);
  });

  it('fetches a segment from the origin once, then serves it from cache with the origin headers and bytes', async () => {
    const path = await unrequestedSegment('480p');
    const direct = await get(`${origin()}${path}`);
    assert.equal(direct.status, 200);
    const first = await get(`${relay.baseUrl}${path}`);
    const second = await get(`${relay.baseUrl}${path}`);
    assert.deepEqual([first.status, second.status], [200, 200]);
    assert.deepEqual([first.cacheStatus, second.cacheStatus], ['MISS', 'HIT']);
    assert.equal(direct.cacheControl, 'public, max-age=31536000, immutable');
    assert.equal(first.cacheControl, direct.cacheControl);
    assert.equal(second.cacheControl, direct.cacheControl);
    assert.equal(second.allowOrigin, '*');
    assert.ok(first.body.equals(direct.body) && second.body.equals(direct.body), 'nginx changed the segment bytes');
  });

  it('serves a segment URL with a playback token in the query from the same cache entry', async () => {
    const path = await unrequestedSegment('360p');
    const plain = await get(`${relay.baseUrl}${path}`);
    const withToken = await get(`${relay.baseUrl}${path}?token=abc`);
    const otherToken = await get(`${relay.baseUrl}${path}?token=xyz&expires=1`);
    assert.deepEqual([plain.cacheStatus, withToken.cacheStatus, otherToken.cacheStatus], ['MISS', 'HIT', 'HIT']);
    assert.ok(withToken.body.equals(plain.body) && otherToken.body.equals(plain.body));
    // Nor does the token reach the origin: nginx asks for the cache key, $uri, alone.
    const init = `/live/${lessonId}/360p/${(await fetchPlaylist(`${origin()}/live/${lessonId}/360p/index.m3u8`)).segments[0]!.map!.uri}`;
    assert.ok((await fetchBytes(`${relay.baseUrl}${init}?token=abc`)).equals(await fetchBytes(`${origin()}${init}`)));
  });

  it('refreshes the live media playlist from the origin within two seconds, so its media sequence advances through nginx', async (t) => {
    const path = `/live/${lessonId}/720p/index.m3u8`;
    // When each segment number first appeared in the origin's playlist.
    const listedAt = new Map<number, number>();
    const seen: Array<{ at: number; cacheStatus: string; last: number }> = [];
    const started = Date.now();
    while (Date.now() - started < 9_000) {
      const response = await fetch(`${relay.baseUrl}${path}`);
      const at = Date.now();
      assert.equal(response.status, 200);
      assert.equal(response.headers.get('cache-control'), 'public, max-age=1');
      seen.push({ at, cacheStatus: response.headers.get('x-cache-status') ?? '', last: lastSegment(parsePlaylist(await response.text())) });
      const originLast = lastSegment(await fetchPlaylist(`${origin()}${path}`));
      const originAt = Date.now();
      for (let number = Math.min(originLast, ...listedAt.keys()); number <= originLast; number++) if (!listedAt.has(number)) listedAt.set(number, originAt);
      await sleep(100);
    }
    const statuses = seen.map((entry) => entry.cacheStatus);
    // How long nginx went on serving a copy without a segment the origin already listed.
    const behind = seen.map((entry) => Math.max(0, entry.at - (listedAt.get(entry.last + 1) ?? Infinity)));
    const summary = seen.map((entry, index) => `+${entry.at - started}ms ${entry.cacheStatus} #${entry.last} behind ${behind[index]}ms`).join('\n');
    // Cached: most requests never reached the origin.
    assert.ok(statuses.filter((status) => status === 'HIT').length > seen.length / 2, `too few HITs:\n${summary}`);
    // Not held: a refresh (anything but a HIT) at least every 2 s plus polling slack. nginx counts
    // max-age=1 in whole seconds of its clock, so it keeps the copy fresh for 1 to 2 s.
    const refreshes = seen.filter((entry) => entry.cacheStatus !== 'HIT').map((entry) => entry.at);
    const marks = [started, ...refreshes, seen.at(-1)!.at];
    const gaps = marks.slice(1).map((at, index) => at - marks[index]!);
    assert.ok(refreshes.length >= 3, `only ${refreshes.length} refreshes in 9 s:\n${summary}`);
    assert.ok(Math.max(...gaps) <= 2_600, `the playlist was held ${Math.max(...gaps)} ms without a refresh:\n${summary}`);
    // The media sequence advances through nginx, and a segment the origin lists reaches nginx's
    // copy within those 2 s plus the one request that is answered from the old copy while it is refreshed.
    const lasts = seen.map((entry) => entry.last);
    assert.ok(Math.max(...lasts) - Math.min(...lasts) >= 3, `the playlist advanced ${Math.max(...lasts) - Math.min(...lasts)} segments in 9 s:\n${summary}`);
    assert.ok(lasts.every((last, index) => index === 0 || last >= lasts[index - 1]!), `the playlist went backwards:\n${summary}`);
    assert.ok(Math.max(...behind) <= 2_600, `nginx served a playlist ${Math.max(...behind)} ms behind the origin:\n${summary}`);
    t.diagnostic(
      `${seen.length} requests, ${seen.length - refreshes.length} HITs, a refresh (${[...new Set(statuses.filter((status) => status !== 'HIT'))].join('/')}) at most ${Math.max(...gaps)} ms apart, ` +
        `${Math.max(...lasts) - Math.min(...lasts)} segments advanced, at most ${Math.max(...behind)} ms behind the origin`,
    );
  });

  it('asks the standby when the primary does not answer', async () => {
    standbyRelay = await startNginxRelay(nginxPath, { primary: `127.0.0.1:${await freePort()}`, standby: originHost() });
    const started = Date.now();
    const master = await get(`${standbyRelay.baseUrl}/live/${lessonId}/master.m3u8`);
    assert.equal(master.status, 200);
    assert.match(master.body.toString(), /^#EXTM3U/);
    assert.equal(master.cacheStatus, 'MISS');
    assert.ok(Date.now() - started < 2_000, `failover took ${Date.now() - started} ms`);
    assert.match(await standbyRelay.accessLog(), new RegExp(`master\\.m3u8 HTTP/1\\.1" 200 \\d+ cache=MISS upstream=127\\.0\\.0\\.1:\\d+, ${originHost().replace(/\./g, '\\.')} upstream_status=502, 200`));
  });

  it('keeps serving the last playlist and cached segments while the origin is down', async () => {
    const path = `/live/${lessonId}/720p/index.m3u8`;
    const before = await get(`${relay.baseUrl}${path}`);
    assert.equal(before.status, 200);
    const segment = `/live/${lessonId}/720p/${(await fetchPlaylist(`${relay.baseUrl}${path}`)).segments.at(-1)!.uri}`;
    await get(`${relay.baseUrl}${segment}`);
    await encoder.stop();
    await ingest.stop();
    ingestStopped = true;
    // Long enough for the playlist to expire, so nginx has to try the (dead) origin and standby.
    await sleep(2_500);
    const playlist = await get(`${relay.baseUrl}${path}`);
    assert.equal(playlist.status, 200);
    assert.match(playlist.cacheStatus ?? '', /^(STALE|UPDATING)$/);
    assert.match(playlist.body.toString(), /^#EXTM3U/);
    const cached = await get(`${relay.baseUrl}${segment}`);
    assert.deepEqual([cached.status, cached.cacheStatus], [200, 'HIT']);
  });
});
