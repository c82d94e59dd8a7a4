// The operator dashboard end to end, in headless Chromium, on the whole platform (`all`): a real
// encoder pushes a lesson, two viewers watch it on the watch page (which reports to the city relay),
// and an operator signs in and opens /dashboard. It shows 2 viewers on the lesson, the classroom's
// encoder as a healthy ingest row and charts; a lesson the timetable says should be live and has no
// encoder is an alarm at once, and killing the live lesson's encoder raises a stall alarm. A real
// local HTTP server is the alarm webhook and receives both. Screenshots go to scratch/shots/dashboard-*.png.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Browser, Page } from 'playwright-core';
import type { AlarmEvent } from '../../services/stats/alarm-runner.ts';
import { catalogClient, signIn } from '../../scripts/screenshots/catalog-client.ts';
import { keepPushing, type ReconnectingEncoder } from '../../scripts/screenshots/keep-pushing.ts';
import { seedCatalog, type SeededCatalog } from '../../scripts/screenshots/seed-catalog.ts';
import { saveShot, viewports } from '../../scripts/screenshots/shots.ts';
import { startPlatform, type Platform } from '../../scripts/screenshots/start-platform.ts';
import { launchChromium } from '../helpers/browser.ts';
import { pushTestPattern } from '../helpers/media.ts';
import { waitFor } from '../helpers/wait-for.ts';

const operator = { username: 'olga', displayName: 'Olga Operator', password: 'a long operator password' };
const lateLessonTitle = 'Forces, late';

describe('operator dashboard', { timeout: 240_000 }, () => {
  let platform: Platform;
  let browser: Browser;
  let webhook: Server;
  const received: AlarmEvent[] = [];
  let encoder: ReconnectingEncoder;
  let seeded: SeededCatalog;
  let lateLessonId: string;
  let dashboard: Page;

  before(async () => {
    webhook = createServer((request, response) => {
      let body = '';
      request.on('data', (chunk) => (body += chunk));
      request.on('end', () => {
        if (request.method === 'POST') received.push(JSON.parse(body) as AlarmEvent);
        response.statusCode = 204;
        response.end();
      });
    });
    await new Promise<void>((resolve) => webhook.listen(0, '127.0.0.1', resolve));
    const webhookUrl = `http://127.0.0.1:${(webhook.address() as AddressInfo).port}/alarms`;
    // Alarms evaluated every second; the encoder's lesson waits long for a reconnect, so a killed encoder is a stalled stream.
    platform = await startPlatform({ alarms: { webhookUrl, checkSeconds: 1 }, ingest: { reconnectGraceSeconds: 300 } });
    browser = await launchChromium();

    const base = platform.baseUrl;
    const token = await waitFor('the setup token in the log', () => platform.setupToken, 5000);
    await catalogClient(base).request('POST', '/setup', { token, ...operator });
    const api = await signIn(base, operator.username, operator.password);
    seeded = await seedCatalog(api);
    // A lesson that started 5 minutes ago in a classroom whose encoder never came.
    const minute = 60_000;
    const late = await api.request<{ id: string }>('POST', '/lessons', { classroomId: 'lake-room-7', title: lateLessonTitle, startsAt: new Date(Date.now() - 5 * minute).toISOString(), endsAt: new Date(Date.now() + 40 * minute).toISOString() });
    lateLessonId = late.id;
    const classroom = await api.request<{ rtmpUrl: string; primaryKey: string }>('GET', `/classrooms/${seeded.liveClassroomId}`);
    encoder = keepPushing(() => pushTestPattern(`${classroom.rtmpUrl}/${classroom.primaryKey}`, { width: 1280, height: 720, fps: 25, audio: true }));
    await waitFor('the lesson to go live', async () => (await api.request<{ state: string }>('GET', `/lessons/${seeded.liveLessonId}`)).state === 'live', 60_000);
  });

  after(async () => {
    await encoder?.stop();
    await browser?.close();
    await platform?.close();
    await new Promise((resolve) => webhook?.close(resolve));
  });

  it('shows the live lesson with its two viewers, its encoder and charts; the late lesson is an alarm', async () => {
    const base = platform.baseUrl;
    const viewers = await browser.newContext({ viewport: viewports.desktop });
    for (let index = 0; index < 2; index++) {
      const page = await viewers.newPage();
      page.on('pageerror', (error) => process.stderr.write(`[watch page error] ${error.message}\n`));
      await page.goto(`${base}/watch/${seeded.liveLessonId}`);
    }

    const staff = await browser.newContext({ viewport: viewports.desktop });
    dashboard = await staff.newPage();
    dashboard.on('pageerror', (error) => process.stderr.write(`[dashboard page error] ${error.message}\n`));
    await dashboard.goto(`${base}/login?next=/dashboard`);
    await dashboard.locator('input[name="username"]').fill(operator.username);
    await dashboard.locator('input[name="password"]').fill(operator.password);
    await dashboard.getByRole('button', { name: 'Sign in' }).click();
    await dashboard.waitForURL(`${base}/dashboard`);

    // The watch pages report every 10 s; the dashboard polls every 5 s.
    await dashboard.locator('[data-figure="viewers-total"] .tile-value', { hasText: /^2$/ }).waitFor({ timeout: 60_000 });
    const lessonRow = dashboard.locator(`[data-concurrency="lesson"][data-id="${seeded.liveLessonId}"]`);
    assert.equal(await lessonRow.getAttribute('data-viewers'), '2');
    assert.match(await lessonRow.innerText(), /Linear equations in one variable/);
    assert.equal(await dashboard.locator('[data-concurrency="school"]').first().getAttribute('data-viewers'), '2');
    assert.match(await dashboard.locator('[data-concurrency="city"]').first().innerText(), /Riverton/);

    const ingestRow = dashboard.locator(`tr[data-ingest="${seeded.liveLessonId}"][data-connected="true"]`);
    await waitFor('the encoder bitrate on the ingest row', async () => /\d+ kbit\/s/.test(await ingestRow.locator('[data-cell="bitrate"]').innerText()), 30_000);
    assert.match(await ingestRow.innerText(), /1280×720/);
    const fps = Number(await ingestRow.locator('[data-cell="fps"]').innerText());
    assert.ok(fps > 10 && fps < 50, `fps ${fps} from a 25 fps encoder`);
    // From the ingest's /metrics: the encoder's keyframe every 2 s (a GOP of 50 at 25 fps), ffmpeg's speed.
    await waitFor('the keyframe interval on the ingest row', async () => (await ingestRow.locator('[data-cell="keyframes"]').innerText()) === '2.0 s', 30_000);
    assert.match(await ingestRow.locator('[data-cell="speed"]').innerText(), /^\d+\.\d\d×$/);
    assert.match(await ingestRow.locator('[data-cell="dropped"]').innerText(), /^[\d,]+$/);

    const late = dashboard.locator(`.alarm[data-alarm="no-encoder:${lateLessonId}"]`);
    await late.waitFor({ timeout: 15_000 });
    assert.match(await late.innerText(), new RegExp(`${lateLessonTitle}[\\s\\S]*should be live`));
    assert.equal(await dashboard.locator(`.alarm[data-alarm="stream-stalled:${seeded.liveLessonId}"]`).count(), 0);

    // Charts draw lines once the history has two points (every 10 s).
    await waitFor('lines in the viewers chart', async () => (await dashboard.locator('figure[data-chart="Viewers by lesson"] polyline').count()) > 0, 40_000);
    await waitFor('lines in the bandwidth chart', async () => (await dashboard.locator('figure[data-chart="Bandwidth per tier"] polyline').count()) > 0, 40_000);
    // One instant on the page (one DOM read of one snapshot): the legends' figures, the tiles and the tables agree.
    // A string, so the test runner's transform adds no helpers the page does not have.
    const figures = (await dashboard.evaluate(`(() => {
      const text = (selector) => document.querySelector(selector)?.textContent?.trim() ?? '';
      const sum = (selector) => [...document.querySelectorAll(selector)].reduce((total, item) => total + Number(item.textContent), 0);
      const lessonLegends = [...document.querySelectorAll('figure[data-chart="Viewers by lesson"] li[data-series]')].filter((item) => item.getAttribute('data-series') !== 'All viewers');
      return {
        tile: Number(text('[data-figure="viewers-total"] .tile-value')),
        allViewersLegend: Number(text('figure[data-chart="Viewers by lesson"] li[data-series="All viewers"] strong')),
        lessonLegendSum: lessonLegends.reduce((total, item) => total + Number(item.querySelector('strong')?.textContent), 0),
        rankingSum: [...document.querySelectorAll('[data-concurrency="lesson"]')].reduce((total, row) => total + Number(row.getAttribute('data-viewers')), 0),
        cityLegendSum: sum('figure[data-chart="Viewers by city"] li[data-series] strong'),
        liveTile: Number(text('[data-figure="live-lessons"] .tile-value')),
        ingestRows: document.querySelectorAll('tr[data-ingest]').length,
      };
    })()`)) as { tile: number; allViewersLegend: number; lessonLegendSum: number; rankingSum: number; cityLegendSum: number; liveTile: number; ingestRows: number };
    assert.deepEqual(
      { allViewersLegend: figures.allViewersLegend, lessonLegendSum: figures.lessonLegendSum, rankingSum: figures.rankingSum, cityLegendSum: figures.cityLegendSum, ingestRows: figures.ingestRows },
      { allViewersLegend: figures.tile, lessonLegendSum: figures.tile, rankingSum: figures.tile, cityLegendSum: figures.tile, ingestRows: figures.liveTile },
      `legends, tiles and tables at one instant: ${JSON.stringify(figures)}`,
    );
    assert.equal(figures.tile, 2);
    await saveShot(dashboard, 'dashboard-desktop');

    const phone = await staff.newPage();
    await phone.setViewportSize(viewports.phone);
    await phone.goto(`${base}/dashboard`);
    await phone.locator('[data-figure="viewers-total"] .tile-value', { hasText: /^2$/ }).waitFor({ timeout: 30_000 });
    await phone.locator('figure[data-chart="Viewers by lesson"] polyline').first().waitFor({ timeout: 15_000 });
    // On a phone each ingest-health row is a card whose cells keep their column's name.
    const phoneRow = phone.locator(`tr[data-ingest="${seeded.liveLessonId}"]`);
    assert.deepEqual(
      await phoneRow.locator('td').evaluateAll((cells) => cells.map((cell) => getComputedStyle(cell, '::before').content)),
      ['"Lesson"', '"Encoder"', '"Bitrate"', '"FPS"', '"Keyframes"', '"Resolution"', '"Speed"', '"Dropped"', '"Last report"'],
    );
    await saveShot(phone, 'dashboard-phone');
    await phone.close();
    const zhContext = await browser.newContext({ viewport: viewports.phone, locale: 'zh-CN' });
    await zhContext.addCookies(await staff.cookies());
    const zhPhone = await zhContext.newPage();
    await zhPhone.goto(`${base}/dashboard`);
    await zhPhone.locator('[data-figure="viewers-total"] .tile-value', { hasText: /^2$/ }).waitFor({ timeout: 30_000 });
    await saveShot(zhPhone, 'dashboard-phone-zh-CN');
    await zhContext.close();

    // The JSON behind it is for operators only.
    assert.equal((await fetch(`${base}/api/v1/dashboard`)).status, 401);
    await viewers.close();
  });

  it('killing the encoder raises a stall alarm on the page and at the webhook, which also had the late lesson', async () => {
    await encoder.stop();
    const stalled = dashboard.locator(`.alarm[data-alarm="stream-stalled:${seeded.liveLessonId}"]`);
    await stalled.waitFor({ timeout: 30_000 });
    assert.equal(await stalled.getAttribute('data-severity'), 'critical');
    assert.match(await stalled.innerText(), /Linear equations in one variable[\s\S]*(not connected|no data)/);
    await dashboard.locator(`tr[data-ingest="${seeded.liveLessonId}"][data-connected="false"]`).waitFor({ timeout: 15_000 });
    await saveShot(dashboard, 'dashboard-alarm');

    const raised = await waitFor('both alarms at the webhook', () => {
      const ids = received.filter((event) => event.event === 'raised').map((event) => event.alarm.id);
      return ids.includes(`no-encoder:${lateLessonId}`) && ids.includes(`stream-stalled:${seeded.liveLessonId}`) ? ids : undefined;
    }, 15_000);
    assert.equal(raised.filter((id) => id === `no-encoder:${lateLessonId}`).length, 1, 'raised once, however many evaluations it lasted');
    const stall = received.find((event) => event.alarm.id === `stream-stalled:${seeded.liveLessonId}`)!;
    assert.equal(stall.alarm.kind, 'stream-stalled');
    assert.equal(stall.alarm.lessonId, seeded.liveLessonId);
    assert.ok(platform.warnings.some((entry) => entry.event === 'alarm raised' && entry.alarm === `stream-stalled:${seeded.liveLessonId}`), 'the alarm is logged');
  });
});
