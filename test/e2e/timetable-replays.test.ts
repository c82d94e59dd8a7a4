// Replays on the timetable page, in headless Chromium: two lessons went live and ended through the
// catalog calls ingest makes (markLive + openDefaultRecording, then markEnded + finishRecordings),
// each with real media in its lesson folder from a short ffmpeg run, so each has a real replay under
// /vod/. The public lesson's card offers "Watch replay" to anyone; the school lesson shows only to
// its school. Anyone who may watch a replay may prepare its MP4 from the card; a signed-in student
// does and downloads it; once prepared, anyone gets "Download MP4". Following "Watch replay" opens the replay page, which plays.
// Screenshot: scratch/shots/timetable-replays.png.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { catalogApi } from '../../services/catalog/api/catalog-api.ts';
import { createAccount } from '../../services/catalog/auth/accounts.ts';
import { sessionCookieName } from '../../services/catalog/auth/session-cookie.ts';
import { createSession } from '../../services/catalog/auth/sessions.ts';
import type { Database } from '../../services/catalog/db/database.ts';
import { openDatabase } from '../../services/catalog/db/open-database.ts';
import { markEnded, markLive } from '../../services/catalog/ingest/lesson-lifecycle.ts';
import { finishRecordings, openDefaultRecording } from '../../services/catalog/ingest/recording-lifecycle.ts';
import { resolveConfig } from '../../services/core/config/load.ts';
import { startHttpServer, type HttpServer } from '../../services/core/http-server.ts';
import { createLogger, setLogLevel } from '../../services/core/log.ts';
import { vodRoutes } from '../../services/origin/vod-routes.ts';
import { pageRoutes } from '../../services/web/pages.ts';
import { saveShot, viewports } from '../../scripts/screenshots/shots.ts';
import { launchChromium } from '../helpers/browser.ts';
import { writeRecordedLesson } from '../helpers/recorded-lesson.ts';
import { waitFor } from '../helpers/wait-for.ts';
import { waitForPlayback } from '../helpers/watch-page.ts';

const mediaSeconds = 4;

describe('replays on the timetable page', { timeout: 240_000 }, () => {
  let dataDir: string;
  let db: Database;
  let server: HttpServer;
  let browser: Browser;
  let base: string;
  let studentToken: string;
  const lessons = { public: 'replay-room-public', school: 'replay-room-school' };
  const recordings: Record<keyof typeof lessons, string> = { public: '', school: '' };

  before(async () => {
    dataDir = await mkdtemp(join(tmpdir(), 'classcast-timetable-replays-'));
    setLogLevel((process.env.CLASSCAST_TEST_LOG as 'debug' | 'info' | undefined) ?? 'warn');
    const config = resolveConfig([{ source: 'test', values: { dataDir, databaseUrl: 'memory://', http: { host: '127.0.0.1', port: 0 }, demo: { enabled: false } } }]);
    const log = createLogger({ role: 'catalog', node: 'test' });
    db = await openDatabase(config, log);
    const context = { db, config, log, rtmpBase: () => 'rtmp://127.0.0.1/live' };
    server = await startHttpServer({
      host: '127.0.0.1',
      port: 0,
      routers: [catalogApi(context), pageRoutes(), vodRoutes(join(dataDir, 'vod'))],
      log,
      health: () => ({ role: 'catalog' }),
    });
    base = `http://127.0.0.1:${server.port}`;

    const [city] = await db.query<{ id: number }>("insert into cities (province_id, name) values (1, 'Riverton') returning id");
    const [school] = await db.query<{ id: number }>("insert into schools (city_id, name) values ($1, 'North High School') returning id", [city!.id]);
    const student = await createAccount(db, { username: 'replay-student', password: 'correct horse battery', displayName: 'Sam Student', role: 'student', schoolId: school!.id });
    studentToken = (await createSession(db, student.id, 1)).token;
    const now = Date.now();
    for (const [visibility, id] of Object.entries(lessons)) {
      await db.query('insert into classrooms (id, school_id, name, primary_key) values ($1, $2, $3, $4)', [id, school!.id, `Room ${visibility}`, `key-${id}-primary`]);
      await db.query('insert into lessons (id, classroom_id, title, starts_at, ends_at, visibility) values ($1, $1, $2, $3, $4, $5)', [
        id,
        visibility === 'public' ? 'Linear equations' : 'Staff-only revision',
        new Date(now - 20 * 60_000),
        new Date(now + 20 * 60_000),
        visibility,
      ]);
    }
    // Both lessons go live, publish media, and end, as ingest would carry them.
    await Promise.all(
      Object.entries(lessons).map(async ([visibility, id]) => {
        await markLive(db, id, 'test-node');
        recordings[visibility as keyof typeof lessons] = (await openDefaultRecording(db, id))!;
        await writeRecordedLesson(join(dataDir, 'live', id), mediaSeconds);
        await markEnded(db, id);
        await finishRecordings(db, { lessonId: id, lessonDir: join(dataDir, 'live', id), vodDir: join(dataDir, 'vod'), log });
      }),
    );
    browser = await launchChromium();
  });

  after(async () => {
    await browser?.close();
    await server?.close();
    await db?.close();
    await rm(dataDir, { recursive: true, force: true });
  });

  const openTimetable = async (signedIn: boolean): Promise<{ context: BrowserContext; page: Page }> => {
    const context = await browser.newContext({ viewport: viewports.desktop, acceptDownloads: true });
    if (signedIn) await context.addCookies([{ name: sessionCookieName, value: studentToken, url: base }]);
    const page = await context.newPage();
    page.on('pageerror', (error) => process.stderr.write(`[timetable page error] ${error.message}\n`));
    await page.goto(`${base}/`);
    await page.locator('[data-section="ended"]').waitFor();
    return { context, page };
  };
  const card = (page: Page, lessonId: string) => page.locator(`.lesson-card[data-lesson="${lessonId}"]`);

  it('the API lists each ended lesson with its replay, to those who may see the lesson', async () => {
    const items = async (headers: Record<string, string> = {}) =>
      ((await (await fetch(`${base}/api/v1/timetable`, { headers })).json()) as { items: Array<{ id: string; replays: Array<{ recordingId: string; replayUrl: string; durationSeconds: number; mp4: { state: string } }> }> }).items;
    const anonymous = await items();
    assert.deepEqual(anonymous.map((item) => item.id), [lessons.public]);
    const [replay] = anonymous[0]!.replays;
    assert.equal(replay?.recordingId, recordings.public);
    assert.equal(replay?.replayUrl, `/replay/${recordings.public}`);
    assert.equal(replay?.mp4.state, 'none');
    assert.ok(Math.abs(replay!.durationSeconds - mediaSeconds) <= 1, `replay lasts ${replay!.durationSeconds} s`);
    const student = await items({ authorization: `Bearer ${studentToken}` });
    assert.deepEqual(
      Object.fromEntries(student.map((item) => [item.id, item.replays.map((entry) => entry.recordingId)])),
      { [lessons.public]: [recordings.public], [lessons.school]: [recordings.school] },
    );
  });

  it('anyone gets "Watch replay" for a public lesson; only its school sees a school lesson; anyone who may watch prepares the MP4', async () => {
    const { context, page } = await openTimetable(false);
    try {
      const link = card(page, lessons.public).getByRole('link', { name: /Watch replay/ });
      assert.equal(await link.getAttribute('href'), `/replay/${recordings.public}`);
      assert.equal(await card(page, lessons.school).count(), 0, 'a school lesson is not on the public timetable');
      assert.equal(await card(page, lessons.public).getByRole('button', { name: 'Prepare MP4' }).count(), 1, 'anyone who may watch the replay may prepare its MP4');
      assert.equal(await card(page, lessons.public).getByRole('link', { name: 'Download MP4' }).count(), 0, 'nothing to download yet');
    } finally {
      await context.close();
    }

    const signedIn = await openTimetable(true);
    try {
      const publicCard = card(signedIn.page, lessons.public);
      assert.equal(await card(signedIn.page, lessons.school).getByRole('link', { name: /Watch replay/ }).getAttribute('href'), `/replay/${recordings.school}`);
      await publicCard.getByRole('button', { name: 'Prepare MP4' }).click();
      const download = publicCard.getByRole('link', { name: 'Download MP4' });
      await download.waitFor({ timeout: 60_000 });
      assert.equal(await download.getAttribute('href'), `/api/v1/recordings/${recordings.public}/mp4`);
      const answer = await signedIn.page.request.get(`${base}/api/v1/recordings/${recordings.public}/mp4`);
      assert.equal(answer.status(), 200);
      assert.equal(answer.headers()['content-type'], 'video/mp4');
      const bytes = await answer.body();
      assert.equal(bytes.subarray(4, 8).toString('latin1'), 'ftyp', 'an MP4 file');
    } finally {
      await signedIn.context.close();
    }
  });

  it('once prepared, anyone downloads the MP4; "Watch replay" opens the replay page, which plays', async () => {
    const { context, page } = await openTimetable(false);
    try {
      const publicCard = card(page, lessons.public);
      await publicCard.getByRole('link', { name: 'Download MP4' }).waitFor();
      const shot = await saveShot(page, 'timetable-replays');
      process.stdout.write(`# screenshot: ${shot}\n`);
      await publicCard.getByRole('link', { name: /Watch replay/ }).click();
      await page.waitForURL(`${base}/replay/${recordings.public}`);
      const playing = await waitForPlayback(page, 1, 60_000);
      assert.ok(playing.currentTime >= 1);
      assert.deepEqual(playing.errors, []);
    } finally {
      await context.close();
    }
  });
});
