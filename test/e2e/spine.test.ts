// The spine end to end: a classroom encoder pushes RTMP, the ingest publishes a three-rendition
// CMAF ladder, and Chromium plays it on the watch page. All real: ffmpeg, RTMP, HTTP, Chromium.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import type { Browser } from 'playwright-core';
import { launchChromium } from '../helpers/browser.ts';
import { fetchBytes, fetchPlaylist, fetchText, probeSegment, pushTestPattern } from '../helpers/media.ts';
import { startTestIngest, type TestIngest } from '../helpers/test-ingest.ts';
import { waitFor } from '../helpers/wait-for.ts';
import { openWatchPage, snapshot, waitForPlayback } from '../helpers/watch-page.ts';
import type { DemoEncoder } from '../../services/demo/demo-encoder.ts';

const key = 'room101-secret-key';
const smallKey = 'room102-secret-key';

function listTree(dir: string): string[] {
  return readdirSync(dir, { recursive: true, encoding: 'utf8' }).sort();
}

describe('a classroom push becomes multi-bitrate HLS that Chromium plays', () => {
  let ingest: TestIngest;
  let encoder: DemoEncoder;
  let browser: Browser;
  let lessonId: string;
  const base = () => ingest.baseUrl;

  before(async () => {
    ingest = await startTestIngest({ classrooms: [{ id: 'room-101', key }, { id: 'room-102', key: smallKey }] });
    encoder = pushTestPattern(ingest.rtmpUrl(key), { width: 1280, height: 720, fps: 30, audio: true });
    browser = await launchChromium();
  });

  after(async () => {
    await browser?.close();
    await encoder?.stop();
    await ingest?.stop();
  });

  it('lists the lesson as live and its master playlist has three variants within 20 s', async () => {
    const started = Date.now();
    lessonId = await waitFor('the lesson to be listed live', async () => {
      const { lessons } = (await (await fetch(`${base()}/api/v1/ingest/lessons?state=live`)).json()) as { lessons: Array<{ id: string; classroomId: string }> };
      return lessons.find((lesson) => lesson.classroomId === 'room-101')?.id;
    }, 20_000);
    const master = await waitFor('a master playlist with 3 variants', async () => {
      const playlist = await fetchPlaylist(`${base()}/live/${lessonId}/master.m3u8`);
      return playlist.playlists?.length === 3 ? playlist : undefined;
    }, 20_000 - (Date.now() - started));
    const variants = master.playlists!.map((variant) => ({ uri: variant.uri, ...(variant.attributes as { RESOLUTION: { width: number; height: number }; BANDWIDTH: number; CODECS: string }) }));
    assert.deepEqual(variants.map((variant) => `${variant.RESOLUTION.width}x${variant.RESOLUTION.height}`), ['1280x720', '854x480', '640x360']);
    for (const variant of variants) {
      assert.match(variant.CODECS, /^avc1\.[0-9a-f]{6},mp4a\.40\.2$/);
      assert.ok(variant.BANDWIDTH > 300_000);
    }
    assert.ok(variants[0]!.BANDWIDTH > variants[1]!.BANDWIDTH && variants[1]!.BANDWIDTH > variants[2]!.BANDWIDTH);
  });

  it('serves media playlists that parse, with aligned sequences, and segments that decode from a keyframe', async () => {
    // Wait for a few segments so the check covers more than the first.
    await waitFor('three segments per rendition', async () => (await fetchPlaylist(`${base()}/live/${lessonId}/360p/index.m3u8`)).segments.length >= 3, 20_000);
    const renditions = ['720p', '480p', '360p'];
    const heights: Record<string, number> = { '720p': 720, '480p': 480, '360p': 360 };
    const sequences: number[] = [];
    for (const rendition of renditions) {
      const url = `${base()}/live/${lessonId}/${rendition}/index.m3u8`;
      const playlist = await fetchPlaylist(url);
      assert.equal(playlist.targetDuration, 2);
      assert.ok(playlist.segments.length >= 3);
      sequences.push(playlist.mediaSequence ?? 0);
      const hashes = JSON.parse((await fetchText(`${base()}/live/${lessonId}/${rendition}/hashes.json`)).text) as { segments: Array<{ uri: string; sha256: string }> };
      for (const segment of playlist.segments) {
        assert.ok(segment.programDateTime && Math.abs(segment.programDateTime - Date.now()) < 120_000, 'program date time is near now');
        assert.ok(segment.duration > 1.5 && segment.duration <= 2.1, `segment duration ${segment.duration}`);
        const init = await fetchBytes(`${base()}/live/${lessonId}/${rendition}/${segment.map!.uri}`);
        const body = await fetchBytes(`${base()}/live/${lessonId}/${rendition}/${segment.uri}`);
        const probe = await probeSegment(init, body);
        assert.equal(probe.firstVideoFrameIsKey, true, `${rendition}/${segment.uri} starts with a keyframe`);
        assert.equal(probe.firstPictureType, 'I');
        assert.equal(probe.height, heights[rendition]);
        assert.equal(probe.hasAudio, true);
        assert.ok(probe.videoFrames >= 50, `${rendition}/${segment.uri} has ${probe.videoFrames} frames`);
        const listed = hashes.segments.find((entry) => entry.uri === segment.uri);
        const { createHash } = await import('node:crypto');
        assert.equal(listed?.sha256, createHash('sha256').update(body).digest('hex'), `hash of ${segment.uri}`);
      }
    }
    // Renditions are cut at the same instants, so their sequence numbers line up (within a segment being written).
    assert.ok(Math.max(...sequences) - Math.min(...sequences) <= 1, `media sequences ${sequences.join(', ')}`);
  });

  it('sends the cache headers and content types of the architecture', async () => {
    const playlist = await fetchPlaylist(`${base()}/live/${lessonId}/720p/index.m3u8`);
    const master = await fetchText(`${base()}/live/${lessonId}/master.m3u8`);
    assert.equal(master.headers.get('content-type'), 'application/vnd.apple.mpegurl');
    const media = await fetchText(`${base()}/live/${lessonId}/720p/index.m3u8`);
    assert.equal(media.headers.get('cache-control'), 'public, max-age=1');
    assert.equal(media.headers.get('access-control-allow-origin'), '*');
    const segment = await fetch(`${base()}/live/${lessonId}/720p/${playlist.segments[0]!.uri}`);
    assert.equal(segment.headers.get('content-type'), 'video/iso.segment');
    assert.match(segment.headers.get('cache-control') ?? '', /max-age=31536000, immutable/);
    await segment.arrayBuffer();
    const missing = await fetch(`${base()}/live/${lessonId}/720p/r1-99999.m4s`);
    assert.equal(missing.status, 404);
    assert.equal(missing.headers.get('cache-control'), 'public, max-age=1');
    assert.match(await missing.text(), /"error"/);
    const badState = await fetch(`${base()}/api/v1/ingest/lessons?state=sleeping`);
    assert.equal(badState.status, 400);
    assert.match(await badState.text(), /state must be one of/);
  });

  it('never serves anything outside the media root or the files it publishes', async () => {
    const attempts = [
      `/live/${lessonId}/..%2F..%2F..%2Fetc%2Fpasswd`,
      `/live/..%2F..%2Fetc/passwd/x`,
      `/live/%2e%2e/%2e%2e/passwd`,
      `/live/${lessonId}/720p/%2e%2e%2fmaster.m3u8`,
      `/live/${lessonId}/.segmenter/r1/0/ffmpeg.m3u8`,
      `/live/${lessonId}/%2esegmenter/r1/0/0.m4s`,
      `/live/${lessonId}/720p/x%00.m4s`,
      `/live/${lessonId}/720p/..%5C..%5Cpasswd`,
      `/live//etc/passwd`,
      `/live/${lessonId}/720p/../../../../etc/passwd`,
      `/live/${lessonId}/../package.json`,
    ];
    for (const path of attempts) {
      const response = await fetch(`${base()}${path}`);
      const body = await response.text();
      assert.ok([400, 404].includes(response.status), `${path} answered ${response.status}`);
      assert.doesNotMatch(body, /root:|"name": "classcast"|#EXTM3U/, `${path} leaked a file`);
    }
  });

  it('plays in Chromium, and switching quality changes the picture', async () => {
    const page = await openWatchPage(browser, `${base()}/watch/${lessonId}`);
    try {
      const playing = await waitForPlayback(page, 5);
      assert.ok(playing.currentTime >= 5, `currentTime ${playing.currentTime}`);
      assert.deepEqual(playing.levels.map((level) => level.height).sort((a, b) => b - a), [720, 480, 360]);
      const lowest = playing.levels.find((level) => level.height === 360)!;
      await page.evaluate((index) => (window as unknown as { classcast: { setLevel(i: number): void } }).classcast.setLevel(index), lowest.index);
      await waitFor('the 360p rendition on screen', async () => {
        const state = await snapshot(page);
        return state.currentLevel === lowest.index && state.videoHeight === 360;
      }, 30_000);
      const after = await waitForPlayback(page, 2);
      assert.equal(after.errors.length, 0, `player errors: ${after.errors.join('; ')}`);
      await page.screenshot({ path: join(process.env.CLASSCAST_SCREENSHOTS ?? '/tmp', 'classcast-watch.png') });
    } finally {
      await page.close();
    }
  });

  it('refuses a wrong stream key: the encoder fails, nothing is written, the live lesson keeps going', async () => {
    const before = listTree(ingest.dataDir);
    const playlistBefore = await fetchPlaylist(`${base()}/live/${lessonId}/720p/index.m3u8`);
    const intruder = pushTestPattern(ingest.rtmpUrl('not-a-real-key-123'), { width: 640, height: 360, durationSeconds: 20 });
    const code = await Promise.race([intruder.exited, new Promise<'running'>((resolve) => setTimeout(() => resolve('running'), 10_000))]);
    await intruder.stop();
    assert.notEqual(code, 'running', 'the encoder with a wrong key was not disconnected');
    assert.notEqual(code, 0);
    const { lessons } = (await (await fetch(`${base()}/api/v1/ingest/lessons?state=all`)).json()) as { lessons: unknown[] };
    assert.equal(lessons.length, 1);
    const added = listTree(ingest.dataDir).filter((path) => !before.includes(path) && !path.startsWith(`live/${lessonId}`));
    assert.deepEqual(added, []);
    await waitFor('the live lesson to keep advancing', async () => {
      const playlist = await fetchPlaylist(`${base()}/live/${lessonId}/720p/index.m3u8`);
      return (playlist.mediaSequence ?? 0) + playlist.segments.length > (playlistBefore.mediaSequence ?? 0) + playlistBefore.segments.length;
    }, 10_000);
  });

  it('gives a 360p source without audio a single rendition with no audio', async () => {
    const small = pushTestPattern(ingest.rtmpUrl(smallKey), { width: 640, height: 360, fps: 25, audio: false });
    try {
      const id = await waitFor('the second lesson', async () => {
        const { lessons } = (await (await fetch(`${base()}/api/v1/ingest/lessons?state=live`)).json()) as { lessons: Array<{ id: string; classroomId: string }> };
        return lessons.find((lesson) => lesson.classroomId === 'room-102')?.id;
      });
      const master = await waitFor('its master playlist', () => fetchPlaylist(`${base()}/live/${id}/master.m3u8`).catch(() => undefined), 20_000);
      assert.equal(master.playlists?.length, 1);
      assert.deepEqual(master.playlists![0]!.attributes.RESOLUTION, { width: 640, height: 360 });
      assert.doesNotMatch(String(master.playlists![0]!.attributes.CODECS), /mp4a/);
      const media = await fetchPlaylist(`${base()}/live/${id}/360p/index.m3u8`);
      const probe = await probeSegment(await fetchBytes(`${base()}/live/${id}/360p/${media.segments[0]!.map!.uri}`), await fetchBytes(`${base()}/live/${id}/360p/${media.segments[0]!.uri}`));
      assert.equal(probe.hasAudio, false);
      assert.equal(probe.firstVideoFrameIsKey, true);
    } finally {
      await small.stop();
    }
  });
});
