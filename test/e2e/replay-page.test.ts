// The replay page, the 404 page and the timetable, in headless Chromium over the real catalog API,
// pages and /vod routes (startTestCatalog), with real media: a public lesson of a course (数学, its
// teacher 王老师, 示范学校 in 杭州市) went live and ended through the catalog calls ingest makes, with
// a replay made by the real replay writer from a short ffmpeg run (writeRecordedLesson).
// - The replay page names the course and lesson, teacher, school, date (Asia/Shanghai) and real
//   length; Download, signed out, shows the progress bar, then downloads an MP4 named for the lesson
//   that ffprobe reads as H.264 and AAC lasting as long as the replay.
// - A made-up lesson or recording gets status 404 and a page in words, in Chinese and in English,
//   with a language switcher that works without script (a link per language, remembered);
//   an existing school lesson asks a signed-out viewer to sign in, and tells another school's
//   student that their account may not watch it.
// - The timetable shows when the ended lesson really ran (not its schedule), a week grid by day and
//   period (on a phone it starts at today's column), and a live card's poster and viewer count
//   (served here by a stand-in for the /live documents other parts of Classcast serve).
// Screenshots of each page, desktop and phone, zh-CN and en: scratch/shots/replay-*.png, not-found-*.png, timetable-week-*.png, timetable-list-*.png.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { Router } from 'express';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { sessionCookieName } from '../../services/catalog/auth/session-cookie.ts';
import { markEnded, markLive } from '../../services/catalog/ingest/lesson-lifecycle.ts';
import { finishRecordings, openDefaultRecording } from '../../services/catalog/ingest/recording-lifecycle.ts';
import { pageLookups } from '../../services/catalog/queries/page-lookups.ts';
import { findMediaTool } from '../../services/core/ffmpeg-binary.ts';
import { vodRoutes } from '../../services/origin/vod-routes.ts';
import { pageRoutes } from '../../services/web/pages.ts';
import { instantOfWallClock, wallClockAt } from '../../player/src/i18n/zoned-time.ts';
import { saveShot, viewports, type ViewportName } from '../../scripts/screenshots/shots.ts';
import { launchChromium } from '../helpers/browser.ts';
import { writeRecordedLesson } from '../helpers/recorded-lesson.ts';
import { startTestCatalog, type TestCatalog } from '../helpers/test-catalog.ts';
import { waitFor } from '../helpers/wait-for.ts';

const run = promisify(execFile);
const zone = 'Asia/Shanghai';
const mediaSeconds = 5;
const languages = { 'zh-CN': 'zh-CN', en: 'en-US' } as const;
type Language = keyof typeof languages;

/** Today at hh:mm on Shanghai's wall clock. */
const todayAt = (hour: number, minute: number, plusDays = 0) => {
  const clock = wallClockAt(new Date(), zone);
  return instantOfWallClock({ ...clock, day: clock.day + plusDays, hour, minute, second: 0 }, zone);
};
const hhmm = (at: Date) => new Intl.DateTimeFormat('en-GB', { hour: '2-digit', minute: '2-digit', hourCycle: 'h23', timeZone: zone }).format(at);
const shanghaiDay = (at: Date) => new Intl.DateTimeFormat('en-CA', { year: 'numeric', month: '2-digit', day: '2-digit', timeZone: zone }).format(at);

describe('the replay page, the 404 page and the timetable', { timeout: 300_000 }, () => {
  let catalog: TestCatalog;
  let browser: Browser;
  let posterDir: string;
  let recordingId = '';
  let otherStudentToken = '';
  const lessons = { replayed: 'algebra-replayed', schoolOnly: 'staff-revision', liveWithPoster: 'live-geometry', liveBare: 'live-chemistry', monday: 'monday-physics' };
  // The ended lesson's schedule, and when it really ran.
  // At 08:00 on Shanghai's clock, or at midnight before that hour: the suite runs at any time of day,
  // and a lesson's recording starts at its scheduled start, so that must have passed (a lesson
  // scheduled later today records nothing yet, and its recording is dropped).
  const slotHour = wallClockAt(new Date(), zone).hour >= 8 ? 8 : 0;
  const slot = `${String(slotHour).padStart(2, '0')}:00`;
  const scheduled = { start: todayAt(slotHour, 0), end: todayAt(slotHour, 45) };
  const ran = { start: todayAt(slotHour, 3), end: todayAt(slotHour, 41) };

  before(async () => {
    posterDir = await mkdtemp(join(tmpdir(), 'classcast-poster-'));
    await run(findMediaTool('ffmpeg', process.env.FFMPEG_PATH), ['-hide_banner', '-loglevel', 'error', '-f', 'lavfi', '-i', 'testsrc2=size=320x180', '-frames:v', '1', '-y', join(posterDir, 'poster.jpg')]);
    // Stand-ins for the poster and viewer count of one live lesson, at their URLs; the other has none.
    const liveDocuments = Router();
    liveDocuments.get(`/live/${lessons.liveWithPoster}/poster.jpg`, (_request, response) => response.sendFile(join(posterDir, 'poster.jpg')));
    liveDocuments.get(`/live/${lessons.liveWithPoster}/viewers.json`, (_request, response) => response.json({ viewers: 42, at: new Date().toISOString() }));
    catalog = await startTestCatalog({
      routers: (context) => [pageRoutes(undefined, undefined, undefined, undefined, undefined, pageLookups(context.db)), vodRoutes(join(context.config.dataDir, 'vod')), liveDocuments],
    });
    const { db } = catalog;
    const [city] = await db.query<{ id: number }>("insert into cities (province_id, name) values (1, '杭州市') returning id");
    const [school] = await db.query<{ id: number }>("insert into schools (city_id, name) values ($1, '示范学校') returning id", [city!.id]);
    const [otherSchool] = await db.query<{ id: number }>("insert into schools (city_id, name) values ($1, '第二中学') returning id", [city!.id]);
    const [course] = await db.query<{ id: number }>("insert into courses (school_id, title, subject, grade, teacher_name) values ($1, '数学', '数学', '7', '王老师') returning id", [school!.id]);
    otherStudentToken = (await catalog.signIn('student', otherSchool!.id)).token;
    await db.query("insert into classrooms (id, school_id, name, primary_key) values ('room-1', $1, '高一(1)班', 'key-room-1-primary-0000')", [school!.id]);
    const lesson = (id: string, title: string, startsAt: Date, endsAt: Date, visibility = 'public') =>
      db.query('insert into lessons (id, classroom_id, course_id, title, starts_at, ends_at, visibility) values ($1, $2, $3, $4, $5, $6, $7)', [id, 'room-1', course!.id, title, startsAt, endsAt, visibility]);
    await lesson(lessons.replayed, '一元二次方程', scheduled.start, scheduled.end);
    await lesson(lessons.schoolOnly, '期中复习', todayAt(14, 0), todayAt(14, 45), 'school');
    await lesson(lessons.liveWithPoster, '几何', new Date(Date.now() - 10 * 60_000), new Date(Date.now() + 30 * 60_000));
    await lesson(lessons.liveBare, '化学', new Date(Date.now() - 5 * 60_000), new Date(Date.now() + 40 * 60_000));
    const clock = wallClockAt(new Date(), zone);
    const sinceMonday = (new Date(Date.UTC(clock.year, clock.month - 1, clock.day)).getUTCDay() + 6) % 7;
    await lesson(lessons.monday, '力学', todayAt(10, 0, -sinceMonday), todayAt(10, 45, -sinceMonday));

    await markLive(db, lessons.replayed, 'test-node');
    recordingId = (await openDefaultRecording(db, lessons.replayed))!;
    await writeRecordedLesson(join(catalog.dataDir, 'live', lessons.replayed), mediaSeconds);
    await markEnded(db, lessons.replayed);
    await finishRecordings(db, { lessonId: lessons.replayed, lessonDir: join(catalog.dataDir, 'live', lessons.replayed), vodDir: join(catalog.dataDir, 'vod'), log: catalog.context.log });
    // When it really ran, as the catalog's lesson row says (ingest writes these as it goes live and ends).
    await db.query('update lessons set went_live_at = $2, ended_at = $3 where id = $1', [lessons.replayed, ran.start, ran.end]);
    for (const id of [lessons.liveWithPoster, lessons.liveBare]) await markLive(db, id, 'test-node');
    browser = await launchChromium();
  });

  after(async () => {
    await browser?.close();
    await catalog?.close();
    await rm(posterDir, { recursive: true, force: true });
  });

  const open = async (path: string, options: { language?: Language; viewport?: ViewportName; session?: string } = {}): Promise<{ context: BrowserContext; page: Page; status: number }> => {
    const context = await browser.newContext({ viewport: viewports[options.viewport ?? 'desktop'], locale: languages[options.language ?? 'en'], acceptDownloads: true });
    if (options.session) await context.addCookies([{ name: sessionCookieName, value: options.session, url: catalog.url }]);
    const page = await context.newPage();
    page.on('pageerror', (error) => process.stderr.write(`[page error] ${error.message}\n`));
    const response = await page.goto(`${catalog.url}${path}`);
    return { context, page, status: response?.status() ?? 0 };
  };

  it('the replay page names the course, lesson, teacher, school, date and length; Download shows progress, then saves a valid MP4', async () => {
    const recording = (await catalog.api('get', `/recordings/${recordingId}`)).body as { durationSeconds: number };
    const { context, page } = await open(`/replay/${recordingId}`);
    try {
      await page.locator('#replay-panel:not([hidden])').waitFor({ timeout: 30_000 });
      assert.equal(await page.locator('#lesson-title').textContent(), '数学 · 一元二次方程');
      assert.equal(await page.title(), '数学 · 一元二次方程 · Classcast');
      const fact = (name: string) => page.locator(`.replay-facts [data-fact="${name}"]`).textContent();
      assert.match((await fact('course')) ?? '', /^数学/);
      assert.equal(await fact('teacher'), '王老师');
      assert.equal(await fact('school'), '示范学校 · 杭州市 · 高一(1)班');
      const startedAt = new Date((await catalog.api('get', `/recordings/${recordingId}`)).body.startedAt as string);
      assert.ok((await fact('date'))?.includes(hhmm(startedAt)), `date ${await fact('date')} names ${hhmm(startedAt)} (Shanghai)`);
      const seconds = Math.round(recording.durationSeconds);
      assert.equal(await fact('duration'), `0:${String(seconds).padStart(2, '0')}`);

      // Every state the Download box goes through, seen as it changes (not sampled on a timer).
      await page.evaluate(() => {
        const box = document.querySelector<HTMLElement>('.replay-download')!;
        const seen: Array<{ state: string; barShown: boolean; words: string }> = [];
        (window as unknown as { downloadStates: typeof seen }).downloadStates = seen;
        new MutationObserver(() => {
          const bar = box.querySelector('progress')!;
          seen.push({ state: box.dataset.state ?? '', barShown: !bar.hidden, words: box.querySelector('.replay-download-status')?.textContent ?? '' });
        }).observe(box, { attributes: true, subtree: true, childList: true, characterData: true });
      });
      const downloading = page.waitForEvent('download', { timeout: 120_000 });
      await page.getByRole('button', { name: 'Download MP4' }).click();
      const download = await downloading;
      const states = await page.evaluate(() => (window as unknown as { downloadStates: Array<{ state: string; barShown: boolean; words: string }> }).downloadStates);
      const preparing = states.find((seen) => seen.state === 'preparing');
      assert.ok(preparing?.barShown, `the progress bar showed while preparing: ${JSON.stringify(states)}`);
      assert.match(preparing.words, /^Preparing the MP4… \d+%$/);
      assert.equal(states.at(-1)?.state, 'ready');
      assert.equal(download.suggestedFilename(), `数学 - 一元二次方程 - ${shanghaiDay(startedAt)} ${hhmm(startedAt).replace(':', '')}.mp4`);
      const file = join(posterDir, 'download.mp4');
      await download.saveAs(file);
      const { stdout } = await run(findMediaTool('ffprobe', process.env.FFMPEG_PATH), ['-v', 'error', '-show_entries', 'format=duration,format_name:stream=codec_type,codec_name', '-of', 'json', file]);
      const probe = JSON.parse(stdout) as { format: { duration: string; format_name: string }; streams: Array<{ codec_type: string; codec_name: string }> };
      process.stdout.write(`# mp4: ${Number(probe.format.duration).toFixed(3)} s, streams ${probe.streams.map((stream) => stream.codec_name).join('+')}, states ${states.map((seen) => seen.state).join(' ')}\n`);
      assert.match(probe.format.format_name, /mp4/);
      assert.deepEqual(probe.streams.map((stream) => `${stream.codec_type}:${stream.codec_name}`).sort(), ['audio:aac', 'video:h264']);
      assert.ok(Math.abs(Number(probe.format.duration) - recording.durationSeconds) <= 1, `mp4 ${probe.format.duration} s, replay ${recording.durationSeconds} s`);
    } finally {
      await context.close();
    }
    for (const language of Object.keys(languages) as Language[]) {
      for (const viewport of Object.keys(viewports) as ViewportName[]) {
        const shot = await open(`/replay/${recordingId}`, { language, viewport });
        await shot.page.locator('#replay-panel:not([hidden])').waitFor({ timeout: 30_000 });
        await waitFor('the replay to show a frame', () => shot.page.evaluate(() => (document.querySelector('video')?.currentTime ?? 0) > 0.5), 60_000);
        await shot.page.evaluate(() => document.querySelector('video')?.pause());
        process.stdout.write(`# screenshot: ${await saveShot(shot.page, `replay-${language}-${viewport}`)}\n`);
        await shot.context.close();
      }
    }
  });

  it('a made-up lesson or recording gets status 404 and a page in words, in Chinese and English', async () => {
    const expected = {
      'zh-CN': { lesson: '找不到这节课', recording: '找不到这个回放', link: '返回课表' },
      en: { lesson: 'Lesson not found', recording: 'Replay not found', link: 'Go to the timetable' },
    };
    for (const language of Object.keys(languages) as Language[]) {
      for (const [path, what] of [['/watch/no-such-lesson', 'lesson'], ['/timeshift/no-such-lesson', 'lesson'], ['/replay/no-such-recording', 'recording']] as const) {
        const { context, page, status } = await open(path, { language });
        try {
          assert.equal(status, 404, path);
          assert.equal(await page.locator('h1').textContent(), expected[language][what], `${path} in ${language}`);
          assert.equal(await page.getByRole('link', { name: expected[language].link }).getAttribute('href'), '/');
          assert.equal(await page.locator('video').count(), 0, 'no player for what does not exist');
        } finally {
          await context.close();
        }
      }
      // The page has no script; its language switcher is a link per language, which the server
      // answers in that language (still 404) and remembers for the pages that follow.
      const other: Language = language === 'en' ? 'zh-CN' : 'en';
      const switching = await open('/watch/no-such-lesson', { language });
      try {
        assert.equal(await switching.page.locator('script').count(), 0, 'the 404 page has no script');
        const links = switching.page.locator('.language-links a');
        assert.equal(await links.count(), 2);
        assert.equal(await switching.page.locator(`.language-links a[lang="${language}"]`).getAttribute('aria-current'), 'true');
        const answer = switching.page.waitForResponse((response) => response.url().includes(`lang=${other}`));
        await switching.page.locator(`.language-links a[lang="${other}"]`).click();
        assert.equal((await answer).status(), 404);
        await waitFor(`the 404 page in ${other}`, async () => ((await switching.page.locator('h1').textContent()) === expected[other].lesson ? true : undefined), 30_000);
        assert.equal(await switching.page.locator('html').getAttribute('lang'), other);
        assert.equal(new URL(switching.page.url()).pathname, '/watch/no-such-lesson');
        await switching.page.goto(`${catalog.url}/replay/no-such-recording`);
        assert.equal(await switching.page.locator('h1').textContent(), expected[other].recording, 'the next page speaks the language chosen');
      } finally {
        await switching.context.close();
      }
      for (const viewport of Object.keys(viewports) as ViewportName[]) {
        const shot = await open('/replay/no-such-recording', { language, viewport });
        process.stdout.write(`# screenshot: ${await saveShot(shot.page, `not-found-${language}-${viewport}`)}\n`);
        await shot.context.close();
      }
    }
  });

  it('an existing school lesson asks the signed-out to sign in, and tells another school that it may not watch', async () => {
    const signedOut = await open(`/watch/${lessons.schoolOnly}`);
    try {
      assert.equal(signedOut.status, 200);
      await signedOut.page.getByText('This lesson is for its school only. Sign in with your school account to watch it.').waitFor({ timeout: 30_000 });
    } finally {
      await signedOut.context.close();
    }
    const otherSchool = await open(`/watch/${lessons.schoolOnly}`, { session: otherStudentToken });
    try {
      await otherSchool.page.getByText('This lesson is for its school only, and your account is not of that school.').waitFor({ timeout: 30_000 });
      assert.equal(await otherSchool.page.getByText(/Sign in/).count(), 0, 'signing in again would not help');
    } finally {
      await otherSchool.context.close();
    }
  });

  it('the timetable shows when an ended lesson really ran, a live card with poster and viewer count, and a week grid by day and period', async () => {
    const { context, page } = await open('/');
    try {
      const card = (id: string) => page.locator(`.lesson-card[data-lesson="${id}"]`);
      await card(lessons.replayed).waitFor();
      const when = card(lessons.replayed).locator('[data-when="ran"]');
      assert.equal(await when.textContent(), `Ran Today ${hhmm(ran.start)}–${hhmm(ran.end)}`);
      assert.equal(await when.getAttribute('title'), `Scheduled Today ${hhmm(scheduled.start)}–${hhmm(scheduled.end)}`);
      const poster = card(lessons.liveWithPoster).locator('img.lesson-poster');
      await waitFor('the poster to load', () => poster.evaluate((image: HTMLImageElement) => image.complete && image.naturalWidth === 320), 30_000);
      await card(lessons.liveWithPoster).getByText('42 watching').waitFor();
      // Without a poster or a count, the card shows neither (the image hides itself once its request fails).
      await waitFor('the missing poster to hide', async () => (await card(lessons.liveBare).locator('img').count()) === 0, 30_000);
      assert.equal(await card(lessons.liveBare).locator('.lesson-viewers').count(), 0);
    } finally {
      await context.close();
    }

    const today = shanghaiDay(new Date());
    for (const language of Object.keys(languages) as Language[]) {
      for (const viewport of Object.keys(viewports) as ViewportName[]) {
        const week = await open('/?view=week', { language, viewport });
        try {
          const grid = week.page.locator('table.week-grid');
          await grid.waitFor();
          assert.equal(await grid.locator('thead th[data-day]').count(), 7, 'seven days across');
          const cell = (time: string, id: string) => grid.locator(`tbody tr:has(th:has-text("${time}")) td:has([data-lesson="${id}"])`);
          assert.equal(await cell(slot, lessons.replayed).getAttribute('data-day'), today);
          assert.equal(await cell(slot, lessons.replayed).locator('a').getAttribute('href'), `/replay/${recordingId}`);
          const monday = await grid.locator('thead th[data-day]').first().getAttribute('data-day');
          assert.equal(await cell('10:00', lessons.monday).getAttribute('data-day'), monday);
          const periods = await grid.locator('tbody th .week-period').allTextContents();
          assert.equal(periods[0], language === 'en' ? 'Period 1' : '第 1 节');
          // Today's column is in view, beside the periods, however narrow the screen.
          const column = await grid.locator('thead th.week-today').boundingBox();
          assert.ok(column && column.x >= 0 && column.x + column.width <= viewports[viewport].width + 1, `today's column at ${JSON.stringify(column)} on a ${viewport}`);
          process.stdout.write(`# screenshot: ${await saveShot(week.page, `timetable-week-${language}-${viewport}`)}\n`);
        } finally {
          await week.context.close();
        }
        const list = await open('/', { language, viewport });
        await list.page.locator(`.lesson-card[data-lesson="${lessons.liveWithPoster}"] .lesson-viewers`).waitFor();
        const shownPoster = list.page.locator(`.lesson-card[data-lesson="${lessons.liveWithPoster}"] img.lesson-poster`);
        await waitFor('the poster to load', () => shownPoster.evaluate((image: HTMLImageElement) => image.complete && image.naturalWidth > 0), 30_000);
        process.stdout.write(`# screenshot: ${await saveShot(list.page, `timetable-list-${language}-${viewport}`)}\n`);
        await list.context.close();
      }
    }
  });
});
