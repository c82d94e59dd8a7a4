// Time-shift, recording and replay end to end: a classroom pushes the demo source (its wall-clock
// time burned into every frame) in low latency mode; while the lesson is live, Chromium seeks back
// to 10 s after its start on the time-shift page and reads the clock off the picture; after the
// lesson ends, its recording is a replay that plays to its end, lasts as long as the lesson did,
// is served through a relay as immutable files, and downloads as an MP4 that ffprobe accepts.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import type { Browser, Page } from 'playwright-core';
import { catalogApi } from '../../services/catalog/api/catalog-api.ts';
import { createAccount } from '../../services/catalog/auth/accounts.ts';
import { createSession } from '../../services/catalog/auth/sessions.ts';
import { findMediaTool } from '../../services/core/ffmpeg-binary.ts';
import { vodRoutes } from '../../services/origin/vod-routes.ts';
import { startIngestRole, type IngestRole } from '../../services/roles/ingest.ts';
import { pageRoutes } from '../../services/web/pages.ts';
import { replayPageRoutes } from '../../services/web/replay-pages.ts';
import { readClock } from '../../scripts/bench/read-clock-in-page.ts';
import type { DemoEncoder } from '../../services/demo/demo-encoder.ts';
import { launchChromium } from '../helpers/browser.ts';
import { fetchBytes, fetchPlaylist, pushTestPattern } from '../helpers/media.ts';
import { startTestRelay, type TestRelay } from '../helpers/test-relay.ts';
import { catalogIngestSetup, type CatalogIngestSetup } from '../helpers/catalog-ingest-setup.ts';
import { waitFor } from '../helpers/wait-for.ts';
import { stopAll } from '../helpers/stop-all.ts';
import { openWatchPage, waitForPlayback } from '../helpers/watch-page.ts';

const run = promisify(execFile);
const key = 'room301-secret-key';
/** Low latency mode: 1 s segments, so "within a segment" is within a second. */
const segmentMs = 1000;

type VideoState = { currentTime: number; duration: number; seekableStart: number; seekableEnd: number; paused: boolean; ended: boolean };

const videoState = (page: Page): Promise<VideoState> =>
  page.evaluate(() => {
    const video = document.querySelector('video')!;
    const seekable = video.seekable;
    return {
      currentTime: video.currentTime,
      duration: video.duration,
      seekableStart: seekable.length ? seekable.start(0) : 0,
      seekableEnd: seekable.length ? seekable.end(seekable.length - 1) : 0,
      paused: video.paused,
      ended: video.ended,
    };
  });

/** Pauses, seeks to `position` (seconds on the video's timeline) and reads the clock of the frame shown there. */
async function clockAt(page: Page, position: number): Promise<{ position: number; frameMadeAt: number }> {
  await page.evaluate(async (target) => {
    const video = document.querySelector('video')!;
    video.pause();
    const seeked = new Promise((resolve) => video.addEventListener('seeked', resolve, { once: true }));
    video.currentTime = target;
    await seeked;
  }, position);
  return waitFor(`a readable clock at ${position.toFixed(1)} s`, async () => {
    const state = await videoState(page);
    const reading = await readClock(page);
    return reading && Math.abs(state.currentTime - position) < 0.5 ? { position: state.currentTime, frameMadeAt: reading.frameMadeAt } : undefined;
  }, 20_000);
}

describe('time-shift during a live lesson, then its replay and MP4', () => {
  let setup: CatalogIngestSetup;
  let ingest: IngestRole;
  let relay: TestRelay;
  let encoder: DemoEncoder | undefined;
  let browser: Browser;
  let base: string;
  let operatorToken: string;
  let lessonId: string;
  let liveSeconds: number;
  let recordingId: string;
  let replaySeconds: number;

  before(async () => {
    setup = await catalogIngestSetup('classcast-replay-', {
      classrooms: [{ id: 'room-301', key }],
      // A short grace period so the lesson ends soon after its encoder stops.
      ingest: { latencyMode: 'low', reconnectGraceSeconds: 2 },
    });
    const { config, log, db } = setup;
    const context = { db, config, log, rtmpBase: () => 'rtmp://127.0.0.1/live' };
    ingest = await startIngestRole(config, log, { db, routers: [catalogApi(context), pageRoutes(), replayPageRoutes(), vodRoutes(join(setup.dataDir, 'vod'))] });
    base = `http://127.0.0.1:${ingest.httpPort}`;
    relay = await startTestRelay([base]);
    const operator = await createAccount(db, { username: 'replay-operator', password: 'correct horse battery', displayName: 'Operator', role: 'operator', schoolId: null });
    operatorToken = (await createSession(db, operator.id, 1)).token;
    encoder = pushTestPattern(`rtmp://127.0.0.1:${ingest.ingest.rtmpPort}/live/${key}`, { width: 640, height: 360, fps: 30, audio: true });
    browser = await launchChromium();
  });

  after(() => stopAll(browser, encoder, relay, ingest, setup));

  it('while the lesson is live, seeking to 10 s after its start shows the picture made then', async () => {
    lessonId = await waitFor('the lesson to go live', async () => ingest.ingest.lessons.list().find((lesson) => lesson.state === 'live')?.id, 20_000);
    // The time-shift playlist holds the whole lesson: wait until it is comfortably past 10 s.
    const timeShift = await waitFor('14 s of lesson in the time-shift playlist', async () => {
      const master = await fetchPlaylist(`${base}/live/${lessonId}/master-timeshift.m3u8`);
      const playlist = await fetchPlaylist(`${base}/live/${lessonId}/${master.playlists![0]!.uri}`);
      return playlist.segments.length >= 14 ? playlist : undefined;
    }, 40_000);
    assert.equal(timeShift.playlistType, 'EVENT');
    assert.equal(timeShift.mediaSequence, 0);
    assert.equal(timeShift.endList, undefined);

    const page = await openWatchPage(browser, `${base}/timeshift/${lessonId}`);
    try {
      await waitForPlayback(page, 1);
      const live = await videoState(page);
      // Playback starts near the live edge, with the whole lesson seekable behind it.
      assert.ok(live.currentTime > live.seekableStart + 10, `playing at ${live.currentTime} of ${live.seekableStart}-${live.seekableEnd}`);
      const start = await clockAt(page, live.seekableStart);
      const tenSecondsIn = await clockAt(page, live.seekableStart + 10);
      const shownSeconds = (tenSecondsIn.frameMadeAt - start.frameMadeAt) / 1000;
      process.stdout.write(`# time-shift: lesson start shows ${new Date(start.frameMadeAt).toISOString()}, +10 s shows +${shownSeconds.toFixed(3)} s\n`);
      assert.ok(Math.abs(shownSeconds - (tenSecondsIn.position - start.position)) * 1000 <= segmentMs, `10 s into the lesson shows the clock ${shownSeconds} s after its start`);
      assert.ok(Math.abs(tenSecondsIn.position - start.position - 10) < 0.5);
      assert.equal(ingest.ingest.lessons.get(lessonId)?.state, 'live', 'the lesson was live throughout');
      // Back to live: the LIVE position is again far ahead of the lesson's start.
      await page.evaluate(() => {
        const video = document.querySelector('video')!;
        video.currentTime = video.seekable.end(video.seekable.length - 1) - 3;
        void video.play();
      });
      const caughtUp = await waitForPlayback(page, 1);
      assert.ok(caughtUp.currentTime > live.seekableStart + 12);
      const errors = await page.evaluate(() => [...((window as unknown as { classcast?: { errors: string[] } }).classcast?.errors ?? [])]);
      assert.deepEqual(errors, []);
    } finally {
      await page.close();
    }
  });

  it('when the lesson ends its recording becomes a replay as long as the lesson was live', async () => {
    // Let the lesson run a few more seconds so the replay is longer than the time-shift check.
    await new Promise((resolve) => setTimeout(resolve, 3000));
    await encoder!.stop();
    encoder = undefined;
    const recording = await waitFor('the recording to become a replay', async () => {
      const answer = await fetch(`${base}/api/v1/recordings?lessonId=${lessonId}`);
      const body = (await answer.json()) as { items: Array<{ id: string; state: string; durationSeconds: number; masterUrl: string | null; replayUrl: string | null }> };
      return body.items.find((item) => item.state === 'ready');
    }, 30_000);
    recordingId = recording.id;
    replaySeconds = recording.durationSeconds;
    assert.equal(recording.masterUrl, `/vod/${recordingId}/master.m3u8`);
    assert.equal(recording.replayUrl, `/replay/${recordingId}`);

    const master = await fetchPlaylist(`${base}/live/${lessonId}/master-timeshift.m3u8`);
    const lessonPlaylist = await fetchPlaylist(`${base}/live/${lessonId}/${master.playlists![0]!.uri}`);
    assert.equal(lessonPlaylist.endList, true);
    const first = lessonPlaylist.segments[0]!;
    const last = lessonPlaylist.segments.at(-1)!;
    liveSeconds = (last.programDateTime! + last.duration * 1000 - first.programDateTime!) / 1000;
    process.stdout.write(`# replay: live for ${liveSeconds.toFixed(3)} s, replay lasts ${replaySeconds.toFixed(3)} s\n`);
    assert.ok(Math.abs(replaySeconds - liveSeconds) * 1000 <= segmentMs, `replay ${replaySeconds} s, live ${liveSeconds} s`);

    const replayMaster = await fetchPlaylist(`${base}/vod/${recordingId}/master.m3u8`);
    assert.equal(replayMaster.playlists?.length, master.playlists?.length);
    for (const variant of replayMaster.playlists!) {
      const playlist = await fetchPlaylist(`${base}/vod/${recordingId}/${variant.uri}`);
      assert.equal(playlist.playlistType, 'VOD');
      assert.equal(playlist.endList, true);
      const seconds = playlist.segments.reduce((sum, segment) => sum + segment.duration, 0);
      assert.ok(Math.abs(seconds - liveSeconds) * 1000 <= segmentMs, `${variant.uri}: ${seconds} s`);
    }
  });

  it('the replay plays in Chromium from its start to its end', async () => {
    const page = await openWatchPage(browser, `${base}/replay/${recordingId}`);
    try {
      const started = await waitForPlayback(page, 2);
      assert.ok(started.currentTime >= 2);
      const state = await videoState(page);
      assert.ok(Math.abs(state.duration - liveSeconds) * 1000 <= segmentMs, `the player's duration ${state.duration} s, live ${liveSeconds} s`);
      const opening = await clockAt(page, 0);
      const closing = await clockAt(page, state.duration - 2);
      const span = (closing.frameMadeAt - opening.frameMadeAt) / 1000;
      assert.ok(Math.abs(span - (closing.position - opening.position)) * 1000 <= segmentMs, `the replay's clock spans ${span} s over ${closing.position - opening.position} s`);
      // Play out the last seconds to the end.
      await page.evaluate(() => void document.querySelector('video')!.play());
      await waitFor('the replay to end', async () => (await videoState(page)).ended, 20_000);
      const errors = await page.evaluate(() => [...((window as unknown as { classcast?: { errors: string[] } }).classcast?.errors ?? [])]);
      assert.deepEqual(errors, []);
    } finally {
      await page.close();
    }
  });

  it('relays serve the replay as immutable files (its master for 5 minutes: the storage policy may thin it)', async () => {
    const master = await fetch(`${relay.baseUrl}/vod/${recordingId}/master.m3u8`);
    assert.equal(master.status, 200);
    assert.equal(master.headers.get('cache-control'), 'public, max-age=300');
    const variant = (await fetchPlaylist(`${relay.baseUrl}/vod/${recordingId}/master.m3u8`)).playlists![0]!.uri;
    const playlist = await fetchPlaylist(`${relay.baseUrl}/vod/${recordingId}/${variant}`);
    const rendition = variant.split('/')[0]!;
    const segment = await fetch(`${relay.baseUrl}/vod/${recordingId}/${rendition}/${playlist.segments[0]!.uri}`);
    assert.equal(segment.status, 200);
    assert.equal(segment.headers.get('content-type'), 'video/iso.segment');
    assert.match(segment.headers.get('cache-control') ?? '', /immutable/);
    assert.deepEqual(Buffer.from(await segment.arrayBuffer()), await fetchBytes(`${base}/vod/${recordingId}/${rendition}/${playlist.segments[0]!.uri}`));
    assert.equal((await fetch(`${relay.baseUrl}/vod/${recordingId}/${rendition}/timeshift.m3u8`)).status, 404);
    assert.equal((await fetch(`${base}/vod/no-such-recording/master.m3u8`)).status, 404);
  });

  it('downloads as one MP4, made without re-encoding, as long as the replay', async () => {
    const auth = { authorization: `Bearer ${operatorToken}` };
    const notYet = await fetch(`${base}/api/v1/recordings/${recordingId}/mp4`);
    assert.equal(notYet.status, 404);
    const asked = await fetch(`${base}/api/v1/recordings/${recordingId}/mp4`, { method: 'POST', headers: auth });
    assert.ok([200, 202].includes(asked.status), `POST mp4 answered ${asked.status}`);
    const progress: number[] = [];
    await waitFor('the MP4 to be ready', async () => {
      const answer = (await (await fetch(`${base}/api/v1/recordings/${recordingId}`)).json()) as { mp4: { state: string; progress: number } };
      progress.push(answer.mp4.progress);
      assert.notEqual(answer.mp4.state, 'failed');
      return answer.mp4.state === 'ready';
    }, 30_000, 100);
    assert.ok(progress.every((value, index) => index === 0 || value >= progress[index - 1]!), `progress only rises: ${progress.join(', ')}`);
    assert.equal(progress.at(-1), 100);

    const download = await fetch(`${base}/api/v1/recordings/${recordingId}/mp4`);
    assert.equal(download.status, 200);
    assert.equal(download.headers.get('content-type'), 'video/mp4');
    // Named for the lesson and when it started (here an ad-hoc lesson's title), not the recording id.
    assert.match(download.headers.get('content-disposition') ?? '', /^attachment; filename="[^"]+ - \d{4}-\d{2}-\d{2} \d{4}\.mp4"/);
    const dir = await mkdtemp(join(tmpdir(), 'classcast-mp4-'));
    try {
      const file = join(dir, 'replay.mp4');
      await writeFile(file, Buffer.from(await download.arrayBuffer()));
      const { stdout } = await run(findMediaTool('ffprobe', process.env.FFMPEG_PATH), ['-v', 'error', '-show_entries', 'format=duration,format_name:stream=codec_type,codec_name', '-of', 'json', file]);
      const probe = JSON.parse(stdout) as { format: { duration: string; format_name: string }; streams: Array<{ codec_type: string; codec_name: string }> };
      process.stdout.write(`# mp4: ${Number(probe.format.duration).toFixed(3)} s, streams ${probe.streams.map((stream) => stream.codec_name).join('+')}, progress seen ${[...new Set(progress)].join(', ')}\n`);
      assert.match(probe.format.format_name, /mp4/);
      assert.deepEqual(probe.streams.map((stream) => stream.codec_type).sort(), ['audio', 'video']);
      assert.equal(probe.streams.find((stream) => stream.codec_type === 'video')?.codec_name, 'h264');
      assert.ok(Math.abs(Number(probe.format.duration) - replaySeconds) * 1000 <= segmentMs, `mp4 ${probe.format.duration} s, replay ${replaySeconds} s`);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
});
