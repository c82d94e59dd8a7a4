// The catalog end to end, through the pages in headless Chromium, as people use it: the first
// operator signs up with the setup token from the log and builds a city, a school, a classroom and a
// lesson starting now; a real encoder (ffmpeg) pushes with the key copied from the school page; a
// student finds the lesson live on the timetable (on a phone screen) and plays it. Then the key is
// rotated on the school page: the old key is refused within seconds, the new one goes live. Last,
// "End lesson now" on the school page cuts the encoder off and ends the lesson at once; the page
// links it to its replay, and a push after that is refused. Along the way: the setup link once an
// operator exists, the school page's hint before a school is chosen and its loopback RTMP warning.
// Screenshots of each step go to scratch/shots/journey-*.png.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import type { Browser, Locator, Page } from 'playwright-core';
import type { DemoEncoder } from '../../services/demo/demo-encoder.ts';
import { saveShot, viewports } from '../../scripts/screenshots/shots.ts';
import { keepPushing, type ReconnectingEncoder } from '../../scripts/screenshots/keep-pushing.ts';
import { startPlatform, type Platform } from '../../scripts/screenshots/start-platform.ts';
import { launchChromium } from '../helpers/browser.ts';
import { pushTestPattern } from '../helpers/media.ts';
import { waitFor } from '../helpers/wait-for.ts';
import { waitForPlayback } from '../helpers/watch-page.ts';

const operator = { username: 'olga', displayName: 'Olga Operator', password: 'a long operator password' };

describe('catalog journey through the pages', { timeout: 240_000 }, () => {
  let platform: Platform;
  let browser: Browser;
  const encoders: Array<{ stop(): Promise<unknown> }> = [];
  const push = (url: string): DemoEncoder => {
    const encoder = pushTestPattern(url, { width: 640, height: 360, fps: 25 });
    encoders.push(encoder);
    return encoder;
  };
  /** Pushes like a real encoder, reconnecting while the ingest does not know the key yet. */
  const pushAndRetry = (url: string): ReconnectingEncoder => {
    const encoder = keepPushing(() => pushTestPattern(url, { width: 640, height: 360, fps: 25 }));
    encoders.push(encoder);
    return encoder;
  };

  before(async () => {
    platform = await startPlatform();
    browser = await launchChromium();
  });
  after(async () => {
    await Promise.all(encoders.map((encoder) => encoder.stop()));
    await browser?.close();
    await platform?.close();
  });

  it('an operator sets up a lesson, an encoder makes it live, a student plays it, and a rotated key locks out the old one', async () => {
    const base = platform.baseUrl;
    const token = await waitFor('the setup token in the log', () => platform.setupToken, 5000);

    // The first operator, made with the one-time setup token, lands on the admin page signed in.
    const staff = await browser.newContext({ viewport: viewports.desktop });
    const admin = await staff.newPage();
    admin.on('pageerror', (error) => process.stderr.write(`[admin page error] ${error.message}\n`));
    await admin.goto(`${base}/setup?token=${token}`);
    await admin.locator('input[name="username"]').fill(operator.username);
    await admin.locator('input[name="displayName"]').fill(operator.displayName);
    await admin.locator('input[name="password"]').fill(operator.password);
    await admin.locator('input[name="repeat"]').fill(operator.password);
    await admin.getByRole('button', { name: 'Create the operator' }).click();
    await admin.waitForURL(`${base}/admin`);
    await admin.locator('.signed-in', { hasText: operator.displayName }).waitFor();

    // The setup link again, now that an operator exists: it says so and points to sign-in, no form.
    const setupAgain = await staff.newPage();
    await setupAgain.goto(`${base}/setup?token=${token}`);
    await setupAgain.locator('[data-setup-done]').waitFor();
    assert.equal(await setupAgain.locator('[data-setup-done] a').getAttribute('href'), '/login');
    assert.equal(await setupAgain.locator('input[name="username"]').count(), 0);
    await setupAgain.close();

    // City, school, classroom and a lesson starting now (the form's default times), each through its form.
    await createThroughForm(admin, 'cities', 'city', async (form) => {
      await form.locator('input[name="name"]').fill('Riverton');
    }, 'Riverton');
    await createThroughForm(admin, 'schools', 'school', async (form) => {
      await form.locator('select[name="cityId"]').selectOption({ label: 'Riverton' });
      await form.locator('input[name="name"]').fill('North High School');
    }, 'North High School');
    await createThroughForm(admin, 'classrooms', 'classroom', async (form) => {
      await form.locator('select[name="schoolId"]').selectOption({ label: 'North High School (Riverton)' });
      await form.locator('input[name="name"]').fill('Room 101');
    }, 'Room 101');
    // The classroom's id is made from its name (nobody types one), and shown for encoders and addresses.
    const classroomId = (await admin.locator('.data-table tr', { hasText: 'Room 101' }).getAttribute('data-id')) ?? '';
    assert.match(classroomId, /^room-101-[a-z2-9]{4}$/);
    await createThroughForm(admin, 'lessons', 'lesson', async (form) => {
      await form.locator('select[name="classroomId"]').selectOption({ label: 'Room 101 (North High School)' });
      await form.locator('input[name="title"]').fill('Linear equations');
    }, 'Linear equations');
    const lessonId = await admin.locator('.data-table tr', { hasText: 'Linear equations' }).getAttribute('data-id');
    assert.ok(lessonId?.startsWith(`${classroomId}-`), `lesson id ${lessonId}`);
    await saveShot(admin, 'journey-1-admin-lessons');

    // The school page (same browser, so signed in) gives the RTMP URL and, once "Show" is pressed, the key.
    const school = await staff.newPage();
    school.on('pageerror', (error) => process.stderr.write(`[school page error] ${error.message}\n`));
    await school.goto(`${base}/school`);
    // No school chosen yet: the page says what to do.
    assert.match((await school.locator('[data-hint]').textContent()) ?? '', /^Choose a school above to see its classrooms/);
    await saveShot(school, 'journey-1b-school-choose-a-school');
    await school.locator('select[name="school"]').selectOption({ label: 'North High School (Riverton)' });
    const classroom = school.locator(`[data-classroom="${classroomId}"]`);
    await classroom.waitFor();
    assert.equal(await school.locator('[data-hint]').count(), 0);
    // The node advertises loopback (no ingest.rtmpUrl): the page warns, naming the setting, as the log did at start.
    assert.match((await school.locator('[data-rtmp-loopback]').textContent()) ?? '', /Encoders on other machines cannot push to rtmp:\/\/127\.0\.0\.1:\d+\/live.*ingest\.rtmpUrl/);
    assert.ok(platform.warnings.some((entry) => /loopback RTMP address/.test(entry.event) && /ingest\.rtmpUrl/.test(String(entry.hint))), 'warned at start');
    assert.equal(await classroom.locator('[data-key="primary"]').textContent(), '•'.repeat(16), 'the key is hidden until shown');
    await classroom.getByRole('button', { name: 'Show' }).first().click();
    const rtmpUrl = (await classroom.locator('[data-rtmp-url]').textContent()) ?? '';
    const firstKey = (await classroom.locator('[data-key="primary"]').textContent()) ?? '';
    assert.match(rtmpUrl, /^rtmp:\/\/127\.0\.0\.1:\d+\/live$/);
    assert.match(firstKey, /^[A-Za-z0-9_-]{8,128}$/);

    // The classroom is seconds old: its key reaches the ingest within catalog.keyRefreshSeconds.
    const encoder = pushAndRetry(`${rtmpUrl}/${firstKey}`);
    await classroom.locator('[data-encoder="connected"]').waitFor({ timeout: 30_000 });
    assert.match((await classroom.locator('.encoder-figures').textContent()) ?? '', /640×360/);
    await saveShot(school, 'journey-2-school-encoder-connected');

    // A student, not signed in, on a phone: the timetable shows the lesson live; it plays.
    const student = await (await browser.newContext({ viewport: viewports.phone })).newPage();
    student.on('pageerror', (error) => process.stderr.write(`[student page error] ${error.message}\n`));
    await student.goto(`${base}/`);
    const card = student.locator(`a[data-lesson="${lessonId}"][data-state="live"]`);
    await card.waitFor({ timeout: 30_000 });
    assert.match((await card.textContent()) ?? '', /Live.*Linear equations.*North High School/);
    await saveShot(student, 'journey-3-timetable-live');
    await card.click();
    await student.waitForURL(`${base}/watch/${lessonId}`);
    await student.locator('body[data-player-state="playing"]').waitFor({ timeout: 30_000 });
    await waitForPlayback(student, 2);
    assert.equal(await student.locator('#lesson-title').textContent(), 'Linear equations');
    await saveShot(student, 'journey-4-watch-playing');

    // Rotate the key on the school page (after its confirmation); the page shows the new one.
    school.once('dialog', (dialog) => void dialog.accept());
    await classroom.getByRole('button', { name: 'Rotate key' }).click();
    const secondKey = await waitFor('the new key on the school page', async () => {
      const shown = await classroom.locator('[data-key="primary"]').textContent();
      return shown && shown !== firstKey ? shown : undefined;
    });
    await saveShot(school, 'journey-5-school-key-rotated');

    // The encoder hangs up; pushing with the old key is refused (ffmpeg exits with an error) within seconds.
    await encoder.stop();
    await classroom.locator('[data-encoder="disconnected"]').waitFor({ timeout: 30_000 });
    const refused = await waitFor('a publish with the old key to be refused', async () => {
      const stale = push(`${rtmpUrl}/${firstKey}`);
      const code = await Promise.race([stale.exited, new Promise<'running'>((resolve) => setTimeout(() => resolve('running'), 5000))]);
      if (code === 'running') {
        // Accepted before the new key reached the ingest's key list: hang up and try again.
        await stale.stop();
        return undefined;
      }
      return { code, stderr: stale.stderrTail() };
    }, 20_000, 0);
    assert.notEqual(refused.code, 0, `ffmpeg with the old key: ${refused.stderr}`);
    assert.ok(
      platform.warnings.some((entry) => entry.event === 'publish refused' && entry.reason === 'unknown stream key'),
      `a refusal for the key in: ${JSON.stringify(platform.warnings)}`,
    );

    // The new key goes live at the first try (the key list that refused the old key holds the new
    // one): the school page sees the encoder, and the student's player plays on.
    const fresh = push(`${rtmpUrl}/${secondKey}`);
    await classroom.locator('[data-encoder="connected"]').waitFor({ timeout: 30_000 });
    await waitForPlayback(student, 2, 45_000);
    const stillRunning = await Promise.race([fresh.exited.then(() => false), new Promise<boolean>((resolve) => setTimeout(() => resolve(true), 500))]);
    assert.ok(stillRunning, `ffmpeg with the new key exited: ${fresh.stderrTail()}`);
    await saveShot(school, 'journey-6-school-new-key-connected');
    await saveShot(student, 'journey-7-watch-after-rotation');

    // "End lesson now" on the school page (after its confirmation) ends the lesson at once: the
    // encoder is cut off, the playlists end, and the page links the ended lesson to its replay.
    await school.reload();
    const liveRow = classroom.locator(`li[data-lesson="${lessonId}"]`);
    await liveRow.locator('.badge-live').waitFor({ timeout: 30_000 });
    await saveShot(school, 'journey-8-school-live-lesson');
    let confirmation = '';
    school.once('dialog', (dialog) => {
      confirmation = dialog.message();
      void dialog.accept();
    });
    await liveRow.getByRole('button', { name: 'End lesson now' }).click();
    const cutOff = await Promise.race([fresh.exited.then(() => true), new Promise<boolean>((resolve) => setTimeout(() => resolve(false), 20_000).unref())]);
    assert.ok(cutOff, 'the encoder is disconnected');
    assert.match(confirmation, /^End “Linear equations” now\?/);
    // Its last segments are written after the encoder is gone; then the lesson is ended.
    const ended = await waitFor('the lesson ended', async () => {
      const lesson = (await (await fetch(`${base}/api/v1/lessons/${lessonId}`)).json()) as { state: string; endRequestedAt: string | null };
      return lesson.state === 'ended' ? lesson : undefined;
    });
    assert.ok(ended.endRequestedAt);
    const master = await (await fetch(`${base}/live/${lessonId}/master.m3u8`)).text();
    const variant = master.split('\n').find((line) => line.endsWith('.m3u8'))!;
    assert.match(await (await fetch(`${base}/live/${lessonId}/${variant}`)).text(), /#EXT-X-ENDLIST/);
    const endedRow = classroom.locator(`li[data-lesson="${lessonId}"][data-state="ended"]`);
    const replayUrl = await waitFor('the replay link on the school page', async () => {
      await school.reload();
      await endedRow.waitFor({ timeout: 10_000 });
      return (await endedRow.locator('a.lesson-replay').getAttribute('href', { timeout: 500 }).catch(() => null)) ?? undefined;
    }, 60_000, 1000);
    assert.match(replayUrl, /^\/replay\/[^/]+$/);
    assert.equal(await classroom.locator('[data-end-lesson]').count(), 0);
    await saveShot(school, 'journey-9-school-lesson-ended');
    await school.setViewportSize(viewports.phone);
    await saveShot(school, 'journey-10-school-phone');

    // Pushing again inside the lesson's time is refused: it is not continued, and no unscheduled lesson opens.
    const again = push(`${rtmpUrl}/${secondKey}`);
    const againCode = await Promise.race([again.exited, new Promise<'running'>((resolve) => setTimeout(() => resolve('running'), 20_000).unref())]);
    assert.notEqual(againCode, 'running', 'the push after "End lesson now" is refused');
    assert.ok(platform.warnings.some((entry) => entry.event === 'publish refused' && /End lesson now/.test(String(entry.reason))), JSON.stringify(platform.warnings.slice(-3)));
    const lessons = (await (await fetch(`${base}/api/v1/lessons?classroomId=${classroomId}`)).json()) as { items: Array<{ id: string; state: string }> };
    assert.deepEqual(lessons.items.map((lesson) => [lesson.id, lesson.state]), [[lessonId, 'ended']]);
  });
});

/** Opens an admin tab, fills its form, submits, and waits for the new row (`rowText`) in its table. */
async function createThroughForm(page: Page, tab: string, noun: string, fill: (form: Locator) => Promise<void>, rowText: string): Promise<void> {
  await page.locator('.tabs a', { hasText: new RegExp(`^${tab}$`, 'i') }).click();
  const form = page.locator(`form[data-form="${noun}"]`);
  await fill(form);
  await form.getByRole('button', { name: `Create ${noun}` }).click();
  const row = page.locator('.data-table tr', { hasText: rowText });
  await row.waitFor({ timeout: 10_000 }).catch(async (error: unknown) => {
    const shown = await form.locator('.form-error').textContent().catch(() => null);
    throw new Error(`creating the ${noun} failed${shown ? `: ${shown}` : ''} (${(error as Error).message})`);
  });
}
