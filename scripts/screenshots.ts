// Pictures of every page, to look at: starts the platform, makes the first operator through the
// setup token, seeds a small province, pushes a test encoder into one classroom, and saves each page
// at desktop (1280x800) and phone (390x844) size into scratch/shots/.
// Run: node --import tsx scripts/screenshots.ts
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { findMediaTool } from '../services/core/ffmpeg-binary.ts';
import { launchChromium } from '../test/helpers/browser.ts';
import { waitFor } from '../test/helpers/wait-for.ts';
import { startDemoEncoder } from '../services/demo/demo-encoder.ts';
import { catalogClient, signIn } from './screenshots/catalog-client.ts';
import { keepPushing } from './screenshots/keep-pushing.ts';
import { seedCatalog } from './screenshots/seed-catalog.ts';
import { saveShot, shotsDir, viewports, type ViewportName } from './screenshots/shots.ts';
import { startPlatform } from './screenshots/start-platform.ts';

const operator = { username: 'operator', password: 'correct horse battery', displayName: 'Olga Operator' };
const schoolAdmin = { username: 'north-admin', password: 'school admin password', displayName: 'Sam Principal' };

const platform = await startPlatform();
const browser = await launchChromium();
try {
  const base = platform.baseUrl;
  await shootSignedOut(browser, base, `/setup?token=${platform.setupToken ?? ''}`, 'setup');
  await catalogClient(base).request('POST', '/setup', { token: platform.setupToken, ...operator });
  const api = await signIn(base, operator.username, operator.password);
  const seeded = await seedCatalog(api);
  await api.request('POST', '/accounts', { ...schoolAdmin, role: 'school_admin', schoolId: seeded.schoolId });
  const classroom = await api.request<{ rtmpUrl: string; primaryKey: string }>('GET', `/classrooms/${seeded.liveClassroomId}`);
  const encoder = keepPushing(() =>
    startDemoEncoder({
      ffmpegPath: findMediaTool('ffmpeg', process.env.FFMPEG_PATH),
      rtmpUrl: `${classroom.rtmpUrl}/${classroom.primaryKey}`,
      width: 1280,
      height: 720,
      fps: 30,
      audio: true,
      videoKbps: 2000,
      title: 'Linear equations',
    }),
  );
  try {
    await waitFor('the lesson to go live', async () => (await api.request<{ state: string }>('GET', `/lessons/${seeded.liveLessonId}`)).state === 'live', 60_000);
    await waitFor('the encoder status', async () => (await api.request<{ encoder: { connected: boolean } | null }>('GET', `/classrooms/${seeded.liveClassroomId}`)).encoder?.connected, 30_000);
    await shootSignedOut(browser, base, '/', 'timetable');
    await shootSignedOut(browser, base, '/login', 'login');
    await shootSignedOut(browser, base, `/watch/${seeded.liveLessonId}`, 'watch', async (page) => {
      await page.locator('body[data-player-state="playing"]').waitFor({ timeout: 30_000 });
      await page.waitForTimeout(2000);
    });
    await shootSignedIn(browser, base, schoolAdmin, '/school', 'school', async (page) => {
      await page.locator('[data-encoder="connected"]').first().waitFor({ timeout: 15_000 });
      await page.getByRole('button', { name: 'Show' }).first().click();
    });
    for (const tab of ['cities', 'schools', 'classrooms', 'courses', 'lessons', 'accounts']) {
      await shootSignedIn(browser, base, operator, `/admin#${tab}`, `admin-${tab}`, async (page) => {
        await page.locator('.data-table, .empty').first().waitFor({ timeout: 10_000 });
      });
    }
    await shootSignedIn(browser, base, operator, '/admin#cities', 'admin-error', async (page) => {
      await page.locator('input[name="name"]').fill('Riverton');
      await page.getByRole('button', { name: 'Create city' }).click();
      await page.locator('.form-error').waitFor({ timeout: 10_000 });
    });
  } finally {
    await encoder.stop();
  }
  console.log(`screenshots in ${shotsDir}`);
} finally {
  await browser.close();
  await platform.close();
}

type Prepare = (page: Page) => Promise<void>;

async function shootSignedOut(browser: Browser, base: string, path: string, name: string, prepare?: Prepare): Promise<void> {
  for (const viewport of Object.keys(viewports) as ViewportName[]) {
    const context = await browser.newContext({ viewport: viewports[viewport] });
    await shoot(context, base, path, `${name}-${viewport}`, prepare);
  }
}

async function shootSignedIn(browser: Browser, base: string, account: { username: string; password: string }, path: string, name: string, prepare?: Prepare): Promise<void> {
  for (const viewport of Object.keys(viewports) as ViewportName[]) {
    const context = await browser.newContext({ viewport: viewports[viewport] });
    const login = await context.newPage();
    await login.goto(`${base}/login`);
    await login.locator('input[name="username"]').fill(account.username);
    await login.locator('input[name="password"]').fill(account.password);
    await login.getByRole('button', { name: 'Sign in' }).click();
    await login.waitForURL((url) => url.pathname !== '/login');
    await login.close();
    await shoot(context, base, path, `${name}-${viewport}`, prepare);
  }
}

async function shoot(context: BrowserContext, base: string, path: string, name: string, prepare?: Prepare): Promise<void> {
  const page = await context.newPage();
  page.on('pageerror', (error) => console.error(`[${name}] ${error.message}`));
  await page.goto(`${base}${path}`);
  await page.locator('main, .site-main').first().waitFor();
  // Pages that poll or stream never go quiet; a few seconds is enough for the rest.
  await page.waitForLoadState('networkidle', { timeout: 5000 }).catch(() => undefined);
  if (prepare) await prepare(page);
  console.log(await saveShot(page, name));
  await context.close();
}
