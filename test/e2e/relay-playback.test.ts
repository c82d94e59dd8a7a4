// Relays with real lessons and a real browser: province -> city -> school chained, a city relay
// losing its primary province origin mid-playback while Chromium keeps playing from the standby, and
// hls.js reloading the whole-lesson playlist as delta updates (services/media-http/delta-playlist.ts).
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

  it('hls.js reloads the whole-lesson playlist as delta updates, from the relay as from the province, and plays on', async () => {
    const relay = await startTestRelay([ingest.baseUrl]);
    relays.push(relay);
    mediaBase = relay.baseUrl;
    // Long enough that the time-shift playlist holds more than its skip boundary (six target durations).
    const timeShift = `/live/${lessonId}/480p/timeshift.m3u8`;
    await waitFor(
      'a lesson longer than the skip boundary',
      async () => {
        const playlist = await fetchPlaylist(`${ingest.baseUrl}${timeShift}`).catch(() => undefined);
        const seconds = playlist?.segments.reduce((sum, segment) => sum + segment.duration, 0) ?? 0;
        return seconds > 8 * (playlist?.targetDuration ?? 2) || undefined;
      },
      90_000,
      1000,
    );
    const deltaFrom = async (base: string) => {
      const text = await (await fetch(`${base}${timeShift}?_HLS_skip=YES`)).text();
      return /^#EXT-X-SKIP:SKIPPED-SEGMENTS=[1-9]/m.test(text) ? text : undefined;
    };
    const fromProvince = await deltaFrom(ingest.baseUrl);
    assert.ok(fromProvince, 'the province answers _HLS_skip=YES with a delta');
    // The relay answers with a delta whether it fetches the playlist for the request (a miss) or
    // holds it already (a hit, asked again at once, within the playlist's cache lifetime).
    const fromRelay = await deltaFrom(relay.baseUrl);
    const hitsBefore = relay.relay.stats.hits;
    const again = await deltaFrom(relay.baseUrl);
    assert.ok(fromRelay && again, 'the relay answers _HLS_skip=YES with a delta');
    if (relay.relay.stats.hits === hitsBefore) process.stdout.write('# the second delta request was a miss too (the machine was slow)\n');
    assert.match(fromRelay, /^#EXT-X-VERSION:9$/m);
    const full = await (await fetch(`${relay.baseUrl}${timeShift}`)).text();
    assert.doesNotMatch(full, /EXT-X-SKIP/, 'without the directive the playlist is whole');
    assert.ok(fromRelay.length < full.length, `delta ${fromRelay.length} B, full ${full.length} B`);

    const page = await openWatchPage(browser, `${ingest.baseUrl}/watch/${lessonId}`);
    const deltas: string[] = [];
    page.on('response', (response) => {
      if (!response.url().includes('_HLS_skip=')) return;
      response.text().then(
        (text) => void (/^#EXT-X-SKIP:/m.test(text) && deltas.push(response.url())),
        () => undefined,
      );
    });
    try {
      await waitForPlayback(page, 2);
      await waitFor('hls.js to get delta updates', () => (deltas.length >= 3 ? true : undefined), 60_000, 500);
      // Filled in from its own copy, the playlist still plays on.
      const after = await waitForPlayback(page, 6);
      assert.equal(after.errors.length, 0, after.errors.join('; '));
      assert.ok(deltas.every((url) => url.startsWith(relay.baseUrl) && /timeshift\.m3u8\?/.test(url)), deltas.join(' '));
      process.stdout.write(`# ${deltas.length} delta updates of ${fromRelay.length} B; the full playlist is ${full.length} B\n`);
    } finally {
      await page.close();
    }
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
