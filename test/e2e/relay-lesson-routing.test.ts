// A relay in front of two origins that carry DIFFERENT lessons (a province origin in front of two
// ingest nodes): each lesson is found on the origin carrying it and served byte for byte, its
// carrier is asked first once known, a lesson on neither is 404, a 404 marks nothing down, and a
// lesson that moves from one origin to the other keeps being served.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtemp, readFile, rename, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Router } from 'express';
import { startHttpServer, type HttpServer } from '../../services/core/http-server.ts';
import { createLogger } from '../../services/core/log.ts';
import { parsePlaylist } from '../../services/core/parse-playlist.ts';
import { liveRoutes } from '../../services/origin/live-routes.ts';
import { createPlaybackGuard } from '../../services/media-http/playback-guard.ts';
import { fetchBytes, probeSegment } from '../helpers/media.ts';
import { writeRecordedLesson } from '../helpers/recorded-lesson.ts';
import { startTestRelay, type TestRelay } from '../helpers/test-relay.ts';
import { waitFor } from '../helpers/wait-for.ts';

type CountingOrigin = HttpServer & { baseUrl: string; liveDir: string; askedFor(lesson: string): number; asked(path: string): number };

/** A real origin (the same live routes ingest serves) over `liveDir`, counting the requests it gets. */
async function startCountingOrigin(liveDir: string, node: string): Promise<CountingOrigin> {
  const requests: string[] = [];
  const counter = Router().use((request, _response, next) => {
    requests.push(request.path);
    next();
  });
  // Live lessons: playlists expire within a second, so the relay asks again after the move.
  const lessonFor = () => ({ segmentSeconds: 2, ended: false });
  const guard = createPlaybackGuard({ secrets: ['test-origin-secret-of-at-least-32-chars'], tokenTtlSeconds: 3600 });
  const server = await startHttpServer({ host: '127.0.0.1', port: 0, routers: [counter, liveRoutes(liveDir, lessonFor, guard)], log: createLogger({ role: 'origin', node }), health: () => ({ role: 'origin' }) });
  return {
    ...server,
    baseUrl: `http://127.0.0.1:${server.port}`,
    liveDir,
    askedFor: (lesson) => requests.filter((path) => path.startsWith(`/live/${lesson}/`)).length,
    asked: (path) => requests.filter((asked) => asked === path).length,
  };
}

type Health = { upstreams: Array<{ url: string; up: boolean; lastError?: string }> };

describe('a relay whose upstreams carry different lessons', () => {
  let dir1: string;
  let dir2: string;
  let origin1: CountingOrigin;
  let origin2: CountingOrigin;
  let relay: TestRelay;
  const segmentsOf = new Map<string, string[]>();

  const health = async () => (await (await fetch(`${relay.baseUrl}/healthz`)).json()) as Health;
  const sameBytes = async (path: string, liveDir: string) => {
    const through = await fetchBytes(relay.baseUrl + path);
    assert.ok(through.equals(await readFile(join(liveDir, path.slice('/live/'.length)))), `${path} differs from the origin's file`);
    return through;
  };
  /** The playlist's segment paths in order (the time-shift list: it names them all and is not followed). */
  const segmentPaths = async (lesson: string, liveDir: string) => {
    const text = (await sameBytes(`/live/${lesson}/360p/timeshift.m3u8`, liveDir)).toString('utf8');
    return parsePlaylist(text).segments.map((segment) => `/live/${lesson}/360p/${segment.uri}`);
  };

  before(async () => {
    dir1 = await mkdtemp(join(tmpdir(), 'classcast-origin-1-'));
    dir2 = await mkdtemp(join(tmpdir(), 'classcast-origin-2-'));
    // Real media from ffmpeg: lesson-one only on origin 1, lesson-two only on origin 2.
    await Promise.all([writeRecordedLesson(join(dir1, 'lesson-one'), 5), writeRecordedLesson(join(dir2, 'lesson-two'), 5)]);
    origin1 = await startCountingOrigin(dir1, 'origin-1');
    origin2 = await startCountingOrigin(dir2, 'origin-2');
    relay = await startTestRelay([origin1.baseUrl, origin2.baseUrl], { prefetchIdleSeconds: 1 });
  });
  after(async () => {
    await relay?.stop();
    await origin1?.close();
    await origin2?.close();
    for (const dir of [dir1, dir2]) if (dir) await rm(dir, { recursive: true, force: true });
  });

  it('serves each lesson from the origin carrying it, byte for byte, asking its carrier first once known', async () => {
    // lesson-one, on the first upstream: found at once, the second upstream never hears of it.
    await sameBytes('/live/lesson-one/master.m3u8', dir1);
    const one = await segmentPaths('lesson-one', dir1);
    segmentsOf.set('lesson-one', one);
    assert.ok(one.length >= 4, `lesson-one has ${one.length} segments`);
    await sameBytes('/live/lesson-one/360p/init-r1-360p.mp4', dir1);
    // Only the first two: the rest are fetched after the lesson moves.
    for (const path of one.slice(0, 2)) await sameBytes(path, dir1);
    assert.equal(origin2.askedFor('lesson-one'), 0);

    // lesson-two, on the second upstream: the first upstream says 404 once, for its first object.
    await sameBytes('/live/lesson-two/master.m3u8', dir2);
    assert.equal(origin1.askedFor('lesson-two'), 1);
    assert.equal(relay.relay.stats.upstreamNotFound, 1);
    const metrics = await (await fetch(`${relay.baseUrl}/metrics`)).text();
    assert.match(metrics, /^classcast_relay_upstream_not_found_total\{[^}]*\} 1$/m);
    // A viewer's playlist makes the relay prefetch the lesson's segments: from its carrier too.
    await sameBytes('/live/lesson-two/360p/index.m3u8', dir2);
    await waitFor('the relay to prefetch lesson-two', () => relay.relay.stats.prefetched > 0, 10_000);
    const two = await segmentPaths('lesson-two', dir2);
    segmentsOf.set('lesson-two', two);
    const init = await sameBytes('/live/lesson-two/360p/init-r1-360p.mp4', dir2);
    for (const path of two) await sameBytes(path, dir2);
    for (const path of two) assert.equal(origin2.asked(path), 1, `${path}: one upstream request (single flight, then cache)`);
    assert.equal(origin1.askedFor('lesson-two'), 1, 'origin 1 heard of lesson-two only for its first object');
    assert.equal(relay.relay.stats.upstreamNotFound, 1);

    // What came through the relay is real media.
    const probe = await probeSegment(init, await fetchBytes(relay.baseUrl + two[0]));
    assert.ok(probe.firstVideoFrameIsKey && probe.hasAudio && probe.width === 320, JSON.stringify(probe));
    assert.equal(relay.relay.stats.upstreamFailures, 0);
    assert.ok((await health()).upstreams.every((upstream) => upstream.up));
  });

  it('answers 404 JSON for a lesson on neither upstream, after asking both, and marks neither down', async () => {
    const response = await fetch(`${relay.baseUrl}/live/lesson-nowhere/master.m3u8`);
    assert.equal(response.status, 404);
    assert.match(response.headers.get('content-type') ?? '', /application\/json/);
    assert.equal(response.headers.get('cache-control'), 'public, max-age=1', 'the short negative caching stays');
    const body = (await response.json()) as { error: { status: number; message: string; hint?: string } };
    assert.equal(body.error.status, 404);
    assert.ok(body.error.message && body.error.hint, JSON.stringify(body));
    assert.equal(origin1.askedFor('lesson-nowhere'), 1);
    assert.equal(origin2.askedFor('lesson-nowhere'), 1);
    const { upstreams } = await health();
    assert.deepEqual(
      upstreams.map((upstream) => [upstream.url, upstream.up]),
      [
        [origin1.baseUrl, true],
        [origin2.baseUrl, true],
      ],
    );
    assert.equal(relay.relay.stats.upstreamFailures, 0);
  });

  it('keeps serving a lesson that moves from origin 1 to origin 2, then asks origin 2 first', async () => {
    const askedBefore = origin1.askedFor('lesson-one');
    // Origin 1 stops carrying lesson-one; origin 2 now has the very same files.
    await rename(join(dir1, 'lesson-one'), join(dir2, 'lesson-one'));
    const rest = segmentsOf.get('lesson-one')!.slice(2);
    for (const path of rest) await sameBytes(path, dir2);
    // At most once so far: the relay follows the live playlist of a lesson whose time-shift playlist
    // is watched and may hold these segments already (prefetched before the move).
    assert.ok(origin1.askedFor('lesson-one') - askedBefore <= 1, 'origin 1 was asked at most once after the move');
    // Its playlists expire within a second; asked again, they come from origin 2 first.
    await new Promise((resolve) => setTimeout(resolve, 1200));
    await sameBytes('/live/lesson-one/360p/timeshift.m3u8', dir2);
    await sameBytes('/live/lesson-one/360p/index.m3u8', dir2);
    assert.equal(origin1.askedFor('lesson-one') - askedBefore, 1, 'origin 1 was asked once after the move, then no more');
    assert.ok((await health()).upstreams.every((upstream) => upstream.up), 'moving a lesson marks nothing down');

    // With origin 1 gone, both lessons still play from origin 2, which is asked first for them.
    await origin1.close();
    await new Promise((resolve) => setTimeout(resolve, 1200));
    await sameBytes('/live/lesson-one/360p/timeshift.m3u8', dir2);
    await sameBytes('/live/lesson-two/360p/timeshift.m3u8', dir2);
    assert.ok((await health()).upstreams[0]!.up, 'origin 1 was not even asked');

    // A lesson on neither, while origin 1 cannot answer: origin 1 might carry it, so 502, not 404.
    const unknown = await fetch(`${relay.baseUrl}/live/lesson-elsewhere/master.m3u8`);
    assert.equal(unknown.status, 502);
    assert.equal(unknown.headers.get('cache-control'), 'no-store');
    const after = await health();
    assert.equal(after.upstreams[0]!.up, false, 'origin 1 failed, so it is set aside');
    assert.equal(after.upstreams[1]!.up, true, 'origin 2 said 404: still up');
  });
});
