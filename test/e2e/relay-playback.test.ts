// Relays with real lessons and a real browser: province -> city -> school chained, and a city relay
// losing its primary province origin mid-playback while Chromium keeps playing from the standby.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import type { Browser } from 'playwright-core';
import { launchChromium } from '../helpers/browser.ts';
import { fetchPlaylist, pushTestPattern } from '../helpers/media.ts';
import { startTestIngest, type TestIngest } from '../helpers/test-ingest.ts';
import { startTestOrigin } from '../helpers/test-origin.ts';
import { startTestRelay, type TestRelay } from '../helpers/test-relay.ts';
import { waitFor } from '../helpers/wait-for.ts';
import { openWatchPage, snapshot, waitForPlayback } from '../helpers/watch-page.ts';
import type { DemoEncoder } from '../../services/demo/demo-encoder.ts';

const key = 'relay-room-secret';

describe('playing through relays', () => {
  let ingest: TestIngest;
  let encoder: DemoEncoder;
  let browser: Browser;
  let lessonId: string;
  const relays: TestRelay[] = [];
  let mediaBase = '';

  before(async () => {
    ingest = await startTestIngest({ classrooms: [{ id: 'room-401', key }] }, () => mediaBase);
    encoder = pushTestPattern(ingest.rtmpUrl(key));
    browser = await launchChromium();
    lessonId = await waitFor('the lesson', () => ingest.ingest.lessons.list()[0]?.id);
    await waitFor('the master playlist', () => fetchPlaylist(`${ingest.baseUrl}/live/${lessonId}/master.m3u8`).catch(() => undefined), 20_000);
  });
  after(async () => {
    await browser?.close();
    for (const relay of relays) await relay.stop();
    await encoder?.stop();
    await ingest?.stop();
  });

  it('plays through a school relay chained under a city relay under the province', async () => {
    const city = await startTestRelay([ingest.baseUrl]);
    relays.push(city);
    const school = await startTestRelay([city.baseUrl]);
    relays.push(school);
    mediaBase = school.baseUrl;
    const page = await openWatchPage(browser, `${ingest.baseUrl}/watch/${lessonId}`);
    try {
      const playing = await waitForPlayback(page, 5);
      assert.equal(playing.errors.length, 0, playing.errors.join('; '));
    } finally {
      await page.close();
    }
    assert.ok(school.relay.stats.requests > 5, `school relay served ${school.relay.stats.requests} requests`);
    assert.ok(school.relay.stats.upstreamRequests > 0 && city.relay.stats.requests > 0, 'the school relay pulled from the city relay');
    assert.ok(city.relay.stats.upstreamRequests > 0, 'the city relay pulled from the province');
    // The school relay follows the playlists its viewer watched, so segments are fetched ahead of asking.
    assert.ok(school.relay.stats.prefetched > 0, `prefetched ${school.relay.stats.prefetched}`);
  });

  it('keeps Chromium playing when the primary province origin dies, using the standby within the bound', async () => {
    const lessonFor = (id: string) => {
      const lesson = ingest.ingest.lessons.get(id);
      return lesson && { segmentSeconds: lesson.segmentSeconds, ended: lesson.state === 'ended' };
    };
    const primary = await startTestOrigin(ingest.ingest.liveDir, lessonFor);
    const standby = await startTestOrigin(ingest.ingest.liveDir, lessonFor);
    const city = await startTestRelay([primary.baseUrl, standby.baseUrl]);
    relays.push(city);
    mediaBase = city.baseUrl;
    const page = await openWatchPage(browser, `${ingest.baseUrl}/watch/${lessonId}`);
    try {
      await waitForPlayback(page, 3);
      const killedAt = Date.now();
      await primary.close();
      // The next playlist a viewer asks for comes from the standby, within the bound.
      const playlistUrl = `${city.baseUrl}/live/${lessonId}/480p/index.m3u8`;
      const before = (await fetchPlaylist(playlistUrl)).mediaSequence ?? 0;
      await waitFor('a newer playlist through the relay', async () => ((await fetchPlaylist(playlistUrl)).mediaSequence ?? 0) > before, 10_000);
      await waitFor('the primary to be marked down', () => city.relay.upstreams.states()[0]?.up === false, 5_000);
      const failedOverIn = Date.now() - killedAt;
      const after = await waitForPlayback(page, 6);
      const state = await snapshot(page);
      assert.equal(state.errors.length, 0, `player errors: ${state.errors.join('; ')}`);
      assert.ok(after.currentTime > 6);
      process.stdout.write(`# failover: primary killed, standby serving, new playlist through the relay ${failedOverIn} ms later\n`);
      assert.ok(city.relay.upstreams.states()[1]!.up);
    } finally {
      await page.close();
      await standby.close();
    }
  });
});
