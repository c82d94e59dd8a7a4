// The ingest's warnings on the pages, in headless Chromium: the school page shows the advice on a
// source that cannot be served as it is sent (written by the ingest into encoder_status) beside the
// classroom's encoder status, and the operator dashboard shows each ingest node's renditions shed,
// with the alarm for a node shedding for over a minute (from the nodes' heartbeats in the catalog).
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import type { Browser } from 'playwright-core';
import { catalogApi } from '../../services/catalog/api/catalog-api.ts';
import { sessionCookieName } from '../../services/catalog/auth/session-cookie.ts';
import { writeEncoderStatus } from '../../services/catalog/ingest/encoder-status.ts';
import { heartbeatIngestNode, joinIngestNodes } from '../../services/catalog/ingest/ingest-nodes.ts';
import { startHttpServer, type HttpServer } from '../../services/core/http-server.ts';
import { createLogger } from '../../services/core/log.ts';
import { pageRoutes } from '../../services/web/pages.ts';
import { launchChromium } from '../helpers/browser.ts';
import { startTestCatalog, type TestCatalog } from '../helpers/test-catalog.ts';

const advice = 'keyframe interval 8.3 s: set 2 s in your encoder (OBS: Output > Keyframe Interval = 2)';

describe("the ingest's warnings on the school page and the dashboard", { timeout: 120_000 }, () => {
  let catalog: TestCatalog;
  let server: HttpServer;
  let browser: Browser;
  let base: string;
  let adminToken: string;
  let operatorToken: string;

  before(async () => {
    catalog = await startTestCatalog();
    // Heartbeats are written once, below: a node counts as up for 5 min rather than the default 6 s, so a
    // slow machine (Chromium's start, the first page) does not turn province-2 down before the page reads it.
    const config = { ...catalog.context.config, ingest: { ...catalog.context.config.ingest, nodeDownSeconds: 300 } };
    server = await startHttpServer({ host: '127.0.0.1', port: 0, routers: [catalogApi({ ...catalog.context, config }), pageRoutes()], log: createLogger({ role: 'catalog', node: 'test' }), health: () => ({ role: 'catalog' }) });
    base = `http://127.0.0.1:${server.port}`;
    operatorToken = (await catalog.signIn('operator')).token;
    const city = await catalog.api('post', '/cities', { token: operatorToken, body: { name: 'Riverton' } });
    const school = await catalog.api('post', '/schools', { token: operatorToken, body: { cityId: city.body.id, name: 'North High School' } });
    adminToken = (await catalog.signIn('school_admin', school.body.id)).token;
    const room = await catalog.api('post', '/classrooms', { token: adminToken, body: { id: 'north-101', schoolId: school.body.id, name: 'Room 101' } });
    assert.equal(room.status, 201);
    await writeEncoderStatus(catalog.db, { classroomId: 'north-101', ingestNode: 'province-1', lessonId: null, connected: true, remoteAddress: '10.0.0.7', keyKind: 'primary', bitrateKbps: 2500, fps: 30, width: 1280, height: 720, advice, sent: null });
    const node = (id: string) => ({ id, rtmpUrl: `rtmp://${id}.example:1935/live`, httpUrl: `http://${id}.example:8080` });
    await joinIngestNodes(catalog.db, node('province-1'), { cpuBusy: 0.3, renditionsShed: 0 });
    await joinIngestNodes(catalog.db, node('province-2'), { cpuBusy: 0.97, renditionsShed: 2 });
    // province-2 has been shedding for two minutes, as its heartbeats would have said.
    await catalog.db.query("update ingest_nodes set shedding_since = now() - interval '2 minutes' where id = 'province-2'");
    await heartbeatIngestNode(catalog.db, node('province-2'), { cpuBusy: 0.96, renditionsShed: 2 });
    // province-3 stopped beating 12 minutes ago without leaving: down, not yet forgotten.
    await joinIngestNodes(catalog.db, node('province-3'));
    await catalog.db.query("update ingest_nodes set seen_at = now() - interval '12 minutes' where id = 'province-3'");
    browser = await launchChromium();
  });
  after(async () => {
    await browser?.close();
    await server?.close();
    await catalog?.close();
  });

  const open = async (token: string, path: string) => {
    const context = await browser.newContext();
    await context.addCookies([{ name: sessionCookieName, value: token, url: base }]);
    const page = await context.newPage();
    page.on('pageerror', (error) => process.stderr.write(`[page error] ${error.message}\n`));
    await page.goto(`${base}${path}`);
    return { page, close: () => context.close() };
  };

  it('the school page warns that the stream is recorded as sent but not served as it is, with the fix', async () => {
    const { page, close } = await open(adminToken, '/school');
    try {
      const warning = page.locator('.encoder .encoder-advice');
      await warning.waitFor({ timeout: 20_000 });
      assert.equal(await warning.getAttribute('role'), 'alert');
      assert.equal((await warning.textContent())?.trim(), `Your stream is recorded as sent, but it cannot be served to viewers as it is: ${advice}`);
      assert.match((await page.locator('.encoder-figures').textContent()) ?? '', /1280×720/, 'beside the encoder figures');
    } finally {
      await close();
    }
  });

  it('the dashboard shows each ingest node up or down (since when), the renditions each sheds, and the alarm for the one shedding over a minute', async () => {
    const { page, close } = await open(operatorToken, '/dashboard');
    try {
      const shedding = page.locator('[data-ingest-node="province-2"]');
      await shedding.waitFor({ timeout: 20_000 });
      assert.equal(await shedding.getAttribute('data-shedding'), 'true');
      assert.match((await shedding.locator('[data-cell="shed"]').textContent()) ?? '', /^2 since \d\d:\d\d \(2 min\)$/);
      assert.equal((await shedding.locator('[data-cell="cpu"]').textContent())?.trim(), '96%');
      assert.equal((await page.locator('[data-ingest-node="province-1"] [data-cell="shed"]').textContent())?.trim(), '0');
      const alarm = page.locator('[data-alarm="ingest-shedding:province-2"]');
      await alarm.waitFor({ timeout: 20_000 });
      assert.equal(await alarm.getAttribute('data-severity'), 'warning');
      assert.match((await alarm.textContent()) ?? '', /sheds 2 renditions for want of CPU since 2 min/);
      assert.equal(await page.locator('[data-alarm="ingest-shedding:province-1"]').count(), 0);
      assert.equal((await page.locator('[data-ingest-node="province-1"] [data-cell="state"]').textContent())?.trim(), 'up');
      assert.match((await page.locator('[data-ingest-node="province-3"] [data-cell="state"]').textContent()) ?? '', /^down last seen \d\d:\d\d \(12 min ago\)$/);
    } finally {
      await close();
    }
  });
});
