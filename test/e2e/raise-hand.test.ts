// Raised hands end to end in headless Chromium with its fake microphone: a student raises a hand on
// the lesson's page, the console accepts it, and a WebRTC call between the two pages carries audio
// both ways (getStats); a second hand waits while the limit is one call; mute silences the student
// and End call puts the hand down; signed-out, wrong-role and foreign-origin sockets are refused,
// and so are messages too big, too many or not the sender's to send. Figures and audit entries follow.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import type { Page } from 'playwright-core';
import WebSocket from 'ws';
import { queryOne } from '../../services/catalog/db/database.ts';
import { handsCloseCodes, type ServerMessage } from '../../player/src/hands/hands-protocol.ts';
import { startHandsLesson, type HandsAccount, type HandsLesson } from '../helpers/hands-lesson.ts';
import { waitFor } from '../helpers/wait-for.ts';

type AudioFigures = { sent: number; received: number; energy: number };

/** Audio bytes this end of a call sent and received, and the energy of what it received, from getStats(). */
function callFigures(page: Page, studentId?: number): Promise<AudioFigures | undefined> {
  return page.evaluate(async (id) => {
    const hooks = window.classcastHands;
    const connection = id === undefined ? hooks?.student?.call() : hooks?.console?.call(id);
    if (!connection) return undefined;
    const figures = { sent: 0, received: 0, energy: 0 };
    (await connection.getStats()).forEach((report: { type: string; kind?: string; bytesSent?: number; bytesReceived?: number; totalAudioEnergy?: number }) => {
      if (report.type === 'outbound-rtp' && report.kind === 'audio') figures.sent += report.bytesSent ?? 0;
      if (report.type === 'inbound-rtp' && report.kind === 'audio') {
        figures.received += report.bytesReceived ?? 0;
        figures.energy += report.totalAudioEnergy ?? 0;
      }
    });
    return figures;
  }, studentId);
}

/** Opens /hands as a script would, with the account's session (or none); collects what the server says and how it closed. */
function rawSocket(lesson: HandsLesson, who: HandsAccount | undefined, headers: Record<string, string> = {}) {
  const socket = new WebSocket(`${lesson.base.replace('http', 'ws')}/hands?lesson=${lesson.lessonId}`, { headers: { ...(who ? { cookie: `classcast_session=${who.token}` } : {}), ...headers } });
  const messages: ServerMessage[] = [];
  const closed = new Promise<number>((resolve) => socket.on('close', (code) => resolve(code)));
  const refused = new Promise<number>((resolve) => socket.on('unexpected-response', (_request, response) => resolve(response.statusCode ?? 0)));
  socket.on('error', () => undefined);
  socket.on('message', (data) => messages.push(JSON.parse(String(data)) as ServerMessage));
  return { socket, messages, closed, refused, opened: new Promise<void>((resolve) => socket.on('open', () => resolve())) };
}

const statusOf = (page: Page) => page.locator('.raise-hand-status').innerText();
const row = (page: Page, student: HandsAccount) => page.locator(`.hands-row[data-student="${student.id}"]`);

describe('raise hand', { timeout: 240_000 }, () => {
  let lesson: HandsLesson;
  let consolePage: Page;
  let first: Page;
  let second: Page;

  before(async () => {
    lesson = await startHandsLesson({ maxAccepted: 1, limits: { messages: { burst: 40, perSecond: 5 }, maxMessageBytes: 16 * 1024, lessonCheckSeconds: 1 } });
    consolePage = await lesson.open(lesson.teacher, 'console');
    first = await lesson.open(lesson.students[0], 'student');
    second = await lesson.open(lesson.students[1], 'student');
  });
  after(() => lesson?.close());

  it('raise, accept: a call carries audio both ways, while a second hand waits', async () => {
    await waitFor('the console to be ready', async () => (await consolePage.locator('.hands-panel').getAttribute('data-phase')) === 'ready');
    await waitFor('the first student\'s button', async () => (await first.locator('.raise-hand').getAttribute('data-phase')) === 'down');
    await first.getByRole('button', { name: 'Raise hand' }).click();
    await waitFor('the first hand to wait, next in line', async () => /you are next/.test(await statusOf(first)));
    await waitFor('the second student\'s button', async () => (await second.locator('.raise-hand').getAttribute('data-phase')) === 'down');
    await second.getByRole('button', { name: 'Raise hand' }).click();
    await waitFor('the second hand to wait second', async () => /2 in the queue/.test(await statusOf(second)));
    await waitFor('both hands on the console', async () => (await consolePage.locator('.hands-row').count()) === 2);
    assert.deepEqual(await consolePage.locator('.hands-row strong').allInnerTexts(), [lesson.students[0].name, lesson.students[1].name], 'in the order raised');

    await row(consolePage, lesson.students[0]).getByRole('button', { name: 'Accept' }).click();
    await waitFor('the student to be on the air', async () => /You are on the air/.test(await statusOf(first)), 30_000);
    await waitFor('the console to show the call', async () => /in the call/.test(await row(consolePage, lesson.students[0]).innerText()), 30_000);
    const before = { student: (await callFigures(first))!, consolePage: (await callFigures(consolePage, lesson.students[0].id))! };
    await waitFor(
      'audio bytes sent and received at both ends',
      async () => {
        const student = await callFigures(first);
        const teacher = await callFigures(consolePage, lesson.students[0].id);
        return student && teacher && student.sent > before.student.sent && student.received > before.student.received && teacher.sent > before.consolePage.sent && teacher.received > before.consolePage.received && teacher.received > 2000 && student.received > 2000;
      },
      30_000,
    );

    // The limit is one call: the second hand waits, its Accept is off, and the server refuses it too.
    assert.match(await statusOf(second), /you are next/);
    assert.equal(await row(consolePage, lesson.students[1]).getByRole('button', { name: 'Accept' }).isDisabled(), true);
    const script = rawSocket(lesson, lesson.teacher);
    await waitFor('the queue on a second console', () => script.messages.some((message) => message.type === 'queue'));
    script.socket.send(JSON.stringify({ type: 'accept', studentId: lesson.students[1].id }));
    const refusal = await waitFor('a refusal', () => script.messages.find((message) => message.type === 'error'));
    assert.deepEqual(refusal, { type: 'error', code: 'limit', message: 'this lesson already has as many calls as it may hold at once: end one first' });
    script.socket.close();
    assert.match(await statusOf(second), /you are next/);
  });

  it('mute silences the student at both ends; unmute brings the voice back', async () => {
    await row(consolePage, lesson.students[0]).getByRole('button', { name: 'Mute' }).click();
    await waitFor('the student to be told', async () => /The teacher muted your microphone/.test(await statusOf(first)));
    assert.equal(await first.evaluate(() => window.classcastHands?.student?.call()?.getSenders()[0]?.track?.enabled), false, 'the student\'s microphone track is off');
    await waitFor('the console row to say muted', async () => /muted/.test(await row(consolePage, lesson.students[0]).innerText()));
    // Silence carries no energy: two readings a while apart agree once the muted audio arrives.
    await waitFor(
      'no more audio energy at the console',
      async () => {
        const earlier = await callFigures(consolePage, lesson.students[0].id);
        await new Promise((resolve) => setTimeout(resolve, 1500));
        const later = await callFigures(consolePage, lesson.students[0].id);
        return earlier && later && later.received > earlier.received && later.energy === earlier.energy;
      },
      30_000,
      0,
    );
    await row(consolePage, lesson.students[0]).getByRole('button', { name: 'Unmute' }).click();
    await waitFor('the voice back at the console', async () => {
      const earlier = await callFigures(consolePage, lesson.students[0].id);
      await new Promise((resolve) => setTimeout(resolve, 1500));
      const later = await callFigures(consolePage, lesson.students[0].id);
      return earlier && later && later.energy > earlier.energy;
    });
  });

  it('End call puts the hand down, and the next hand can be accepted', async () => {
    await row(consolePage, lesson.students[0]).getByRole('button', { name: 'End call' }).click();
    await waitFor('the student to hear the call ended', async () => /The teacher ended the call/.test(await first.locator('.raise-hand-notice').innerText()));
    assert.equal(await first.evaluate(() => window.classcastHands?.student?.call() === undefined), true);
    assert.equal(await first.locator('.raise-hand').getAttribute('data-phase'), 'down');
    await waitFor('the first hand gone from the console', async () => (await consolePage.locator('.hands-row').count()) === 1);
    await waitFor('the second hand next', async () => /you are next/.test(await statusOf(second)));
    await row(consolePage, lesson.students[1]).getByRole('button', { name: 'Accept' }).click();
    await waitFor('the second student on the air', async () => /You are on the air/.test(await statusOf(second)), 30_000);
    await second.getByRole('button', { name: 'Lower hand' }).click();
    await waitFor('the lowered hand to end its call', async () => /You lowered your hand/.test(await second.locator('.raise-hand-notice').innerText()));
    await waitFor('an empty queue', async () => /No hands raised/.test(await consolePage.locator('.hands-queue').innerText()));
  });

  it('refuses signed-out, wrong-role and foreign-origin sockets, and says why', async () => {
    const cases: Array<[HandsAccount | undefined, number, string]> = [
      [undefined, handsCloseCodes.signedOut, 'signed-out'],
      [lesson.strangerStudent, handsCloseCodes.notAllowed, 'not-allowed'],
      [lesson.otherTeacher, handsCloseCodes.notAllowed, 'not-allowed'],
    ];
    for (const [who, code, error] of cases) {
      const socket = rawSocket(lesson, who);
      assert.equal(await socket.closed, code, who?.name ?? 'signed out');
      assert.equal(socket.messages[0]?.type === 'error' && socket.messages[0].code, error);
    }
    const foreign = rawSocket(lesson, lesson.teacher, { origin: 'http://evil.example' });
    assert.equal(await foreign.refused, 403);
    // A signed-out page says so in words.
    const page = await (await lesson.context(undefined)).newPage();
    await page.goto(`${lesson.base}/hands/${lesson.lessonId}`);
    await waitFor('the page to say why', async () => /Sign in to raise your hand/.test(await page.locator('.raise-hand-notice').innerText()));
  });

  it('refuses a student\'s console actions, malformed, oversized and too many messages', async () => {
    const student = rawSocket(lesson, lesson.students[0]);
    await student.opened;
    await waitFor('the welcome', () => student.messages.some((message) => message.type === 'welcome'));
    student.socket.send(JSON.stringify({ type: 'accept', studentId: lesson.students[1].id }));
    student.socket.send('{"type":"raise","then":"<script>"}');
    await waitFor('two refusals', () => student.messages.filter((message) => message.type === 'error').length >= 2);
    const errors = student.messages.filter((message) => message.type === 'error');
    assert.deepEqual(errors.map((message) => message.type === 'error' && message.code), ['not-allowed', 'bad-message']);
    // Past the burst (40) messages are refused; past 20 refusals in a row the connection is closed.
    for (let sent = 0; sent < 80; sent++) student.socket.send(JSON.stringify({ type: 'lower' }));
    await waitFor('a rate refusal', () => student.messages.some((message) => message.type === 'error' && message.code === 'rate'));
    assert.equal(await student.closed, handsCloseCodes.abuse);
    const big = rawSocket(lesson, lesson.students[0]);
    await big.opened;
    big.socket.send('x'.repeat(17 * 1024));
    assert.equal(await big.closed, 1009);
  });

  it('counts hands and calls in /metrics and writes the console\'s actions to the audit log', async () => {
    const text = await (await fetch(`${lesson.base}/metrics`)).text();
    const value = (name: string) => Number(new RegExp(`^${name}\\{[^}]*\\} (\\d+)`, 'm').exec(text)?.[1]);
    assert.ok(value('classcast_hands_raised_total') >= 2, text.slice(0, 200));
    assert.equal(value('classcast_hands_accepted_total'), 2);
    assert.equal(value('classcast_calls_ended_total'), 2);
    assert.equal(value('classcast_calls_active'), 0);
    assert.ok(value('classcast_hands_refused_connections_total') >= 4);
    const actions = await lesson.catalog.db.query<{ action: string; username: string }>("select action, username from audit_log where resource = 'lessons' and action like 'HAND %' order by id");
    assert.deepEqual(actions.map((entry) => entry.action), ['HAND accept', 'HAND mute', 'HAND unmute', 'HAND end', 'HAND accept']);
    const entry = await queryOne<{ resource_id: string; status: number }>(lesson.catalog.db, "select resource_id, status from audit_log where action = 'HAND end'");
    assert.deepEqual(entry, { resource_id: lesson.lessonId, status: 200 });
  });

  it('a lesson that ends takes its hands and calls with it, and the pages say so', async () => {
    // The scripted sockets above, as this student, took the hand over from the page (the newer page wins): it says so.
    assert.match(await first.locator('.raise-hand-notice').innerText(), /open on another page/);
    await first.reload();
    await waitFor('the button again', async () => (await first.locator('.raise-hand').getAttribute('data-phase')) === 'down');
    await first.getByRole('button', { name: 'Raise hand' }).click();
    await waitFor('the hand on the console', async () => (await consolePage.locator('.hands-row').count()) === 1);
    await row(consolePage, lesson.students[0]).getByRole('button', { name: 'Accept' }).click();
    await waitFor('the call', async () => /You are on the air/.test(await statusOf(first)), 30_000);
    // As the ingest's lesson lifecycle ends a lesson (services/catalog/ingest/lesson-lifecycle.ts).
    await lesson.catalog.db.query("update lessons set state = 'ended', ended_at = now(), updated_at = now() where id = $1", [lesson.lessonId]);
    await waitFor('the student told', async () => /This lesson has ended/.test(await first.locator('.raise-hand-notice').innerText()));
    await waitFor('the console told', async () => /This lesson has ended/.test(await consolePage.locator('.hands-notice').innerText()));
    assert.equal(await first.evaluate(() => window.classcastHands?.student?.call() === undefined), true, 'the call is closed');
    assert.equal(await first.getByRole('button', { name: 'Raise hand' }).isDisabled(), true);
  });
});
