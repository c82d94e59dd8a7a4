// The school's recording switch on the school page, in headless Chromium: a school admin (who has
// no admin page) turns the default recording of their school's lessons off and on again, and the
// catalog holds what the page shows after a reload.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import type { Browser } from 'playwright-core';
import { catalogApi } from '../../services/catalog/api/catalog-api.ts';
import { sessionCookieName } from '../../services/catalog/auth/session-cookie.ts';
import { startHttpServer, type HttpServer } from '../../services/core/http-server.ts';
import { createLogger } from '../../services/core/log.ts';
import { pageRoutes } from '../../services/web/pages.ts';
import { launchChromium } from '../helpers/browser.ts';
import { startTestCatalog, type TestCatalog } from '../helpers/test-catalog.ts';
import { waitFor } from '../helpers/wait-for.ts';

describe("the school page's recording switch", { timeout: 120_000 }, () => {
  let catalog: TestCatalog;
  let server: HttpServer;
  let browser: Browser;
  let base: string;
  let schoolId: number;
  let adminToken: string;

  before(async () => {
    catalog = await startTestCatalog();
    server = await startHttpServer({ host: '127.0.0.1', port: 0, routers: [catalogApi(catalog.context), pageRoutes()], log: createLogger({ role: 'catalog', node: 'test' }), health: () => ({ role: 'catalog' }) });
    base = `http://127.0.0.1:${server.port}`;
    const operator = (await catalog.signIn('operator')).token;
    const city = await catalog.api('post', '/cities', { token: operator, body: { name: 'Riverton' } });
    const school = await catalog.api('post', '/schools', { token: operator, body: { cityId: city.body.id, name: 'North High School' } });
    schoolId = school.body.id;
    adminToken = (await catalog.signIn('school_admin', schoolId)).token;
    browser = await launchChromium();
  });
  after(async () => {
    await browser?.close();
    await server?.close();
    await catalog?.close();
  });

  it('a school admin switches their school\'s recording off and on again', async () => {
    const context = await browser.newContext();
    await context.addCookies([{ name: sessionCookieName, value: adminToken, url: base }]);
    const page = await context.newPage();
    page.on('pageerror', (error) => process.stderr.write(`[school page error] ${error.message}\n`));
    try {
      const recordLessons = async () => (await catalog.api('get', `/schools/${schoolId}`)).body.recordLessons as boolean;
      await page.goto(`${base}/school`);
      const select = page.locator('select[name="recordLessons"]');
      assert.equal(await select.inputValue(), 'on');
      await select.selectOption('off');
      await waitFor('the school to stop recording by default', async () => (await recordLessons()) === false, 10_000);
      await page.reload();
      assert.equal(await page.locator('select[name="recordLessons"]').inputValue(), 'off');
      await page.locator('select[name="recordLessons"]').selectOption('on');
      await waitFor('the school to record by default again', async () => (await recordLessons()) === true, 10_000);
    } finally {
      await context.close();
    }
  });
});
