// A player on another origin that sends a header outside the CORS safelist (Range, the playback
// token as a header) first sends a preflight: every media route, on the origin and on a relay in
// front of it, answers it with what may follow, and the request that follows is readable too.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createLogger, setLogLevel } from '../../services/core/log.ts';
import { startHttpServer, type HttpServer } from '../../services/core/http-server.ts';
import { liveRoutes } from '../../services/origin/live-routes.ts';
import { createPlaybackGuard, tokenHeader } from '../../services/media-http/playback-guard.ts';
import { vodRoutes } from '../../services/origin/vod-routes.ts';
import { startTestRelay, type TestRelay } from '../helpers/test-relay.ts';

const paths = [
  '/live/L1/master.m3u8',
  '/live/L1/master-timeshift.m3u8',
  '/live/L1/720p/index.m3u8',
  '/live/L1/720p/hashes-live.json',
  '/live/L1/720p/init-r1-720p.mp4',
  '/live/L1/720p/r1-00007.m4s',
  '/live/no-such-lesson/720p/r1-00001.m4s',
  '/vod/R1/master.m3u8',
  '/vod/R1/720p/index.m3u8',
  '/vod/R1/720p/r1-00001.m4s',
];

async function preflight(url: string, headers = `range, ${tokenHeader}`): Promise<Response> {
  return fetch(url, {
    method: 'OPTIONS',
    headers: { Origin: 'https://watch.example.edu', 'Access-Control-Request-Method': 'GET', 'Access-Control-Request-Headers': headers },
  });
}

describe('CORS preflights on the media routes', () => {
  let dir: string;
  let origin: HttpServer & { baseUrl: string };
  let relay: TestRelay;

  before(async () => {
    setLogLevel('warn');
    dir = await mkdtemp(join(tmpdir(), 'classcast-cors-'));
    await mkdir(join(dir, 'live', 'L1', '720p'), { recursive: true });
    await writeFile(join(dir, 'live', 'L1', 'master.m3u8'), '#EXTM3U\n#EXT-X-VERSION:7\n#EXT-X-STREAM-INF:BANDWIDTH=800000\n720p/index.m3u8\n');
    await mkdir(join(dir, 'vod'), { recursive: true });
    const guard = createPlaybackGuard({ secrets: ['cors-test-secret-of-at-least-32-chars'], tokenTtlSeconds: 3600 });
    const lessonFor = (id: string) => (id === 'L1' ? { segmentSeconds: 2, ended: false } : undefined);
    const server = await startHttpServer({
      host: '127.0.0.1',
      port: 0,
      routers: [liveRoutes(join(dir, 'live'), lessonFor, guard), vodRoutes(join(dir, 'vod'), guard)],
      log: createLogger({ role: 'origin', node: 'cors-test' }),
      health: () => ({}),
    });
    origin = { ...server, baseUrl: `http://127.0.0.1:${server.port}` };
    relay = await startTestRelay([origin.baseUrl]);
  });
  after(async () => {
    await relay?.stop();
    await origin?.close();
    await rm(dir, { recursive: true, force: true });
  });

  for (const tier of ['origin', 'relay'] as const) {
    it(`the ${tier} answers a preflight asking for Range and the token header on every media route, 204`, async () => {
      const base = tier === 'origin' ? origin.baseUrl : relay.baseUrl;
      for (const path of paths) {
        const response = await preflight(`${base}${path}`);
        assert.equal(response.status, 204, `${tier} ${path}`);
        assert.equal(response.headers.get('access-control-allow-origin'), '*', `${tier} ${path}`);
        const methods = (response.headers.get('access-control-allow-methods') ?? '').split(/,\s*/);
        for (const method of ['GET', 'HEAD', 'OPTIONS']) assert.ok(methods.includes(method), `${tier} ${path} allows ${method}: ${methods}`);
        const allowed = (response.headers.get('access-control-allow-headers') ?? '').toLowerCase().split(/,\s*/);
        assert.ok(allowed.includes('range') && allowed.includes(tokenHeader), `${tier} ${path} allows Range and ${tokenHeader}: ${allowed}`);
        assert.ok(Number(response.headers.get('access-control-max-age')) >= 600, `${tier} ${path} Max-Age`);
        assert.equal((await response.text()).length, 0);
      }
    });

    it(`the ${tier}'s GET with those headers after the preflight is readable cross-origin`, async () => {
      const base = tier === 'origin' ? origin.baseUrl : relay.baseUrl;
      const response = await fetch(`${base}/live/L1/master.m3u8`, { headers: { Origin: 'https://watch.example.edu', Range: 'bytes=0-', [tokenHeader]: 'not-needed-here' } });
      assert.ok(response.status === 200 || response.status === 206, `status ${response.status}`);
      assert.equal(response.headers.get('access-control-allow-origin'), '*');
      assert.match(await response.text(), /^#EXTM3U/);
    });
  }

  it('answers no preflight outside the media routes', async () => {
    const response = await preflight(`${origin.baseUrl}/api/v1/lessons`);
    assert.equal(response.headers.get('access-control-allow-headers'), null);
  });
});
