// An encoder that drops and comes back within the grace period continues the same lesson: the
// playlists carry on after a discontinuity, sequence numbers never go backwards, file names never
// repeat, and a viewer's playback resumes. After the grace period the lesson ends.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import type { Browser } from 'playwright-core';
import { launchChromium } from '../helpers/browser.ts';
import { fetchPlaylist, pushTestPattern } from '../helpers/media.ts';
import { startTestIngest, type TestIngest } from '../helpers/test-ingest.ts';
import { waitFor } from '../helpers/wait-for.ts';
import { openWatchPage, snapshot, waitForPlayback } from '../helpers/watch-page.ts';

const key = 'room201-secret-key';
const graceSeconds = 8;

type LessonList = { lessons: Array<{ id: string; state: string; classroomId: string }> };

describe('an encoder that reconnects within the grace period continues the same lesson', () => {
  let ingest: TestIngest;
  let browser: Browser;
  let lessonId: string;
  const listLessons = async () => ((await (await fetch(`${ingest.baseUrl}/api/v1/ingest/lessons?state=all`)).json()) as LessonList).lessons;

  before(async () => {
    ingest = await startTestIngest({ classrooms: [{ id: 'room-201', key }], ingest: { reconnectGraceSeconds: graceSeconds } });
    browser = await launchChromium();
  });
  after(async () => {
    await browser?.close();
    await ingest?.stop();
  });

  it('continues the lesson with a discontinuity, a rising sequence, and playback that resumes', async () => {
    const first = pushTestPattern(ingest.rtmpUrl(key));
    lessonId = await waitFor('the lesson', async () => (await listLessons())[0]?.id);
    const playlistUrl = `${ingest.baseUrl}/live/${lessonId}/480p/index.m3u8`;
    await waitFor('the master playlist', async () => (await fetch(`${ingest.baseUrl}/live/${lessonId}/master.m3u8`)).ok);

    // Watch every playlist version a player would see, all through the drop and the reconnect.
    const seen: Array<{ mediaSequence: number; uris: string[]; discontinuities: number }> = [];
    let watching = true;
    const watcher = (async () => {
      while (watching) {
        const playlist = await fetchPlaylist(playlistUrl).catch(() => undefined);
        if (playlist) seen.push({ mediaSequence: playlist.mediaSequence ?? 0, uris: playlist.segments.map((s) => s.uri), discontinuities: playlist.segments.filter((s) => s.discontinuity).length });
        await new Promise((resolve) => setTimeout(resolve, 300));
      }
    })();

    let firstRunSeen: string | undefined;
    const page = await openWatchPage(browser, `${ingest.baseUrl}/watch/${lessonId}`);
    try {
      await waitForPlayback(page, 3);
      // Every ffmpeg of the lesson takes its own run number, which names its segments: the 480p
      // encoder's before the drop, and another one's after.
      const firstRun = (await fetchPlaylist(playlistUrl)).segments[0]!.uri.split('-')[0]!;
      firstRunSeen = firstRun;
      // A hard drop, as when a classroom's network goes: the encoder is killed, not stopped politely.
      first.kill();
      await first.exited;
      await new Promise((resolve) => setTimeout(resolve, 2000));
      const lessonsDuringGap = await listLessons();
      assert.equal(lessonsDuringGap[0]?.state, 'reconnecting');
      const second = pushTestPattern(ingest.rtmpUrl(key));
      try {
        const resumed = await waitFor('a discontinuity in the playlist', async () => {
          const playlist = await fetchPlaylist(playlistUrl);
          return playlist.segments.some((segment) => segment.discontinuity && !segment.uri.startsWith(`${firstRun}-`)) ? playlist : undefined;
        }, 30_000);
        assert.ok(resumed.segments.some((segment) => segment.uri.startsWith(`${firstRun}-`)), 'the window still holds the first run');
        const lessons = await listLessons();
        assert.deepEqual(lessons.map((lesson) => lesson.id), [lessonId], 'the same lesson, not a new one');
        assert.deepEqual(readdirSync(join(ingest.dataDir, 'live')), [lessonId]);

        const before = await snapshot(page);
        const after = await waitForPlayback(page, 4, 40_000);
        assert.ok(after.currentTime > before.currentTime + 4, 'playback resumed after the reconnect');
        await page.screenshot({ path: join(process.env.CLASSCAST_SCREENSHOTS ?? '/tmp', 'classcast-reconnect.png') });
      } finally {
        watching = false;
        await watcher;
        await second.stop();
      }
    } finally {
      await page.close();
    }

    assert.ok(seen.length > 10, `saw ${seen.length} playlist versions`);
    for (let index = 1; index < seen.length; index++) {
      assert.ok(seen[index]!.mediaSequence >= seen[index - 1]!.mediaSequence, `media sequence went from ${seen[index - 1]!.mediaSequence} to ${seen[index]!.mediaSequence}`);
    }
    const allUris = new Set(seen.flatMap((version) => version.uris));
    // The 480p encoder's run before the drop and a new one after; between them the rendition may
    // carry a few of another track's segments (lesson-renditions.ts), each run after a discontinuity.
    const runs = new Set([...allUris].map((uri) => uri.split('-')[0]));
    assert.ok(runs.size >= 2 && runs.has(firstRunSeen!), `runs seen: ${[...runs].join(', ')}`);
    // At least one discontinuity, at the reconnect (two where another track's segments bridged the runs).
    assert.ok(seen.some((version) => version.discontinuities >= 1), `discontinuities seen: ${[...new Set(seen.map((version) => version.discontinuities))].join(', ')}`);
  });

  it('ends the lesson once the grace period passes without the encoder', async () => {
    const ended = await waitFor('the lesson to end', async () => {
      const lesson = (await listLessons()).find((entry) => entry.id === lessonId);
      return lesson?.state === 'ended' ? lesson : undefined;
    }, (graceSeconds + 15) * 1000);
    assert.equal(ended.id, lessonId);
    const playlist = await fetchPlaylist(`${ingest.baseUrl}/live/${lessonId}/720p/index.m3u8`);
    assert.equal(playlist.endList, true);
    const response = await fetch(`${ingest.baseUrl}/live/${lessonId}/720p/index.m3u8`);
    assert.match(response.headers.get('cache-control') ?? '', /max-age=3600/);
    const live = (await (await fetch(`${ingest.baseUrl}/api/v1/ingest/lessons?state=live`)).json()) as LessonList;
    assert.equal(live.lessons.length, 0);
  });
});
