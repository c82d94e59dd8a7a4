// POST /api/v1/qoe against forged reports, on loopback without ffmpeg: made-up viewer ids with no
// viewer session, a protected lesson's reports without its playback token, one address posing as
// hundreds of viewers, and bodies over the limit. Only reports a real watch page could send count.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { createServer, type Server } from 'node:http';
import express from 'express';
import { Registry } from 'prom-client';
import { createLogger, setLogLevel } from '../../services/core/log.ts';
import { signPlaybackToken } from '../../services/core/playback-token.ts';
import { readViewerSession, signViewerSession } from '../../services/core/viewer-session.ts';
import { protectedLessonLabel } from '../../services/stats/lesson-label.ts';
import { qoeService, type QoeService } from '../../services/stats/qoe-routes.ts';
import { createDistinctLimiter } from '../../services/stats/report-limits.ts';
import { createLessonFetchers } from '../../services/stats/lesson-fetchers.ts';
import { newViewerSession } from '../../services/web/viewer-session-meta.ts';

const secrets = ['a-test-secret-of-at-least-thirty-two-characters'];
const publicLesson = 'room-1-20260101-080000';
const protectedLesson = 'room-2-20260101-080000';
/** A lesson this node carries whose playlists this test's address never fetched. */
const unfetchedLesson = 'room-3-20260101-080000';
const nowSeconds = () => Math.floor(Date.now() / 1000);

const session = (viewerId = randomBytes(16).toString('hex'), signWith = secrets) => ({ viewerId, session: signViewerSession(signWith, viewerId, nowSeconds() + 3600) });
const token = (id: string) => signPlaybackToken(secrets, { scope: 'live', id, expiresAt: nowSeconds() + 3600 });

const report = (fields: Record<string, unknown>) => ({
  viewerId: randomBytes(8).toString('hex'),
  lessonId: publicLesson,
  event: 'periodic',
  startupMs: 900,
  playingSeconds: 9,
  stalledSeconds: 0,
  stallCount: 0,
  currentRendition: '720p',
  bitrateKbps: 2000,
  httpBytes: 1000,
  p2pBytesDown: 0,
  p2pBytesUp: 0,
  errors: 0,
  ...fields,
});

describe('forged quality reports', () => {
  let server: Server;
  let qoe: QoeService;
  let register: Registry;
  let baseUrl: string;
  const fetchers = createLessonFetchers();
  before(async () => {
    setLogLevel('error');
    // The viewers here play the two lessons through this tier: their address fetched the playlists.
    for (const lesson of [publicLesson, protectedLesson]) fetchers.note(`/live/${lesson}/720p/index.m3u8?token=x`, '127.0.0.1');
    register = new Registry();
    qoe = qoeService({
      register,
      node: 'test',
      log: createLogger({ role: 'test' }),
      knownLesson: (id) => id === publicLesson || id === protectedLesson || id === unfetchedLesson,
      playback: { secrets },
      lessonProtected: (id) => id === protectedLesson,
      labelOf: (id) => (id === protectedLesson ? protectedLessonLabel('room-2') : id),
      fetchers,
      // Roomy rate limits: what is tested here is who may report, not how often.
      limits: { perIp: { burst: 5000, perSecond: 5000 }, viewersPerIp: 20 },
    });
    const app = express();
    app.use(qoe.router);
    server = createServer(app);
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    baseUrl = `http://127.0.0.1:${(server.address() as { port: number }).port}`;
  });
  after(async () => {
    await qoe?.close();
    server?.closeAllConnections();
    await new Promise((resolve) => server?.close(resolve));
  });

  const post = (body: unknown) =>
    fetch(`${baseUrl}/api/v1/qoe`, { method: 'POST', headers: { 'Content-Type': 'application/json' }, body: typeof body === 'string' ? body : JSON.stringify(body) });
  const viewersOf = async (label: string) => {
    const text = await register.metrics();
    const line = text.split('\n').find((row) => row.startsWith('classcast_viewers{') && row.includes(`lesson="${label}"`));
    return { count: line ? Number(line.split(' ').pop()) : 0, text };
  };

  it('refuses 866 reports with made-up viewer ids and no token for a protected lesson, and counts no viewer', async () => {
    const statuses = new Map<number, number>();
    for (let batch = 0; batch < 866; batch += 100) {
      const answers = await Promise.all(
        Array.from({ length: Math.min(100, 866 - batch) }, () => post(report({ lessonId: protectedLesson }))),
      );
      for (const answer of answers) statuses.set(answer.status, (statuses.get(answer.status) ?? 0) + 1);
    }
    assert.deepEqual([...statuses], [[401, 866]]);
    const { count, text } = await viewersOf(protectedLessonLabel('room-2'));
    assert.equal(count, 0);
    assert.match(text, /classcast_qoe_reports_total\{outcome="forged"\} 866/);
  });

  it('refuses a protected lesson report with a good viewer session but no token, or a token for another lesson', async () => {
    const viewer = session();
    const none = await post(report({ ...viewer, lessonId: protectedLesson }));
    assert.equal(none.status, 403);
    assert.match(((await none.json()) as { error: { message: string } }).error.message, /no playback token/);
    assert.equal((await post(report({ ...viewer, lessonId: protectedLesson, token: token(publicLesson) }))).status, 403);
    assert.equal((await post(report({ ...viewer, lessonId: protectedLesson, token: token(protectedLesson) }))).status, 204);
    const { count, text } = await viewersOf(protectedLessonLabel('room-2'));
    assert.equal(count, 1, 'the viewer with a good token counts');
    assert.ok(!text.includes(protectedLesson), 'the protected lesson is not named in /metrics');
  });

  it("takes a public lesson's report only under a viewer session signed for that viewer id", async () => {
    const viewer = session();
    assert.equal((await post(report({ ...viewer, viewerId: randomBytes(16).toString('hex') }))).status, 401, 'another viewer id than the session');
    assert.equal((await post(report(session(undefined, ['another-secret-of-at-least-thirty-two-chars'])))).status, 401, 'signed with another secret');
    const expired = randomBytes(16).toString('hex');
    assert.equal((await post(report({ viewerId: expired, session: signViewerSession(secrets, expired, nowSeconds() - 1) }))).status, 401, 'expired');
    assert.equal((await post(report(viewer))).status, 204);
    assert.equal((await viewersOf(publicLesson)).count, 1);
  });

  it('refuses a report from an address that never fetched the lesson here', async () => {
    const answer = await post(report({ ...session(), lessonId: unfetchedLesson }));
    assert.equal(answer.status, 403);
    assert.match(((await answer.json()) as { error: { message: string } }).error.message, /has not fetched the lesson/);
    assert.equal((await viewersOf(unfetchedLesson)).count, 0);
  });

  it('lets one address report as a bounded number of viewers at once', async () => {
    const viewers = Array.from({ length: 30 }, () => session());
    const statuses = [];
    for (const viewer of viewers) statuses.push((await post(report(viewer))).status);
    // 20 per address, and this address already reported as 2 viewers above.
    assert.equal(statuses.filter((status) => status === 204).length, 18);
    assert.equal(statuses.filter((status) => status === 429).length, 12);
    assert.equal((await post(report(viewers[0]!))).status, 204, 'a viewer already counted goes on reporting');
  });

  it('answers a body over 4 KB with 413', async () => {
    const answer = await post(report({ ...session(), padding: 'x'.repeat(5000) }));
    assert.equal(answer.status, 413);
  });
});

describe('viewer sessions, lesson fetchers and the distinct-viewer limit, without sockets', () => {
  it('notes who fetched a lesson playlist, for a minute', () => {
    const seen = createLessonFetchers(60_000, 10);
    seen.note('/live/lesson-a/720p/index.m3u8', '10.0.0.1', 0);
    seen.note('/live/lesson-b/720p/r1-3.m4s', '10.0.0.1', 0);
    assert.equal(seen.fetched('lesson-a', '10.0.0.1', 30_000), true);
    assert.equal(seen.fetched('lesson-a', '10.0.0.2', 30_000), false, 'another address');
    assert.equal(seen.fetched('lesson-b', '10.0.0.1', 30_000), false, 'a segment is not a playlist');
    assert.equal(seen.fetched('lesson-a', '10.0.0.1', 61_000), false, 'too long ago');
  });

  it("signs a page's viewer session that reads back to its viewer id, and refuses a tampered one", () => {
    const signed = newViewerSession({ secrets });
    const read = readViewerSession(secrets, signed, nowSeconds());
    assert.ok(read.ok);
    const tampered = signed.replace(/^vs1\.[a-f0-9]/, (prefix) => prefix.slice(0, -1) + (prefix.endsWith('0') ? '1' : '0'));
    assert.deepEqual(readViewerSession(secrets, tampered, nowSeconds()), { ok: false, reason: 'bad signature' });
    assert.equal(newViewerSession(undefined), '');
  });

  it('admits at most n distinct members per key within the window, and makes room as members go silent', () => {
    const limiter = createDistinctLimiter(2, 1000, 10);
    assert.deepEqual([limiter.admit('ip', 'a', 0), limiter.admit('ip', 'b', 0), limiter.admit('ip', 'c', 0)], [true, true, false]);
    assert.equal(limiter.admit('ip', 'a', 500), true);
    assert.equal(limiter.admit('other-ip', 'c', 500), true);
    assert.equal(limiter.admit('ip', 'c', 1200), true, "b went silent for over the window: c takes its place");
    assert.equal(limiter.admit('ip', 'b', 1200), false);
  });
});
