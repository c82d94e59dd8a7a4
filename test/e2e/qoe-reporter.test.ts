// The watch page's quality reporter itself (player/src/qoe/), in headless Chromium: a real encoder
// pushes a live lesson to a real ingest (which also serves the catalog API and the pages), the
// watch page plays it, and its reporter posts a periodic report (every 10 s) and a last one when
// the page goes away. The ingest's /metrics count the viewer with the lesson's city and school
// while it watches; after it leaves, the catalog holds its viewing session: the lesson, its city
// and school, a watch time, a fluency between 0 and 1, and the HTTP bytes the player fetched.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import type { Browser, Page } from 'playwright-core';
import { catalogApi } from '../../services/catalog/api/catalog-api.ts';
import type { Database } from '../../services/catalog/db/database.ts';
import { openDatabase } from '../../services/catalog/db/open-database.ts';
import { resolveConfig } from '../../services/core/config/load.ts';
import { createLogger } from '../../services/core/log.ts';
import { parsePromText, samplesOf } from '../../services/stats/prom-text.ts';
import type { QoeReportBody } from '../../player/src/qoe/qoe-reporter.ts';
import type { DemoEncoder } from '../../services/demo/demo-encoder.ts';
import { launchChromium } from '../helpers/browser.ts';
import { pushTestPattern } from '../helpers/media.ts';
import { startTestIngest, type TestIngest } from '../helpers/test-ingest.ts';
import { waitFor } from '../helpers/wait-for.ts';
import { openWatchPage, waitForPlayback } from '../helpers/watch-page.ts';

const key = 'room-qoe-reporter-key';

describe("the watch page's quality reports, from a real player", { timeout: 180_000 }, () => {
  let db: Database;
  let ingest: TestIngest;
  let encoder: DemoEncoder;
  let browser: Browser;
  let page: Page;
  let lessonId: string;
  let place: { cityId: number; schoolId: number };
  /** Every report the page sent, as the browser sent it (fetch or beacon). */
  const sent: QoeReportBody[] = [];

  before(async () => {
    const log = createLogger({ role: 'test', node: 'qoe' });
    db = await openDatabase({ databaseUrl: 'memory://', dataDir: '/tmp' }, log);
    const api = catalogApi({ db, config: resolveConfig([]), log, rtmpBase: () => 'rtmp://127.0.0.1/live' });
    ingest = await startTestIngest({ classrooms: [{ id: 'room-qoe', key }] }, undefined, { db, routers: [api] });
    const [province] = await db.query<{ id: number }>(`insert into provinces (name) values ('Reporter province') returning id`);
    const [city] = await db.query<{ id: number }>(`insert into cities (province_id, name) values ($1, 'Reporter city') returning id`, [province!.id]);
    const [school] = await db.query<{ id: number }>(`insert into schools (city_id, name) values ($1, 'Reporter school') returning id`, [city!.id]);
    await db.query(`update classrooms set school_id = $1 where id = 'room-qoe'`, [school!.id]);
    place = { cityId: city!.id, schoolId: school!.id };

    encoder = pushTestPattern(ingest.rtmpUrl(key), { width: 640, height: 360, fps: 25, audio: true });
    lessonId = await waitFor('the lesson to be live', async () => {
      const { lessons } = (await (await fetch(`${ingest.baseUrl}/api/v1/ingest/lessons?state=live`)).json()) as { lessons: Array<{ id: string }> };
      return lessons[0]?.id;
    }, 30_000);
    browser = await launchChromium();
  });

  after(async () => {
    await browser?.close();
    await encoder?.stop();
    await ingest?.stop();
    await db?.close();
  });

  it('sends a periodic report while playing, and the tier counts the viewer with its place', async () => {
    page = await openWatchPage(browser, `${ingest.baseUrl}/watch/${lessonId}`);
    page.on('request', (request) => {
      if (request.method() === 'POST' && new URL(request.url()).pathname === '/api/v1/qoe') sent.push(JSON.parse(request.postData() ?? '{}') as QoeReportBody);
    });
    await waitForPlayback(page, 2, 60_000);
    const periodic = await waitFor('a periodic report from the page', () => sent.find((report) => report.event === 'periodic' && report.playingSeconds > 0), 30_000);
    assert.equal(periodic.lessonId, lessonId);
    assert.deepEqual({ cityId: periodic.cityId, schoolId: periodic.schoolId }, place, 'the page knows its place from the catalog API');
    assert.ok(periodic.startupMs !== null && periodic.startupMs > 0, `startup ${periodic.startupMs} ms`);
    assert.ok(periodic.httpBytes > 0, 'the player fetched media over HTTP');
    assert.match(periodic.viewerId, /\S{8,}/);

    const text = await (await fetch(`${ingest.baseUrl}/metrics`)).text();
    const viewers = samplesOf(parsePromText(text), 'classcast_viewers', { lesson: lessonId, city: String(place.cityId), school: String(place.schoolId), tier: 'ingest' });
    assert.deepEqual(viewers.map((sample) => sample.value), [1]);
    assert.ok(!text.includes(periodic.viewerId), 'no series carries the viewer id');
  });

  it('sends a last report when the page goes away; the catalog keeps the viewing session', async () => {
    // Closing the page runs its pagehide handlers: the reporter sends its last report as a beacon
    // (which the closed page no longer shows us; the tier receiving it is what counts).
    const lastPeriodic = sent.filter((report) => report.event === 'periodic').at(-1)!;
    await page.close({ runBeforeUnload: true });

    const row = await waitFor('the viewing session in the catalog', async () => {
      const rows = await db.query<{ lesson_id: string; city_id: number; school_id: number; node: string; watch_seconds: number; fluency: number; http_bytes: number }>(
        'select lesson_id, city_id, school_id, node, watch_seconds, fluency, http_bytes::int as http_bytes from viewing_sessions',
      );
      return rows[0];
      // A viewer who sends nothing more is closed only after 60 s (qoe-routes.ts): a session stored
      // sooner is the report on leave.
    }, 15_000);
    assert.deepEqual({ lesson: row.lesson_id, city: row.city_id, school: row.school_id, node: row.node }, { lesson: lessonId, city: place.cityId, school: place.schoolId, node: 'province-1' });
    assert.ok(row.watch_seconds > 0, `watch time ${row.watch_seconds} s`);
    assert.ok(row.fluency >= 0 && row.fluency <= 1, `fluency ${row.fluency}`);
    assert.ok(row.http_bytes > 0, `HTTP bytes ${row.http_bytes}`);
    assert.ok(row.http_bytes >= lastPeriodic.httpBytes, 'the stored bytes are at least what the last periodic report said');

    const after = parsePromText(await (await fetch(`${ingest.baseUrl}/metrics`)).text());
    assert.deepEqual(samplesOf(after, 'classcast_viewers', { lesson: lessonId }).filter((sample) => sample.value > 0), [], 'the viewer who left no longer counts');
  });
});
