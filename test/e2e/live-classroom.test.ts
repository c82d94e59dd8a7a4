// The live classroom end to end, with a real lesson (ffmpeg pushing RTMP) played through a city
// relay: the lesson is protected, so its questions feed (/live/<lesson>/qa.json) is refused without
// a playback token at the origin and at the relay, like its media. Three students in Chromium watch
// it while its teacher runs the console (/teach/<lesson>): a question reaches the console, a pin
// reaches every student, a hidden comment disappears from every student's page, a muted student's
// next post is refused with a message, and markup in a post is shown as text, never run. Students
// read the feed from the relay they play from. Waits are generous (a busy machine); nothing here
// asserts on timings.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { catalogApi } from '../../services/catalog/api/catalog-api.ts';
import { createAccount } from '../../services/catalog/auth/accounts.ts';
import { createSession } from '../../services/catalog/auth/sessions.ts';
import { sessionCookieName } from '../../services/catalog/auth/session-cookie.ts';
import type { Database } from '../../services/catalog/db/database.ts';
import { openDatabase } from '../../services/catalog/db/open-database.ts';
import { resolveConfig } from '../../services/core/config/load.ts';
import { createLogger } from '../../services/core/log.ts';
import type { PlaybackSettings } from '../../services/core/config/playback-settings.ts';
import { signPlaybackToken } from '../../services/core/playback-token.ts';
import type { DemoEncoder } from '../../services/demo/demo-encoder.ts';
import { launchChromium } from '../helpers/browser.ts';
import { pushTestPattern } from '../helpers/media.ts';
import { startTestIngest, type TestIngest } from '../helpers/test-ingest.ts';
import { startTestRelay, type TestRelay } from '../helpers/test-relay.ts';
import { waitFor } from '../helpers/wait-for.ts';
import { stopAll } from '../helpers/stop-all.ts';

const key = 'classroom-qa-room-key';
const lessonId = 'room-qa-lesson';
const playback: PlaybackSettings = { secrets: ['live-classroom-test-secret-0123456789abcdef'], tokenTtlSeconds: 600 };
const markup = '<script>window.__qaRan = true</script><b>bold?</b> <img src=x onerror="window.__qaRan = true">';

describe('the live classroom through a city relay', { timeout: 240_000 }, () => {
  let db: Database;
  let ingest: TestIngest;
  let relay: TestRelay;
  let encoder: DemoEncoder;
  let browser: Browser;
  let cityId: string;
  /** Session tokens by person. */
  const sessions: Record<'teacher' | 'amy' | 'bob' | 'chen', string> = { teacher: '', amy: '', bob: '', chen: '' };

  before(async () => {
    const log = createLogger({ role: 'catalog', node: 'test' });
    db = await openDatabase({ databaseUrl: 'memory://', dataDir: '/tmp' }, log);
    const config = resolveConfig([{ source: 'test', values: { demo: { enabled: false } } }]);
    const api = catalogApi({ db, config, log, rtmpBase: () => 'rtmp://127.0.0.1/live', playback });
    ingest = await startTestIngest({ classrooms: [{ id: 'room-qa', key }] }, () => relay.baseUrl, { playback, db, routers: [api] });
    const province = (await db.query<{ id: number }>("insert into provinces (name) values ('Test province') returning id"))[0]!.id;
    const city = (await db.query<{ id: number }>("insert into cities (province_id, name) values ($1, 'North') returning id", [province]))[0]!;
    cityId = String(city.id);
    const schoolId = (await db.query<{ id: number }>("insert into schools (city_id, name) values ($1, 'North school') returning id", [city.id]))[0]!.id;
    await db.query('update classrooms set school_id = $1 where id = $2', [schoolId, 'room-qa']);
    for (const person of Object.keys(sessions) as Array<keyof typeof sessions>) {
      const account = await createAccount(db, { username: person, password: 'a long test password', displayName: person === 'teacher' ? '王老师' : person, role: person === 'teacher' ? 'teacher' : 'student', schoolId });
      sessions[person] = (await createSession(db, account.id, 1)).token;
      if (person === 'teacher') {
        const course = (await db.query<{ id: number }>("insert into courses (school_id, title, subject, grade, teacher_account_id) values ($1, 'Physics', 'Physics', '10', $2) returning id", [schoolId, account.id]))[0]!;
        await db.query(
          `insert into lessons (id, classroom_id, course_id, title, starts_at, ends_at, visibility)
           values ($1, 'room-qa', $2, 'Light and colour', now() - interval '1 minute', now() + interval '1 hour', 'protected')`,
          [lessonId, course.id],
        );
      }
    }
    relay = await startTestRelay([ingest.baseUrl], {}, undefined, { playback: { ...playback, city: cityId } });
    encoder = pushTestPattern(ingest.rtmpUrl(key), { width: 640, height: 360, fps: 25 });
    await waitFor('the lesson', () => ingest.ingest.lessons.get(lessonId), 30_000);
    await waitFor('the master playlist', () => existsSync(join(ingest.ingest.liveDir, lessonId, 'master.m3u8')), 30_000);
  });
  after(() => stopAll(browser, relay, encoder, ingest, db));

  it("refuses the protected lesson's feed without a token at the origin and at the relay, and serves it with one", async () => {
    const path = `/live/${lessonId}/qa.json`;
    for (const base of [ingest.baseUrl, relay.baseUrl]) {
      const refused = await fetch(`${base}${path}`);
      assert.equal(refused.status, 403, `${base}: no token`);
      assert.match(((await refused.json()) as { error: { message: string } }).error.message, /playback token/);
      const forged = await fetch(`${base}${path}?token=not-a-token`);
      assert.equal(forged.status, 403, `${base}: a forged token`);
    }
    const token = signPlaybackToken(playback.secrets, { scope: 'live', id: lessonId, expiresAt: Math.floor(Date.now() / 1000) + 600, city: cityId });
    for (const base of [ingest.baseUrl, relay.baseUrl]) {
      const served = await fetch(`${base}${path}?token=${encodeURIComponent(token)}`);
      assert.equal(served.status, 200, base);
      // Fresh for a second, and private: only a tier that checks tokens itself may keep it.
      assert.equal(served.headers.get('cache-control'), 'private, max-age=1', base);
      const feed = (await served.json()) as { lesson: string; items: unknown[] };
      assert.equal(feed.lesson, lessonId);
      assert.ok(Array.isArray(feed.items));
    }
  });

  it('carries questions, pins, hides and mutes between three students and the teacher, as text', async () => {
    browser = await launchChromium();
    const open = async (person: keyof typeof sessions, path: string): Promise<Page> => {
      const context = await browser.newContext({ viewport: { width: 1280, height: 800 } });
      await context.addCookies([{ name: sessionCookieName, value: sessions[person], url: ingest.baseUrl }]);
      const page = await context.newPage();
      page.on('pageerror', (error) => process.stderr.write(`[${person} page error] ${error.message}\n`));
      await page.goto(`${ingest.baseUrl}${path}`);
      return page;
    };
    const teacher = await open('teacher', `/teach/${lessonId}`);
    const students = { amy: await open('amy', `/watch/${lessonId}`), bob: await open('bob', `/watch/${lessonId}`), chen: await open('chen', `/watch/${lessonId}`) };
    const feedReads: string[] = [];
    students.bob.on('request', (request) => request.url().includes('/qa.json') && feedReads.push(request.url()));
    const all = Object.values(students);
    for (const page of all) await page.locator('#qa-panel .qa-form').waitFor({ timeout: 60_000 });

    const post = async (page: Page, kind: 'question' | 'comment', text: string) => {
      await page.locator('#qa-panel select.qa-kind').selectOption(kind);
      await page.locator('#qa-panel textarea.qa-text').fill(text);
      await page.locator('#qa-panel button.qa-send').click();
    };
    const consoleItem = (text: string) => teacher.locator('#teach-console li.qa-item').filter({ has: teacher.locator('.qa-body', { hasText: text }) });

    // A question with markup reaches the console, as the characters it is.
    await post(students.amy, 'question', markup);
    await consoleItem('bold?').waitFor({ timeout: 30_000 });
    assert.equal(await consoleItem('bold?').locator('.qa-body').textContent(), markup);
    assert.equal(await consoleItem('bold?').locator('.qa-body b, .qa-body img, .qa-body script').count(), 0, 'no element made from the post');

    // The teacher pins it: every student sees it pinned.
    await consoleItem('bold?').locator('button[data-action="pin"]').click();
    for (const page of all) await page.locator('#qa-panel .qa-pinned-list li.qa-item .qa-body', { hasText: 'bold?' }).waitFor({ timeout: 30_000 });
    for (const page of all) {
      assert.equal(await page.locator('#qa-panel .qa-pinned-list .qa-body').first().textContent(), markup);
      assert.equal(await page.evaluate(() => (window as unknown as { __qaRan?: boolean }).__qaRan), undefined, 'the markup never ran');
    }

    // A comment the teacher hides disappears from every student's page.
    await post(students.bob, 'comment', 'off-topic remark');
    for (const page of all) await page.locator('#qa-panel .qa-comment-list .qa-body', { hasText: 'off-topic remark' }).waitFor({ timeout: 30_000 });
    await consoleItem('off-topic remark').waitFor({ timeout: 30_000 });
    await consoleItem('off-topic remark').locator('button[data-action="hide"]').click();
    for (const page of all) await page.locator('#qa-panel .qa-body', { hasText: 'off-topic remark' }).waitFor({ state: 'detached', timeout: 30_000 });

    // The teacher mutes Chen from Chen's comment; Chen's next post is refused with a message.
    await post(students.chen, 'comment', 'spam spam');
    await consoleItem('spam spam').waitFor({ timeout: 30_000 });
    await consoleItem('spam spam').locator('button[data-action="mute"]').click();
    await consoleItem('spam spam').locator('.qa-badge-muted').waitFor({ timeout: 30_000 });
    await post(students.chen, 'comment', 'more spam');
    const refusal = students.chen.locator('#qa-panel .qa-status.qa-status-error');
    await refusal.waitFor({ timeout: 30_000 });
    const lang = await students.chen.evaluate(() => document.documentElement.lang);
    assert.match((await refusal.textContent()) ?? '', lang === 'en' ? /The teacher has muted you in this lesson/ : /老师已在本课中将你禁言/, `the refusal says the teacher muted them, in the page's language (${lang})`);
    assert.equal(await consoleItem('more spam').count(), 0, 'the muted post was not stored');

    // Students read the feed from the relay they play from, with their playback token.
    assert.ok(feedReads.length > 0, 'the feed was read');
    assert.ok(feedReads.every((url) => url.startsWith(`${relay.baseUrl}/live/${lessonId}/qa.json?token=`)), feedReads.slice(0, 3).join(' '));

    // The node's /metrics counts what happened (the catalog API runs in this process, as in `classcast all`).
    const metrics = await (await fetch(`${ingest.baseUrl}/metrics`)).text();
    const figure = (pattern: RegExp) => Number(pattern.exec(metrics)?.[1] ?? 0);
    assert.ok(figure(/^classcast_qa_posts_total\{kind="question"[^}]*\} (\d+)/m) >= 1, 'questions counted');
    assert.ok(figure(/^classcast_qa_posts_total\{kind="comment"[^}]*\} (\d+)/m) >= 2, 'comments counted');
    for (const action of ['pin', 'hide', 'mute']) assert.ok(figure(new RegExp(`^classcast_qa_moderation_actions_total\\{action="${action}"[^}]*\\} (\\d+)`, 'm')) >= 1, `${action} counted`);
    assert.ok(figure(/^classcast_qa_refused_total\{reason="muted"[^}]*\} (\d+)/m) >= 1, 'the muted post counted as refused');
    assert.ok(figure(/^classcast_qa_feed_builds_total\{[^}]*\} (\d+)/m) >= 1, 'feed documents built');

    // Every teacher action is in the audit log under its account.
    const audited = await db.query<{ action: string; username: string }>("select action, username from audit_log where resource = 'qa' and username = 'teacher' and status = 200 order by id");
    assert.deepEqual(audited.map((entry) => entry.action), ['POST /lessons/:id/qa/items/:item/pin', 'POST /lessons/:id/qa/items/:item/hide', 'POST /lessons/:id/qa/items/:item/mute']);
  });
});
