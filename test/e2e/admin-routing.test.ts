// The admin page's relays and address ranges in headless Chromium on the whole platform (`all`):
// an operator sees each city's relays with their state in words (one that answers its /healthz, one
// that does not), adds an address range through the form and sees it listed, edits its note, is told
// in words (in the page's language) that a malformed range is not one, and removes it; in zh-CN and
// in en. Only operators: a school admin gets the refusal, and the API refuses them too.
// Screenshots (desktop and phone, zh-CN and en) go to scratch/shots/admin-routing-*.png.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { createServer } from 'node:net';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { sessionCookieName } from '../../services/catalog/auth/session-cookie.ts';
import { catalogClient, type CatalogClient } from '../../scripts/screenshots/catalog-client.ts';
import { saveShot, viewports } from '../../scripts/screenshots/shots.ts';
import { startPlatform, type Platform } from '../../scripts/screenshots/start-platform.ts';
import { launchChromium } from '../helpers/browser.ts';
import { waitFor } from '../helpers/wait-for.ts';

const operator = { username: 'olga', displayName: 'Olga Operator', password: 'a long operator password' };
const schoolAdmin = { username: 'sam', displayName: 'Sam School Admin', password: 'a long school admin password', role: 'school_admin' };

type Locale = 'zh-CN' | 'en';

const words: Record<Locale, { tab: string; up: RegExp; unreachable: RegExp; notCidr: RegExp; create: string; edit: string; save: string; remove: string; refused: string }> = {
  'zh-CN': { tab: '中继与地址段', up: /^在线/, unreachable: /^无法连接：连接被拒绝$/, notCidr: /“10\.0\.0\.300\/8”不是有效的地址段。请写成 CIDR 形式/, create: '创建地址段', edit: '编辑', save: '保存修改', remove: '删除', refused: '您的账号无权使用此页面。' },
  en: { tab: 'Relays & ranges', up: /^up/, unreachable: /^unreachable: connection refused$/, notCidr: /cidr: '10\.0\.0\.300\/8' is not an address range/, create: 'Create address range', edit: 'Edit', save: 'Save changes', remove: 'Delete', refused: 'Your account may not use this page.' },
};

/** A loopback port that was free a moment ago and that nothing listens on now. */
async function closedPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as { port: number }).port;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

describe('relays and address ranges on /admin', { timeout: 240_000 }, () => {
  let platform: Platform;
  let browser: Browser;
  let api: CatalogClient;
  let cities: { north: number; south: number };
  const tokens: Record<string, string> = {};
  const contexts: BrowserContext[] = [];

  const signIn = async (username: string, password: string) => (await catalogClient(platform.baseUrl).request<{ token: string }>('POST', '/auth/login', { username, password })).token;
  const open = async (token: string, locale: Locale, viewport: { width: number; height: number } = viewports.desktop): Promise<Page> => {
    const context = await browser.newContext({ viewport, locale: locale === 'zh-CN' ? 'zh-CN' : 'en-US', timezoneId: 'Asia/Shanghai' });
    contexts.push(context);
    await context.addCookies([{ name: sessionCookieName, value: token, url: platform.baseUrl }]);
    const page = await context.newPage();
    page.on('pageerror', (error) => process.stderr.write(`[page error] ${error.message}\n`));
    // Deleting asks first (confirm): the operator says yes.
    page.on('dialog', (dialog) => void dialog.accept());
    await page.goto(`${platform.baseUrl}/admin#routing`);
    return page;
  };
  const ranges = async () => (await api.request<{ items: Array<{ id: number; cidr: string; cityId: number; note: string }> }>('GET', '/address-ranges')).items;

  before(async () => {
    platform = await startPlatform();
    browser = await launchChromium();
    const setupToken = await waitFor('the setup token in the log', () => platform.setupToken, 5000);
    await catalogClient(platform.baseUrl).request('POST', '/setup', { token: setupToken, ...operator });
    tokens.operator = await signIn(operator.username, operator.password);
    api = catalogClient(platform.baseUrl, tokens.operator);
    const north = await api.request<{ id: number }>('POST', '/cities', { name: '临江市' });
    const south = await api.request<{ id: number }>('POST', '/cities', { name: '湖滨市' });
    cities = { north: north.id, south: south.id };
    const school = await api.request<{ id: number }>('POST', '/schools', { cityId: north.id, name: '临江第一中学' });
    await api.request('POST', '/accounts', { ...schoolAdmin, schoolId: school.id });
    tokens.schoolAdmin = await signIn(schoolAdmin.username, schoolAdmin.password);
    // A relay that answers (this platform's own server) and one that cannot (a port nobody listens on any more).
    const dead = `http://127.0.0.1:${await closedPort()}`;
    await api.request('POST', `/cities/${north.id}/relays`, { mediaUrl: platform.baseUrl, position: 0 });
    await api.request('POST', `/cities/${north.id}/relays`, { mediaUrl: dead, trackerUrl: `${dead.replace('http', 'ws')}/tracker`, position: 1 });
    await api.request('POST', `/cities/${south.id}/relays`, { mediaUrl: dead, position: 0 });
  });
  after(async () => {
    for (const context of contexts) await context.close().catch(() => {});
    await browser?.close();
    await platform?.close();
  });

  for (const locale of ['zh-CN', 'en'] as const) {
    it(`in ${locale}: the relays with their state, and a range added, edited, refused in words and removed`, async () => {
      const say = words[locale];
      const page = await open(tokens.operator!, locale);
      const tab = page.locator('nav.tabs a[href="#routing"]');
      assert.equal((await tab.textContent())?.trim(), say.tab, 'the admin navigation links the tab');
      assert.equal(await tab.getAttribute('aria-current'), 'page');

      const relays = page.locator('[data-resource="relay"] table tbody tr');
      await waitFor('three relays listed', async () => ((await relays.count()) === 3 ? true : undefined), 30_000);
      const up = page.locator('[data-resource="relay"] [data-state="up"], [data-resource="relay"] [data-state="upstream-down"]');
      const down = page.locator('[data-resource="relay"] [data-state="unreachable"]');
      assert.equal(await up.count(), 1, 'the relay that answers is up');
      assert.match((await up.first().textContent()) ?? '', say.up);
      assert.equal(await down.count(), 2, 'both that do not are unreachable, said so');
      assert.match((await down.first().textContent()) ?? '', say.unreachable);
      const northRow = relays.filter({ hasText: platform.baseUrl });
      assert.match((await northRow.textContent()) ?? '', /临江市/, 'each relay with its city');

      // Add a range through the form; it shows in the list, with its city.
      const form = page.locator('form[data-form="range"]');
      await form.locator('input[name="cidr"]').fill('10.12.7.9/16');
      await form.locator('select[name="cityId"]').selectOption(String(cities.south));
      await form.locator('input[name="note"]').fill('湖滨教育网');
      await form.getByRole('button', { name: say.create }).click();
      const row = page.locator('[data-resource="range"] table tbody tr', { hasText: '10.12.0.0/16' });
      await row.waitFor({ timeout: 15_000 });
      assert.match((await row.textContent()) ?? '', /湖滨市/, 'listed in its canonical form with its city');
      const stored = (await ranges()).find((range) => range.cidr === '10.12.0.0/16');
      assert.deepEqual(stored && { cityId: stored.cityId, note: stored.note }, { cityId: cities.south, note: '湖滨教育网' });

      // Edit its note.
      await row.getByRole('button', { name: say.edit }).click();
      await form.locator('input[name="note"]').fill('湖滨教育网（新）');
      await form.getByRole('button', { name: say.save }).click();
      await page.locator('[data-resource="range"] table tbody tr', { hasText: '湖滨教育网（新）' }).waitFor({ timeout: 15_000 });

      // A malformed range: refused, in words, in the page's language; nothing stored.
      await form.locator('input[name="cidr"]').fill('10.0.0.300/8');
      await form.locator('select[name="cityId"]').selectOption(String(cities.north));
      await form.getByRole('button', { name: say.create }).click();
      const error = form.locator('.form-error');
      await error.waitFor({ timeout: 15_000 });
      assert.match((await error.textContent()) ?? '', say.notCidr);
      assert.equal((await ranges()).length, 1, 'the bad range was not stored');

      await saveShot(page, `admin-routing-desktop-${locale}`);
      const phone = await open(tokens.operator!, locale, viewports.phone);
      await phone.locator('[data-resource="range"] table tbody tr').first().waitFor({ timeout: 15_000 });
      await phone.locator('[data-resource="relay"] [data-state="unreachable"]').first().waitFor({ timeout: 15_000 });
      await saveShot(phone, `admin-routing-phone-${locale}`);

      // Remove it (after confirming): gone from the page and from the catalog.
      await row.getByRole('button', { name: say.remove }).click();
      await waitFor('the range removed', async () => ((await ranges()).length === 0 && (await page.locator('[data-resource="range"] table tbody tr').count()) === 0 ? true : undefined), 15_000);
    });
  }

  it("edits a relay's order and tracker through the form, and refuses a relay URL with a path in words", async () => {
    const page = await open(tokens.operator!, 'zh-CN');
    const row = page.locator('[data-resource="relay"] table tbody tr', { hasText: platform.baseUrl });
    await row.waitFor({ timeout: 30_000 });
    await row.getByRole('button', { name: '编辑' }).click();
    const form = page.locator('form[data-form="relay"]');
    assert.equal(await form.locator('input[name="cityId"]').inputValue(), '临江市', 'the city is shown, not changed');
    await form.locator('input[name="position"]').fill('5');
    await form.locator('input[name="trackerUrl"]').fill('wss://tracker.linjiang.example/tracker');
    await form.getByRole('button', { name: '保存修改' }).click();
    await page.locator('[data-resource="relay"] table tbody tr', { hasText: 'wss://tracker.linjiang.example/tracker' }).waitFor({ timeout: 15_000 });
    const relays = (await api.request<{ items: Array<{ mediaUrl: string; position: number; trackerUrl: string | null }> }>('GET', '/relays')).items;
    assert.deepEqual(
      relays.filter((relay) => relay.mediaUrl === platform.baseUrl).map((relay) => ({ position: relay.position, trackerUrl: relay.trackerUrl })),
      [{ position: 5, trackerUrl: 'wss://tracker.linjiang.example/tracker' }],
    );

    await form.locator('select[name="cityId"]').selectOption(String(cities.south));
    await form.locator('input[name="mediaUrl"]').fill('https://relay.hubin.example/live');
    await form.getByRole('button', { name: '创建中继' }).click();
    const error = form.locator('.form-error');
    await error.waitFor({ timeout: 15_000 });
    assert.equal((await error.textContent())?.trim(), '中继地址应写成 http(s)://主机[:端口]，例如 https://relay-1.city-a.example，不要带路径。');
    assert.equal((await api.request<{ items: unknown[] }>('GET', '/relays')).items.length, 3, 'nothing stored');

    // The API the page uses: a relay the city does not have.
    const missing = await fetch(`${platform.baseUrl}/api/v1/cities/${cities.north}/relays/999999`, {
      method: 'PATCH',
      headers: { cookie: `${sessionCookieName}=${tokens.operator}`, 'content-type': 'application/json' },
      body: JSON.stringify({ position: 1 }),
    });
    assert.equal(missing.status, 404);
  });

  it('is for operators only', async () => {
    const page = await open(tokens.schoolAdmin!, 'zh-CN');
    await page.getByText(words['zh-CN'].refused).waitFor({ timeout: 15_000 });
    assert.equal(await page.locator('[data-section="routing"]').count(), 0);
    const asAdmin = await fetch(`${platform.baseUrl}/api/v1/relays`, { headers: { cookie: `${sessionCookieName}=${tokens.schoolAdmin}` } });
    assert.equal(asAdmin.status, 403);
    assert.equal((await fetch(`${platform.baseUrl}/api/v1/address-ranges`)).status, 401);
  });
});
