// A school goes live by following /school, in headless Chromium on the whole platform (`all`): the
// guide's OBS profile downloads as a zip of an OBS profile folder (basic.ini in OBS's INI with the
// lesson's picture, frame rate and audio; streamEncoder.json with CBR and the keyframe interval;
// service.json with the classroom's server and key), for those who manage the classroom only. A
// real ffmpeg pushing a 250-frame GOP gets the keyframe advice in the live check; after it stops and
// the scheduled lesson ends (past the grace period), a push inside the lesson's window continues
// that same lesson, and with a 2 s GOP, 720p30, CBR and AAC 48 kHz every row of the check is green.
// Screenshots of /school (desktop and phone, en and zh-CN) go to scratch/shots/school-*.png.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { strFromU8, unzipSync } from 'fflate';
import { findMediaTool } from '../../services/core/ffmpeg-binary.ts';
import { sessionCookieName } from '../../services/catalog/auth/session-cookie.ts';
import { startFfmpeg, type FfmpegChild } from '../../services/core/ffmpeg-child.ts';
import { catalogClient, type CatalogClient } from '../../scripts/screenshots/catalog-client.ts';
import { keepPushing, type ReconnectingEncoder } from '../../scripts/screenshots/keep-pushing.ts';
import { seedCatalog, type SeededCatalog } from '../../scripts/screenshots/seed-catalog.ts';
import { saveShot, viewports } from '../../scripts/screenshots/shots.ts';
import { startPlatform, type Platform } from '../../scripts/screenshots/start-platform.ts';
import { launchChromium } from '../helpers/browser.ts';
import { pushTestPattern } from '../helpers/media.ts';
import { waitFor } from '../helpers/wait-for.ts';

const operator = { username: 'olga', displayName: 'Olga Operator', password: 'a long operator password' };
const teacher = { username: 'tom', displayName: 'Tom Teacher', password: 'a long teacher password', role: 'teacher' };

/** OBS's INI as its config reader takes it: [Section] lines, then key=value lines. */
function parseIni(text: string): Record<string, Record<string, string>> {
  const sections: Record<string, Record<string, string>> = {};
  let current: Record<string, string> | undefined;
  for (const line of text.split(/\r?\n/)) {
    if (line.trim() === '') continue;
    const section = /^\[([^\]]+)\]$/.exec(line);
    if (section) {
      current = sections[section[1]!] = {};
      continue;
    }
    const pair = /^([^=]+)=(.*)$/.exec(line);
    assert.ok(pair && current, `an INI line in a section: ${JSON.stringify(line)}`);
    current[pair[1]!] = pair[2]!;
  }
  return sections;
}

describe('going live from the school page', { timeout: 900_000 }, () => {
  let platform: Platform;
  let browser: Browser;
  let api: CatalogClient;
  let operatorToken: string;
  let seeded: SeededCatalog;
  let classroom: { id: string; rtmpUrl: string; primaryKey: string };
  let longGop: FfmpegChild | undefined;
  let encoder: ReconnectingEncoder | undefined;
  const contexts: BrowserContext[] = [];

  const signIn = async (username: string, password: string) => (await catalogClient(platform.baseUrl).request<{ token: string }>('POST', '/auth/login', { username, password })).token;
  const openSchool = async (token: string, options: { locale?: 'en-US' | 'zh-CN'; viewport?: { width: number; height: number } } = {}): Promise<Page> => {
    const context = await browser.newContext({ viewport: options.viewport ?? viewports.desktop, locale: options.locale ?? 'en-US', acceptDownloads: true });
    contexts.push(context);
    await context.addCookies([{ name: sessionCookieName, value: token, url: platform.baseUrl }]);
    const page = await context.newPage();
    page.on('pageerror', (error) => process.stderr.write(`[school page error] ${error.message}\n`));
    await page.goto(`${platform.baseUrl}/school?school=${seeded.schoolId}`);
    return page;
  };
  const lessonState = async () => (await api.request<{ state: string }>('GET', `/lessons/${seeded.liveLessonId}`)).state;

  before(async () => {
    platform = await startPlatform({ ingest: { reconnectGraceSeconds: 2 }, transcode: { maxRenditions: 1 } });
    browser = await launchChromium();
    const setupToken = await waitFor('the setup token in the log', () => platform.setupToken, 5000);
    await catalogClient(platform.baseUrl).request('POST', '/setup', { token: setupToken, ...operator });
    operatorToken = await signIn(operator.username, operator.password);
    api = catalogClient(platform.baseUrl, operatorToken);
    seeded = await seedCatalog(api);
    await api.request('POST', '/accounts', { ...teacher, schoolId: seeded.schoolId });
    classroom = await api.request('GET', `/classrooms/${seeded.liveClassroomId}`);
  });

  after(async () => {
    await longGop?.stop();
    await encoder?.stop();
    for (const context of contexts) await context.close();
    await browser?.close();
    await platform?.close();
  });

  it('the guide downloads an OBS profile in OBS\'s format, with the classroom\'s server, key and the lesson\'s settings', async () => {
    const page = await openSchool(operatorToken);
    const link = page.locator(`[data-classroom="${classroom.id}"] [data-obs-profile]`);
    await link.waitFor({ timeout: 20_000 });
    const [download] = await Promise.all([page.waitForEvent('download'), link.click()]);
    assert.equal(download.suggestedFilename(), `Classcast-${classroom.id}.zip`);
    const zip = unzipSync(new Uint8Array(await readFile((await download.path())!)));
    const folder = `Classcast-${classroom.id}`;
    // The folder itself, then its files: unzipped, it is the folder OBS's Profile > Import asks for.
    assert.deepEqual(Object.keys(zip).sort(), ['', 'basic.ini', 'service.json', 'streamEncoder.json'].map((name) => `${folder}/${name}`));

    const basic = parseIni(strFromU8(zip[`${folder}/basic.ini`]!));
    assert.equal(basic.General?.Name, 'Classcast Room 101');
    assert.equal(basic.Output?.Mode, 'Advanced');
    assert.equal(basic.AdvOut?.Encoder, 'obs_x264');
    assert.deepEqual([basic.Video?.BaseCX, basic.Video?.BaseCY, basic.Video?.OutputCX, basic.Video?.OutputCY], ['1280', '720', '1280', '720']);
    assert.deepEqual([basic.Video?.FPSType, basic.Video?.FPSInt], ['1', '30']);
    assert.deepEqual([basic.Audio?.SampleRate, basic.Audio?.ChannelSetup], ['48000', 'Stereo']);

    const streamEncoder = JSON.parse(strFromU8(zip[`${folder}/streamEncoder.json`]!)) as Record<string, unknown>;
    assert.equal(streamEncoder.rate_control, 'CBR');
    assert.equal(streamEncoder.keyint_sec, 2, 'a keyframe every 2 s for a normal-latency lesson');
    assert.equal(streamEncoder.bitrate, 2500);
    const service = JSON.parse(strFromU8(zip[`${folder}/service.json`]!)) as { type: string; settings: { server: string; key: string } };
    assert.deepEqual(service, { type: 'rtmp_custom', settings: { server: classroom.rtmpUrl, key: classroom.primaryKey, use_auth: false, bwtest: false } });

    // The keys are in it: only those who manage the classroom get it.
    const teacherToken = await signIn(teacher.username, teacher.password);
    const asTeacher = await fetch(`${platform.baseUrl}/api/v1/classrooms/${classroom.id}/obs-profile`, { headers: { Authorization: `Bearer ${teacherToken}` } });
    assert.equal(asTeacher.status, 403);
    assert.ok(((await asTeacher.json()) as { error: string }).error);
    const anonymous = await fetch(`${platform.baseUrl}/api/v1/classrooms/${classroom.id}/obs-profile`);
    assert.equal(anonymous.status, 401);
    const badMode = await fetch(`${platform.baseUrl}/api/v1/classrooms/${classroom.id}/obs-profile?latencyMode=fast`, { headers: { Authorization: `Bearer ${operatorToken}` } });
    assert.equal(badMode.status, 400);
    const low = await fetch(`${platform.baseUrl}/api/v1/classrooms/${classroom.id}/obs-profile?latencyMode=low`, { headers: { Authorization: `Bearer ${operatorToken}` } });
    const lowEncoder = JSON.parse(strFromU8(unzipSync(new Uint8Array(await low.arrayBuffer()))[`${folder}/streamEncoder.json`]!)) as { keyint_sec: number };
    assert.equal(lowEncoder.keyint_sec, 1, 'a keyframe every second for 1 s segments');
  });

  it('a 250-frame GOP gets the keyframe advice in the live check', async () => {
    longGop = startFfmpeg(findMediaTool('ffmpeg', process.env.FFMPEG_PATH), [
      '-hide_banner', '-loglevel', 'error', '-re', '-f', 'lavfi', '-i', 'testsrc2=size=1280x720:rate=25', '-re', '-f', 'lavfi', '-i', 'sine=sample_rate=48000',
      '-c:v', 'libx264', '-preset', 'veryfast', '-g', '250', '-keyint_min', '250', '-sc_threshold', '0',
      '-b:v', '2500k', '-maxrate', '2500k', '-bufsize', '2500k', '-c:a', 'aac', '-ar', '48000', '-ac', '2', '-f', 'flv', `${classroom.rtmpUrl}/${classroom.primaryKey}`,
    ]);
    await waitFor('the scheduled lesson live', async () => (await lessonState()) === 'live', 60_000);
    const page = await openSchool(operatorToken);
    const row = page.locator(`[data-classroom="${classroom.id}"] [data-check="keyframes"][data-verdict="fix"]`);
    await row.waitFor({ timeout: 120_000 });
    const text = `${(await row.textContent()) ?? ''} ${(await page.locator(`[data-classroom="${classroom.id}"] [data-fix="keyframes"]`).textContent()) ?? ''}`;
    assert.match(text, /10 s/, `the interval sent: ${text}`);
    assert.match(text, /Keyframe Interval = 2/, `the fix in words: ${text}`);
    assert.match(text, /GOP = 60 frames/, `for hardware encoders too: ${text}`);
    assert.equal(await page.locator(`[data-classroom="${classroom.id}"] [data-encoder-check]`).getAttribute('data-encoder-check'), 'not-ok');
    // No poster is made here (another part of the platform draws it): the picture hides itself instead of showing a broken image.
    await waitFor('the missing preview hidden', async () => (await page.locator('[data-live-preview]').count()) === 0, 20_000);
    await saveShot(page, 'school-check-long-gop-desktop-en');
  });

  it('after the grace period, a push inside the lesson\'s window continues the same lesson, and a 2 s GOP shows all green', async () => {
    await longGop!.stop();
    longGop = undefined;
    // Ended once the grace has passed and its renditions have drained (an unfit source's re-encoded top can lag far on a busy machine).
    await waitFor('the scheduled lesson ended after the grace period', async () => (await lessonState()) === 'ended', 300_000);

    encoder = keepPushing(() => pushTestPattern(`${classroom.rtmpUrl}/${classroom.primaryKey}`, { width: 1280, height: 720, fps: 30, audio: true, videoKbps: 2500 }));
    await waitFor('the same scheduled lesson live again', async () => (await lessonState()) === 'live', 60_000);
    const lessons = await api.request<{ items: Array<{ id: string; adHoc?: boolean }> }>('GET', `/lessons?classroomId=${classroom.id}&limit=50`);
    assert.deepEqual(lessons.items.filter((lesson) => lesson.adHoc).map((lesson) => lesson.id), [], 'no ad-hoc lesson opened');
    const status = await api.request<{ encoder: { lessonId: string } }>('GET', `/classrooms/${classroom.id}`);
    assert.equal(status.encoder.lessonId, seeded.liveLessonId, 'the encoder pushes the scheduled lesson');

    const page = await openSchool(operatorToken);
    const check = page.locator(`[data-classroom="${classroom.id}"] [data-encoder-check="ok"]`);
    await check.waitFor({ timeout: 120_000 });
    const verdicts = await page.locator(`[data-classroom="${classroom.id}"] [data-check]`).evaluateAll((rows) => rows.map((row) => [row.getAttribute('data-check'), row.getAttribute('data-verdict')]));
    assert.deepEqual(verdicts, [['resolution', 'ok'], ['fps', 'ok'], ['bitrate', 'ok'], ['keyframes', 'ok'], ['audio', 'ok']]);
    assert.match((await page.locator(`[data-classroom="${classroom.id}"] [data-check="audio"]`).textContent()) ?? '', /AAC 48 kHz, stereo/);
    await saveShot(page, 'school-check-ok-desktop-en');
    for (const [locale, name] of [['en-US', 'en'], ['zh-CN', 'zh-CN']] as const) {
      const phone = await openSchool(operatorToken, { locale, viewport: viewports.phone });
      await phone.locator('[data-encoder-check="ok"]').waitFor({ timeout: 60_000 });
      await saveShot(phone, `school-check-ok-phone-${name}`);
    }
    const zh = await openSchool(operatorToken, { locale: 'zh-CN' });
    await zh.locator('[data-encoder-check="ok"]').waitFor({ timeout: 60_000 });
    assert.match((await zh.locator('.encoder-check h3').textContent()) ?? '', /实时检查/);
    await saveShot(zh, 'school-check-ok-desktop-zh-CN');
  });
});
