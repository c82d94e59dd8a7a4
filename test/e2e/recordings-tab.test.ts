// The recordings tabs in headless Chromium on the whole platform (`all`): a real encoder pushes a
// lesson that ends, and its recording becomes a replay. On /school the school's admin sees the
// school's storage, pins the recording, prepares its MP4 and downloads it (a real MP4), and deletes
// it after confirming; an admin of another school cannot pin or delete it, and a teacher cannot
// open the tab at all. On /admin an operator sees every school's storage and sets a retention.
// Screenshots of both tabs (desktop and phone, en and zh-CN) go to scratch/shots/recordings-*.png.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { sessionCookieName } from '../../services/catalog/auth/session-cookie.ts';
import { catalogClient, type CatalogClient } from '../../scripts/screenshots/catalog-client.ts';
import { keepPushing, type ReconnectingEncoder } from '../../scripts/screenshots/keep-pushing.ts';
import { seedCatalog, type SeededCatalog } from '../../scripts/screenshots/seed-catalog.ts';
import { saveShot, viewports } from '../../scripts/screenshots/shots.ts';
import { startPlatform, type Platform } from '../../scripts/screenshots/start-platform.ts';
import { launchChromium } from '../helpers/browser.ts';
import { pushTestPattern } from '../helpers/media.ts';
import { waitFor } from '../helpers/wait-for.ts';

const operator = { username: 'olga', displayName: 'Olga Operator', password: 'a long operator password' };
const admin = { username: 'sam', displayName: 'Sam School Admin', password: 'a long school admin password', role: 'school_admin' };
const otherAdmin = { username: 'ola', displayName: 'Ola Other Admin', password: 'another long admin password', role: 'school_admin' };
const teacher = { username: 'tom', displayName: 'Tom Teacher', password: 'a long teacher password', role: 'teacher' };

type RecordingItem = { id: string; state: string; pinned: boolean; mp4: { state: string } };

describe('the recordings tabs on /school and /admin', { timeout: 300_000 }, () => {
  let platform: Platform;
  let browser: Browser;
  let api: CatalogClient;
  let seeded: SeededCatalog;
  let encoder: ReconnectingEncoder | undefined;
  let recordingId: string;
  const tokens: Record<string, string> = {};
  const contexts: BrowserContext[] = [];

  const signIn = async (username: string, password: string) => (await catalogClient(platform.baseUrl).request<{ token: string }>('POST', '/auth/login', { username, password })).token;
  const open = async (token: string, path: string, options: { locale?: 'en-US' | 'zh-CN'; viewport?: { width: number; height: number } } = {}): Promise<Page> => {
    const context = await browser.newContext({ viewport: options.viewport ?? viewports.desktop, locale: options.locale ?? 'en-US', acceptDownloads: true });
    contexts.push(context);
    await context.addCookies([{ name: sessionCookieName, value: token, url: platform.baseUrl }]);
    const page = await context.newPage();
    page.on('pageerror', (error) => process.stderr.write(`[page error] ${error.message}\n`));
    await page.goto(`${platform.baseUrl}${path}`);
    return page;
  };
  const recording = async () => (await api.request<{ items: RecordingItem[] }>('GET', `/recordings?schoolId=${seeded.schoolId}`)).items.find((item) => item.id === recordingId);

  before(async () => {
    platform = await startPlatform({ transcode: { maxRenditions: 1 } });
    browser = await launchChromium();
    const setupToken = await waitFor('the setup token in the log', () => platform.setupToken, 5000);
    await catalogClient(platform.baseUrl).request('POST', '/setup', { token: setupToken, ...operator });
    tokens.operator = await signIn(operator.username, operator.password);
    api = catalogClient(platform.baseUrl, tokens.operator);
    seeded = await seedCatalog(api);
    const schools = await api.request<{ items: Array<{ id: number; name: string }> }>('GET', '/schools?limit=50');
    const other = schools.items.find((school) => school.id !== seeded.schoolId)!;
    await api.request('POST', '/accounts', { ...admin, schoolId: seeded.schoolId });
    await api.request('POST', '/accounts', { ...otherAdmin, schoolId: other.id });
    await api.request('POST', '/accounts', { ...teacher, schoolId: seeded.schoolId });
    for (const account of [admin, otherAdmin, teacher]) tokens[account.username] = await signIn(account.username, account.password);

    // A short lesson, ended by hand: its recording becomes a replay.
    const classroom = await api.request<{ rtmpUrl: string; primaryKey: string }>('GET', `/classrooms/${seeded.liveClassroomId}`);
    encoder = keepPushing(() => pushTestPattern(`${classroom.rtmpUrl}/${classroom.primaryKey}`, { width: 640, height: 360, fps: 25 }));
    await waitFor('the lesson live', async () => (await api.request<{ state: string }>('GET', `/lessons/${seeded.liveLessonId}`)).state === 'live', 60_000);
    await waitFor('a few seconds recorded', async () => {
      const [item] = (await api.request<{ items: Array<{ id: string }> }>('GET', `/recordings?lessonId=${seeded.liveLessonId}`)).items;
      if (item) recordingId = item.id;
      return item !== undefined;
    }, 60_000);
    await new Promise((resolve) => setTimeout(resolve, 6000));
    await api.request('POST', `/lessons/${seeded.liveLessonId}/end`);
    await encoder.stop();
    encoder = undefined;
    await waitFor('the replay ready', async () => (await recording())?.state === 'ready', 120_000);
  });

  after(async () => {
    await encoder?.stop();
    for (const context of contexts) await context.close();
    await browser?.close();
    await platform?.close();
  });

  it("the school's admin pins it, prepares and downloads its MP4; other schools' admins and teachers cannot", async () => {
    const page = await open(tokens.sam!, '/school');
    const row = page.locator(`[data-section="recordings"] tr[data-id="${recordingId}"]`);
    await row.waitFor({ timeout: 30_000 });
    const storage = page.locator(`[data-storage] tr[data-school="${seeded.schoolId}"]`);
    assert.equal(await page.locator('[data-storage] tbody tr').count(), 1, 'their own school only');
    assert.ok(Number(await storage.locator('[data-bytes]').getAttribute('data-bytes')) > 0, 'storage used is counted');
    assert.match((await storage.textContent()) ?? '', /the default, 180 days/, 'retention shown, not editable for a school admin');
    assert.equal(await storage.locator('input').count(), 0);

    await row.locator('[data-action="pin"]').click();
    await page.locator(`tr[data-id="${recordingId}"][data-pinned="true"]`).waitFor({ timeout: 20_000 });
    assert.equal((await recording())?.pinned, true);

    await row.locator('[data-action="mp4-prepare"]').click();
    const download = page.locator(`tr[data-id="${recordingId}"] [data-action="mp4-download"]`);
    await download.waitFor({ timeout: 120_000 });
    const [file] = await Promise.all([page.waitForEvent('download'), download.click()]);
    const bytes = await readFile((await file.path())!);
    assert.equal(bytes.subarray(4, 8).toString('latin1'), 'ftyp', 'a real MP4');
    await saveShot(page, 'recordings-school-desktop-en');

    // Another school's admin: the lesson is public, so its recording is readable, but not theirs to manage.
    const asOther = (method: string, body?: unknown) =>
      fetch(`${platform.baseUrl}/api/v1/recordings/${recordingId}`, { method, headers: { Authorization: `Bearer ${tokens.ola}`, 'Content-Type': 'application/json' }, ...(body ? { body: JSON.stringify(body) } : {}) });
    assert.equal((await asOther('PATCH', { pinned: false })).status, 403);
    assert.equal((await asOther('DELETE')).status, 403);
    const asTeacher = await fetch(`${platform.baseUrl}/api/v1/recordings/${recordingId}`, { method: 'DELETE', headers: { Authorization: `Bearer ${tokens.tom}` } });
    assert.equal(asTeacher.status, 403);
    const teacherPage = await open(tokens.tom!, '/school');
    await teacherPage.locator('main').waitFor();
    await waitFor('the school page refused to a teacher', async () => (await teacherPage.locator('[data-section="recordings"]').count()) === 0 && ((await teacherPage.locator('main').textContent()) ?? '').length > 0, 20_000);
  });

  it('an operator sees every school on /admin and sets a retention; a confirmed delete removes the recording', async () => {
    const page = await open(tokens.operator!, '/admin#recordings');
    await page.locator(`[data-section="recordings"] tr[data-id="${recordingId}"]`).waitFor({ timeout: 30_000 });
    assert.ok((await page.locator('[data-storage] tbody tr').count()) >= 3, 'every school');
    const storage = page.locator(`[data-storage] tr[data-school="${seeded.schoolId}"]`);
    await storage.locator('input[name="retentionDays"]').fill('30');
    await storage.getByRole('button', { name: 'Save changes' }).click();
    await waitFor('the retention saved', async () => (await api.request<{ recordingRetentionDays: number | null }>('GET', `/schools/${seeded.schoolId}`)).recordingRetentionDays === 30, 20_000);
    await storage.locator('text=30 days').waitFor({ timeout: 20_000 });

    // The pinned filter finds it; the unpinned one does not.
    await page.locator('select[name="pinned"]').selectOption('false');
    await page.locator(`tr[data-id="${recordingId}"]`).waitFor({ state: 'detached', timeout: 20_000 });
    await page.locator('select[name="pinned"]').selectOption('true');
    const row = page.locator(`tr[data-id="${recordingId}"]`);
    await row.waitFor({ timeout: 20_000 });
    await saveShot(page, 'recordings-admin-desktop-en');

    // Dismissed first: nothing happens; then confirmed.
    page.once('dialog', (dialog) => void dialog.dismiss());
    await row.locator('[data-action="delete"]').click();
    assert.ok(await recording(), 'kept when the confirmation is dismissed');
    page.once('dialog', (dialog) => {
      assert.match(dialog.message(), /Delete the recording of “Linear equations in one variable”/);
      void dialog.accept();
    });
    await row.locator('[data-action="delete"]').click();
    await row.waitFor({ state: 'detached', timeout: 20_000 });
    assert.equal(await recording(), undefined);

    for (const [locale, name] of [['en-US', 'en'], ['zh-CN', 'zh-CN']] as const) {
      const phone = await open(tokens.operator!, '/admin#recordings', { locale, viewport: viewports.phone });
      await phone.locator('[data-storage]').waitFor({ timeout: 20_000 });
      await saveShot(phone, `recordings-admin-phone-${name}`);
    }
    const zh = await open(tokens.operator!, '/admin#recordings', { locale: 'zh-CN' });
    await zh.locator('[data-storage]').waitFor({ timeout: 20_000 });
    assert.match((await zh.locator('[data-section="recordings"] h2').textContent()) ?? '', /录像/);
    await saveShot(zh, 'recordings-admin-desktop-zh-CN');
  });
});
