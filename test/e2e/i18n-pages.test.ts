// Every page in headless Chromium as a Chinese viewer (zh-CN) and as an English one (en-US): the
// page's <html lang>, no text from the other language's catalog, times on Shanghai's clock whatever
// the browser's zone, and the language switcher, remembered by the browser and by a signed-in
// account. A Chinese catalog is made with Chinese names only (no ASCII ids typed). Each page is
// photographed in zh-CN at desktop and phone sizes into test-output/i18n-screenshots/ for a person
// to look at.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { mkdir } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { catalogApi } from '../../services/catalog/api/catalog-api.ts';
import { sessionCookieName } from '../../services/catalog/auth/session-cookie.ts';
import { startHttpServer, type HttpServer } from '../../services/core/http-server.ts';
import { createLogger } from '../../services/core/log.ts';
import { pageRoutes } from '../../services/web/pages.ts';
import { catalogs } from '../../player/src/i18n/messages/catalogs.ts';
import { startOfDayIn } from '../../player/src/i18n/zoned-time.ts';
import { launchChromium } from '../helpers/browser.ts';
import { startTestCatalog, type TestCatalog } from '../helpers/test-catalog.ts';
import { waitFor } from '../helpers/wait-for.ts';

const screenshots = fileURLToPath(new URL('../../test-output/i18n-screenshots/', import.meta.url));
/** The player showing one of its notices (error-messages.ts) over the video. */
const playerNotice = 'body[data-player-state="waiting"] .vjs-error-display, body[data-player-state="error"] .vjs-error-display';
const viewports = { desktop: { width: 1280, height: 860 }, phone: { width: 390, height: 844 } } as const;
const names = { city: '示范市', school: '示范学校', classroom: '高一(1)班', course: '数学', lesson: '函数的概念' };

/** The other catalog's whole messages (no arguments, long enough not to be part of a name): none may show. */
function foreignMessages(lang: 'zh-CN' | 'en'): string[] {
  const other = lang === 'zh-CN' ? catalogs.en : catalogs['zh-CN'];
  const own = catalogs[lang];
  return (Object.keys(other) as Array<keyof typeof other>)
    .map((key) => [other[key], own[key]] as const)
    .filter(([theirs, ours]) => theirs !== ours && !theirs.includes('{'))
    .map(([theirs]) => theirs)
    .filter((text) => (lang === 'zh-CN' ? /[a-z] [a-z]/i.test(text) && text.length >= 8 : [...text].length >= 4 && !Object.values(names).some((name) => name.includes(text))));
}

describe('pages in Chinese and in English', { timeout: 240_000 }, () => {
  let catalog: TestCatalog;
  let server: HttpServer;
  let browser: Browser;
  let base: string;
  let operator: string;
  let schoolId: number;
  let lessonId: string;
  let classroomId: string;
  let courseId: number;
  let start: number;

  before(async () => {
    catalog = await startTestCatalog();
    server = await startHttpServer({ host: '127.0.0.1', port: 0, routers: [catalogApi(catalog.context), pageRoutes()], log: createLogger({ role: 'catalog', node: 'test' }), health: () => ({ role: 'catalog' }) });
    base = `http://127.0.0.1:${server.port}`;
    operator = (await catalog.signIn('operator')).token;
    const city = await catalog.api('post', '/cities', { token: operator, body: { name: names.city } });
    const school = await catalog.api('post', '/schools', { token: operator, body: { cityId: city.body.id, name: names.school } });
    schoolId = school.body.id;
    const classroom = await catalog.api('post', '/classrooms', { token: operator, body: { schoolId, name: names.classroom } });
    assert.equal(classroom.status, 201, JSON.stringify(classroom.body));
    classroomId = classroom.body.id;
    const course = await catalog.api('post', '/courses', { token: operator, body: { schoolId, title: '高一数学', subject: names.course, grade: '高一', teacherName: '李老师', description: '' } });
    // 00:30 to 01:15 today in Shanghai: on the UTC day before for eight hours of every day.
    start = startOfDayIn(new Date(), 'Asia/Shanghai').getTime() + 30 * 60_000;
    courseId = course.body.id;
    const lesson = await catalog.api('post', '/lessons', {
      token: operator,
      body: { classroomId, courseId: course.body.id, title: names.lesson, startsAt: new Date(start).toISOString(), endsAt: new Date(start + 45 * 60_000).toISOString() },
    });
    assert.equal(lesson.status, 201, JSON.stringify(lesson.body));
    lessonId = lesson.body.id;
    await mkdir(screenshots, { recursive: true });
    browser = await launchChromium();
  });
  after(async () => {
    await browser?.close();
    await server?.close();
    await catalog?.close();
  });

  /** A browser as a person of that language would have it; an English one on UTC, to show the zone is the province's. */
  const contextFor = async (lang: 'zh-CN' | 'en', viewport: { width: number; height: number } = viewports.desktop, signedIn = true): Promise<BrowserContext> => {
    const context = await browser.newContext({ locale: lang === 'zh-CN' ? 'zh-CN' : 'en-US', timezoneId: lang === 'zh-CN' ? 'Asia/Shanghai' : 'UTC', viewport });
    if (signedIn) await context.addCookies([{ name: sessionCookieName, value: operator, url: base }]);
    return context;
  };

  const pages = () => [
    { name: 'timetable', path: '/', ready: `[data-lesson="${lessonId}"]` },
    { name: 'login', path: '/login', ready: 'form input[name="password"]', signedOut: true },
    // An operator exists: the setup page says the platform is set up and points to sign-in.
    { name: 'setup', path: '/setup', ready: '[data-setup-done]', signedOut: true },
    { name: 'school', path: `/school?school=${schoolId}`, ready: `[data-classroom="${classroomId}"]` },
    { name: 'admin-classrooms', path: '/admin#classrooms', ready: `tr[data-id="${classroomId}"]` },
    { name: 'admin-lessons', path: '/admin#lessons', ready: `tr[data-id="${lessonId}"]` },
    { name: 'admin-audit', path: '/admin#audit', ready: 'tr[data-id]' },
    { name: 'admin-settings', path: '/admin#settings', ready: 'form[data-form="settings"] select[name="timeZone"]' },
    { name: 'dashboard', path: '/dashboard', ready: '.tiles' },
    // Nothing is pushed: the player says it waits for the lesson (or that the replay is missing).
    { name: 'watch', path: `/watch/${lessonId}`, ready: ['#lesson-detail:not([hidden])', playerNotice] },
    { name: 'timeshift', path: `/timeshift/${lessonId}`, ready: playerNotice },
    { name: 'replay', path: '/replay/no-such-recording', ready: playerNotice },
    // The operator may run any lesson's console; its Q&A lists and settings show once read.
    { name: 'teach', path: `/teach/${lessonId}`, ready: ['#teach-console:not([hidden])', '#teach-settings:not([hidden])'] },
  ];

  const open = async (context: BrowserContext, path: string, ready: string | string[]): Promise<Page> => {
    const page = await context.newPage();
    page.on('pageerror', (error) => process.stderr.write(`[${path} page error] ${error.message}\n`));
    await page.goto(`${base}${path}`);
    for (const selector of [ready].flat()) await page.locator(selector).first().waitFor({ timeout: 15_000 });
    return page;
  };

  for (const lang of ['zh-CN', 'en'] as const) {
    it(`every page speaks ${lang} only, with lang="${lang}"`, async () => {
      const signedIn = await contextFor(lang);
      const signedOut = await contextFor(lang, viewports.desktop, false);
      try {
        for (const { name, path, ready, signedOut: anonymous } of pages()) {
          const page = await open(anonymous ? signedOut : signedIn, path, ready);
          assert.equal(await page.evaluate(() => document.documentElement.lang), lang, `${name}: <html lang>`);
          const text = await page.evaluate(() => `${document.title}\n${document.body.innerText}`);
          const foreign = foreignMessages(lang).filter((message) => text.includes(message));
          assert.deepEqual(foreign, [], `${name} shows text of the other language`);
          if (lang === 'zh-CN') assert.ok(!/\b(Loading|Sign in|Timetable|Today|Tomorrow)\b/.test(text), `${name}: no English words: ${text.slice(0, 400)}`);
          await page.close();
        }
      } finally {
        await signedIn.close();
        await signedOut.close();
      }
    });
  }

  it("a lesson at 00:30 in Shanghai is today's, shown at 00:30 to a Chinese viewer and to an English one on UTC", async () => {
    const today = await catalog.api('get', `/timetable?range=today&schoolId=${schoolId}`);
    assert.deepEqual(today.body.items.map((lesson: { id: string }) => lesson.id), [lessonId], "the API's today is Shanghai's day");
    for (const [lang, day] of [['zh-CN', '今天'], ['en', 'Today']] as const) {
      const context = await contextFor(lang);
      try {
        const page = await open(context, '/', `[data-lesson="${lessonId}"]`);
        assert.equal((await page.locator(`[data-lesson="${lessonId}"] .lesson-when`).textContent())?.trim(), `${day} 00:30–01:15`, lang);
        const detail = await page.locator(`[data-lesson="${lessonId}"]`).innerText();
        assert.match(detail, /高一(?!\s*年级)/, `${lang}: the grade is named as given, not "grade 高一"`);
      } finally {
        await context.close();
      }
    }
  });

  it('Chinese names are searched, and sorted in pinyin order on a Chinese page', async () => {
    const found = await catalog.api('get', `/timetable?q=${encodeURIComponent('函数')}`);
    assert.deepEqual(found.body.items.map((lesson: { id: string }) => lesson.id), [lessonId]);
    // Code-point order would be 广州, 成都, 杭州, 示范市; pinyin order is chéng, guǎng, háng, shì.
    for (const name of ['杭州', '广州', '成都']) await catalog.api('post', '/cities', { token: operator, body: { name } });
    const context = await contextFor('zh-CN');
    try {
      const page = await open(context, '/', `[data-lesson="${lessonId}"]`);
      await page.locator('select[aria-label="城市"] option', { hasText: '杭州' }).waitFor({ state: 'attached' });
      const cities = await page.locator('select[aria-label="城市"] option').allTextContents();
      assert.deepEqual(cities, ['全部城市', '成都', '广州', '杭州', '示范市']);
      await page.locator('input[name="q"]').fill('函数');
      await page.waitForURL(/q=%E5%87%BD%E6%95%B0/);
      await page.locator(`[data-lesson="${lessonId}"]`).waitFor();
      const admin = await open(context, '/admin#cities', 'tr[data-id]');
      await admin.locator('tr[data-id]', { hasText: '杭州' }).waitFor();
      const rows = await admin.locator('tbody tr td:first-child').allTextContents();
      assert.deepEqual(rows, ['成都', '广州', '杭州', '示范市']);
    } finally {
      await context.close();
    }
  });

  it('the switcher changes the language, the browser remembers it, and so does a signed-in account', async () => {
    const context = await contextFor('zh-CN');
    try {
      const page = await open(context, `/school?school=${schoolId}`, `[data-classroom="${classroomId}"]`);
      await Promise.all([page.waitForEvent('load'), page.locator('select.language-switcher').selectOption('en')]);
      await waitFor('the page to be drawn in English', async () => (await page.evaluate(() => document.documentElement.lang)) === 'en', 10_000);
      await page.locator(`[data-classroom="${classroomId}"]`).waitFor();
      assert.match(await page.locator('h1').innerText(), /^School$/);
      const watch = await open(context, `/watch/${lessonId}`, '#lesson-detail:not([hidden])');
      assert.equal(await watch.evaluate(() => document.documentElement.lang), 'en', 'the watch page follows the remembered choice');
      assert.equal(await watch.locator('.site-nav a').first().innerText(), 'Timetable');
    } finally {
      await context.close();
    }
    const me = await catalog.api('get', '/auth/me', { token: operator });
    assert.equal(me.body.account.locale, 'en', 'the account keeps the choice');
    // Another browser, Chinese, signed in as the same account: the page follows the account.
    const elsewhere = await contextFor('zh-CN');
    try {
      const page = await elsewhere.newPage();
      await page.goto(`${base}/school?school=${schoolId}`);
      await waitFor("the account's language", async () => (await page.evaluate(() => document.documentElement.lang)) === 'en', 10_000);
      await page.locator(`[data-classroom="${classroomId}"]`).waitFor();
      assert.equal(await page.locator('h1').innerText(), 'School');
    } finally {
      await elsewhere.close();
      await catalog.api('patch', '/auth/me', { token: operator, body: { locale: null } });
    }
  });

  it('the school page in Chinese: the hint before a school is chosen, "End lesson now" with its confirmation at Shanghai times, ended lessons, the loopback warning', async () => {
    // A live lesson 02:30-03:15 and an ended, unrecorded one 01:30-02:15 today in Shanghai, next to
    // the 00:30 one (ingest drives the state; here the test sets it).
    const made: Record<'live' | 'ended', string> = { live: '', ended: '' };
    for (const [state, offset, title] of [['ended', 60, '二次函数'], ['live', 120, '一元二次方程']] as const) {
      const at = start + offset * 60_000;
      const lesson = await catalog.api('post', '/lessons', {
        token: operator,
        body: { classroomId, courseId, title, startsAt: new Date(at).toISOString(), endsAt: new Date(at + 45 * 60_000).toISOString(), record: false },
      });
      assert.equal(lesson.status, 201, JSON.stringify(lesson.body));
      made[state] = lesson.body.id;
      await catalog.db.query(`update lessons set state = $2, went_live_at = $3, ended_at = $4 where id = $1`, [lesson.body.id, state, new Date(at), state === 'ended' ? new Date(at + 40 * 60_000) : null]);
    }
    const context = await contextFor('zh-CN');
    try {
      const chooser = await open(context, '/school', '[data-hint]');
      assert.match((await chooser.locator('[data-hint]').innerText()).trim(), /^请在上方选择一所学校/);
      await chooser.close();

      const page = await open(context, `/school?school=${schoolId}`, `li[data-lesson="${made.live}"] [data-end-lesson]`);
      const live = page.locator(`li[data-lesson="${made.live}"]`);
      assert.equal((await live.locator('[data-end-lesson]').innerText()).trim(), '立即结束课程');
      assert.match(await live.innerText(), /直播中/);
      const ended = page.locator(`li[data-lesson="${made.ended}"][data-state="ended"]`);
      await ended.waitFor();
      assert.match(await ended.innerText(), /二次函数.*已结束.*未录制/s);
      assert.match(await page.locator('.classroom').innerText(), /已结束的课程/);
      assert.match(await page.locator('[data-rtmp-loopback]').innerText(), /^其他机器上的编码器无法推流到 rtmp:\/\/127\.0\.0\.1:1935\/live：.*ingest\.rtmpUrl/);
      // The confirmation names the scheduled end on Shanghai's clock; dismissed, nothing is asked.
      let confirmation = '';
      page.once('dialog', (dialog) => {
        confirmation = dialog.message();
        void dialog.dismiss();
      });
      await live.locator('[data-end-lesson]').click();
      await waitFor('the confirmation', async () => confirmation !== '', 5_000);
      assert.match(confirmation, /^确定要立即结束“一元二次方程”吗？\n\n/);
      assert.match(confirmation, /在本课计划的结束时间 03:15 之前/);
      assert.equal((await catalog.api('get', `/lessons/${made.live}`, { token: operator })).body.endRequestedAt, null);
      await page.screenshot({ path: `${screenshots}school-lessons-desktop.png`, fullPage: true });
    } finally {
      await context.close();
      // The lessons stay out of the other tests' way (the photographs below show them too).
    }
  });

  it('photographs every page in zh-CN at desktop and phone sizes', async () => {
    for (const [size, viewport] of Object.entries(viewports)) {
      const signedIn = await contextFor('zh-CN', viewport);
      const signedOut = await contextFor('zh-CN', viewport, false);
      try {
        for (const { name, path, ready, signedOut: anonymous } of pages()) {
          const page = await open(anonymous ? signedOut : signedIn, path, ready);
          await page.screenshot({ path: `${screenshots}${name}-${size}.png`, fullPage: true });
          await page.close();
        }
      } finally {
        await signedIn.close();
        await signedOut.close();
      }
    }
  });
});
