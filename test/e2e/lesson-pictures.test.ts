// Lesson pictures end to end: a classroom pushes a test pattern with its clock burned in; while the
// lesson is live its poster appears at the origin and through a relay as a JPEG ffprobe reads, and
// is refreshed; its thumbnail track parses (with the player's own parser) and every sprite it names
// exists and holds its rectangles, and the time-shift page shows them over its seek bar. When the lesson ends its replay carries both, and in Chromium the
// replay's player shows the poster and, hovering and dragging the seek bar, fetches a sprite and
// shows the thumbnail (screenshots at desktop and phone size go to CLASSCAST_SCREENSHOTS if set).
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import type { Browser, Page } from 'playwright-core';
import { catalogApi } from '../../services/catalog/api/catalog-api.ts';
import { findMediaTool } from '../../services/core/ffmpeg-binary.ts';
import { vodRoutes } from '../../services/origin/vod-routes.ts';
import { startIngestRole, type IngestRole } from '../../services/roles/ingest.ts';
import { pageRoutes } from '../../services/web/pages.ts';
import { replayPageRoutes } from '../../services/web/replay-pages.ts';
import type { DemoEncoder } from '../../services/demo/demo-encoder.ts';
import { parseThumbnailTrack, type ThumbnailCue } from '../../player/src/thumbnails/thumbnail-track.ts';
import { launchChromium } from '../helpers/browser.ts';
import { pushTestPattern } from '../helpers/media.ts';
import { startTestRelay, type TestRelay } from '../helpers/test-relay.ts';
import { catalogIngestSetup, type CatalogIngestSetup } from '../helpers/catalog-ingest-setup.ts';
import { waitFor } from '../helpers/wait-for.ts';
import { stopAll } from '../helpers/stop-all.ts';
import { waitForPlayback } from '../helpers/watch-page.ts';

const run = promisify(execFile);
const key = 'room-pictures-key';

/** What ffprobe says of a picture: its codec and size. */
async function probeImage(bytes: Buffer): Promise<{ codec_name: string; width: number; height: number }> {
  const dir = await mkdtemp(join(tmpdir(), 'classcast-picture-'));
  try {
    const file = join(dir, 'picture.jpg');
    await writeFile(file, bytes);
    const { stdout } = await run(findMediaTool('ffprobe', process.env.FFMPEG_PATH), ['-v', 'error', '-show_entries', 'stream=codec_name,width,height', '-of', 'json', file]);
    return (JSON.parse(stdout) as { streams: Array<{ codec_name: string; width: number; height: number }> }).streams[0]!;
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

async function bytesOf(url: string): Promise<{ status: number; body: Buffer; headers: Headers }> {
  const response = await fetch(url);
  return { status: response.status, body: Buffer.from(await response.arrayBuffer()), headers: response.headers };
}

/** The track at `url` and its cues, once it has at least `count`. */
async function trackWith(url: string, count: number, timeoutMs: number): Promise<ThumbnailCue[]> {
  return waitFor(`${count} thumbnails in ${url}`, async () => {
    const response = await fetch(url);
    if (response.status !== 200) return undefined;
    const cues = parseThumbnailTrack(await response.text(), url);
    return cues.length >= count ? cues : undefined;
  }, timeoutMs);
}

/** Every sprite the cues name exists, is a JPEG, and is big enough for every rectangle in it. */
async function checkSprites(cues: readonly ThumbnailCue[]): Promise<void> {
  for (const url of new Set(cues.map((cue) => cue.url))) {
    const sprite = await bytesOf(url);
    assert.equal(sprite.status, 200, url);
    assert.equal(sprite.headers.get('content-type'), 'image/jpeg');
    assert.match(sprite.headers.get('cache-control') ?? '', /immutable/);
    const probe = await probeImage(sprite.body);
    assert.equal(probe.codec_name, 'mjpeg');
    for (const cue of cues.filter((each) => each.url === url)) {
      assert.ok(cue.x + cue.w <= probe.width && cue.y + cue.h <= probe.height, `${url} (${probe.width}x${probe.height}) holds ${cue.x},${cue.y},${cue.w},${cue.h}`);
    }
  }
}

/** Moves the pointer along the seek bar to `share` of it until the thumbnail shows; returns the bar's box. */
async function hoverUntilThumbnail(page: Page, share: number): Promise<{ x: number; y: number; width: number; height: number }> {
  const bar = page.locator('.vjs-progress-holder');
  const box = await waitFor('the seek bar', async () => (await bar.boundingBox()) ?? undefined, 10_000);
  const y = box.y + box.height / 2;
  // The controls show while the pointer moves over the player.
  await waitFor('the thumbnail over the seek bar', async () => {
    await page.mouse.move(box.x + box.width * 0.1, y);
    await page.mouse.move(box.x + box.width * share, y, { steps: 3 });
    return (await page.locator('.classcast-seek-thumbnail.is-shown img').isVisible()) ? true : undefined;
  }, 20_000);
  return box;
}

describe('lesson pictures: poster and seek-bar thumbnails, live and in the replay', { timeout: 240_000 }, () => {
  let setup: CatalogIngestSetup;
  let ingest: IngestRole;
  let relay: TestRelay;
  let encoder: DemoEncoder | undefined;
  let browser: Browser;
  let base: string;
  let lessonId: string;
  let recordingId: string;
  let replaySeconds: number;

  before(async () => {
    setup = await catalogIngestSetup('classcast-pictures-', {
      classrooms: [{ id: 'room-pictures', key }],
      ingest: { latencyMode: 'low', reconnectGraceSeconds: 2 },
      // Quicker than a real lesson's minute, so the test sees a refresh and several sprites.
      transcode: { posterSeconds: 3, thumbnailSeconds: 2, thumbnailBatchSeconds: 3 },
    });
    const { config, log, db } = setup;
    const context = { db, config, log, rtmpBase: () => 'rtmp://127.0.0.1/live' };
    ingest = await startIngestRole(config, log, { db, routers: [catalogApi(context), pageRoutes(), replayPageRoutes(), vodRoutes(join(setup.dataDir, 'vod'))] });
    base = `http://127.0.0.1:${ingest.httpPort}`;
    relay = await startTestRelay([base]);
    encoder = pushTestPattern(`rtmp://127.0.0.1:${ingest.ingest.rtmpPort}/live/${key}`, { width: 640, height: 360, fps: 30, audio: true });
    browser = await launchChromium();
  });

  after(() => stopAll(browser, encoder, relay, ingest, setup));

  it('while live, the poster is a JPEG at the origin and through a relay, and is refreshed', async () => {
    lessonId = await waitFor('the lesson to go live', async () => ingest.ingest.lessons.list().find((lesson) => lesson.state === 'live')?.id, 30_000);
    const url = `${base}/live/${lessonId}/poster.jpg`;
    const first = await waitFor('the poster', async () => {
      const answer = await bytesOf(url);
      return answer.status === 200 ? answer : undefined;
    }, 60_000);
    assert.equal(first.headers.get('content-type'), 'image/jpeg');
    assert.equal(first.headers.get('cache-control'), 'public, max-age=60');
    const probe = await probeImage(first.body);
    assert.equal(probe.codec_name, 'mjpeg');
    assert.equal(probe.width, 640, 'the source is 640 wide: kept at its size');
    const relayed = await bytesOf(`${relay.baseUrl}/live/${lessonId}/poster.jpg`);
    assert.equal(relayed.status, 200);
    assert.equal(relayed.headers.get('content-type'), 'image/jpeg');
    assert.equal((await probeImage(relayed.body)).codec_name, 'mjpeg');
    // The pattern's clock moves, so a newer frame is other bytes.
    await waitFor('a refreshed poster', async () => {
      const answer = await bytesOf(url);
      return answer.status === 200 && !answer.body.equals(first.body) ? answer : undefined;
    }, 60_000);
  });

  it('while live, the thumbnail track parses and every sprite it names exists, also through a relay', async () => {
    const cues = await trackWith(`${base}/live/${lessonId}/thumbnails/thumbnails.vtt`, 4, 90_000);
    assert.equal(cues[0]!.start, 0);
    for (const [index, cue] of cues.entries()) {
      assert.ok(cue.end > cue.start);
      if (index > 0) assert.equal(cue.start, cues[index - 1]!.end, 'cues follow one another');
      assert.deepEqual([cue.w, cue.h], [160, 90]);
    }
    await checkSprites(cues);
    const relayed = await trackWith(`${relay.baseUrl}/live/${lessonId}/thumbnails/thumbnails.vtt`, 1, 30_000);
    await checkSprites(relayed);
    assert.equal((await fetch(`${base}/live/${lessonId}/thumbnails/thumbnails.json`)).status, 404, 'the index is not served');

    // What the pictures cost is counted per lesson, from ffmpeg's own figures.
    const metrics = await (await fetch(`${base}/metrics`)).text();
    // Labelled by the lesson, or by its classroom when the lesson is not public (lesson-label.ts).
    const cpu = new RegExp(`^classcast_lesson_pictures_cpu_seconds\\{lesson="(?:${lessonId}|protected:room-pictures)"[^}]*\\} ([\\d.e-]+)$`, 'm').exec(metrics);
    assert.ok(cpu && Number(cpu[1]) > 0, `picture CPU in /metrics: ${cpu?.[0]}`);

    // The time-shift page, while live: hovering its seek bar fetches a sprite and shows a thumbnail.
    const page = await browser.newPage({ viewport: { width: 1280, height: 800 } });
    const sprites: string[] = [];
    page.on('request', (request) => /\/live\/[^/]+\/thumbnails\/sprite-\d+\.jpg/.test(request.url()) && sprites.push(request.url()));
    try {
      await page.goto(`${base}/timeshift/${lessonId}`);
      await waitForPlayback(page, 1);
      assert.match((await page.evaluate(() => document.querySelector('video')?.getAttribute('poster'))) ?? '', new RegExp(`/live/${lessonId}/poster\\.jpg$`));
      await hoverUntilThumbnail(page, 0.3);
      await waitFor('a sprite requested from the time-shift page', async () => (sprites.length > 0 ? true : undefined), 10_000);
    } finally {
      await page.close();
    }
  });

  it('the replay carries the poster and the thumbnails of its own timeline', async () => {
    await new Promise((resolve) => setTimeout(resolve, 4000));
    await encoder!.stop();
    encoder = undefined;
    const recording = await waitFor('the recording to become a replay', async () => {
      const answer = await fetch(`${base}/api/v1/recordings?lessonId=${lessonId}`);
      const body = (await answer.json()) as { items: Array<{ id: string; state: string; durationSeconds: number }> };
      return body.items.find((item) => item.state === 'ready');
    }, 60_000);
    recordingId = recording.id;
    replaySeconds = recording.durationSeconds;
    const poster = await bytesOf(`${base}/vod/${recordingId}/poster.jpg`);
    assert.equal(poster.status, 200);
    assert.match(poster.headers.get('cache-control') ?? '', /immutable/);
    assert.equal((await probeImage(poster.body)).codec_name, 'mjpeg');
    const cues = await trackWith(`${base}/vod/${recordingId}/thumbnails/thumbnails.vtt`, 4, 10_000);
    assert.equal(cues[0]!.start, 0);
    assert.ok(Math.abs(cues.at(-1)!.end - replaySeconds) < 0.01, `the last cue ends with the replay: ${cues.at(-1)!.end} of ${replaySeconds} s`);
    await checkSprites(cues);
    await checkSprites(await trackWith(`${relay.baseUrl}/vod/${recordingId}/thumbnails/thumbnails.vtt`, 4, 10_000));
  });

  // The desktop in English, the phone in Chinese (the page's default language) and by finger too.
  for (const size of [
    { name: 'desktop', viewport: { width: 1280, height: 800 }, locale: 'en-US' },
    { name: 'phone', viewport: { width: 390, height: 844 }, locale: 'zh-CN' },
  ]) {
    it(`on the replay page (${size.name}) the player has the poster and the seek bar shows thumbnails`, async () => {
      const page: Page = await browser.newPage({ viewport: size.viewport, hasTouch: size.name === 'phone', locale: size.locale });
      page.on('pageerror', (error) => process.stderr.write(`[replay page error] ${error.message}\n`));
      const sprites: string[] = [];
      page.on('request', (request) => /\/thumbnails\/sprite-\d+\.jpg/.test(request.url()) && sprites.push(request.url()));
      try {
        await page.goto(`${base}/replay/${recordingId}`);
        await waitFor('the poster on the player', async () => {
          const poster = await page.evaluate(() => document.querySelector('video')?.getAttribute('poster') ?? '');
          return poster.endsWith(`/vod/${recordingId}/poster.jpg`) ? poster : undefined;
        }, 20_000);
        await waitForPlayback(page, 1);
        await page.evaluate(() => document.querySelector('video')!.pause());
        const box = await hoverUntilThumbnail(page, 0.6);
        const y = box.y + box.height / 2;
        await waitFor('the sprite request', async () => (sprites.length > 0 ? true : undefined), 10_000);
        const image = await page.evaluate(() => {
          const img = document.querySelector<HTMLImageElement>('.classcast-seek-thumbnail img')!;
          const rect = img.parentElement!.getBoundingClientRect();
          return { src: img.src, complete: img.complete, naturalWidth: img.naturalWidth, width: rect.width, height: rect.height };
        });
        assert.match(image.src, new RegExp(`/vod/${recordingId}/thumbnails/sprite-\\d+\\.jpg$`));
        await waitFor('the sprite to load', async () => ((await page.evaluate(() => document.querySelector<HTMLImageElement>('.classcast-seek-thumbnail img')!.naturalWidth)) > 0 ? true : undefined), 10_000);
        assert.ok(image.width > 40 && image.height > 20, `a thumbnail-sized box: ${image.width}x${image.height}`);
        if (process.env.CLASSCAST_SCREENSHOTS) await page.screenshot({ path: join(process.env.CLASSCAST_SCREENSHOTS, `seek-thumbnail-hover-${size.name}.png`) });
        // Dragging: pressed on the bar and moved, the thumbnail follows, then goes on release.
        await page.mouse.move(box.x + box.width * 0.3, y);
        await page.mouse.down();
        await page.mouse.move(box.x + box.width * 0.8, y, { steps: 4 });
        assert.equal(await page.locator('.classcast-seek-thumbnail.is-shown').isVisible(), true, 'shown while dragging');
        if (process.env.CLASSCAST_SCREENSHOTS) await page.screenshot({ path: join(process.env.CLASSCAST_SCREENSHOTS, `seek-thumbnail-drag-${size.name}.png`) });
        await page.mouse.up();
        await waitFor('the thumbnail to go after the drag', async () => ((await page.locator('.classcast-seek-thumbnail.is-shown').count()) === 0 ? true : undefined), 5000);
        if (size.name === 'phone') {
          // A finger on the bar, dragged along it: the thumbnail follows it, and goes when lifted.
          const cdp = await page.context().newCDPSession(page);
          const touch = (type: 'touchStart' | 'touchMove' | 'touchEnd', share?: number) =>
            cdp.send('Input.dispatchTouchEvent', { type, touchPoints: share === undefined ? [] : [{ x: box.x + box.width * share, y }] });
          await touch('touchStart', 0.25);
          for (const share of [0.35, 0.5, 0.7]) await touch('touchMove', share);
          await waitFor('the thumbnail under the finger', async () => ((await page.locator('.classcast-seek-thumbnail.is-shown img').isVisible()) ? true : undefined), 5000);
          if (process.env.CLASSCAST_SCREENSHOTS) await page.screenshot({ path: join(process.env.CLASSCAST_SCREENSHOTS, 'seek-thumbnail-touch-phone.png') });
          await touch('touchEnd');
          await waitFor('the thumbnail to go when the finger lifts', async () => ((await page.locator('.classcast-seek-thumbnail.is-shown').count()) === 0 ? true : undefined), 5000);
        }
      } finally {
        await page.close();
      }
    });
  }
});
