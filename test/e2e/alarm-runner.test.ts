// The alarm runner over a real webhook: a local HTTP server receives the POSTs. An alarm is raised
// once and cleared once however many evaluations it lasts, each change is one log line and one
// webhook call in order, and a webhook that fails is logged once, not at every change.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { createLogger, setLogSink } from '../../services/core/log.ts';
import { createAlarmRunner, type AlarmEvent } from '../../services/stats/alarm-runner.ts';
import type { Alarm } from '../../services/stats/alarms.ts';

async function startWebhook(status = 204): Promise<{ url: string; received: AlarmEvent[]; types: string[]; close(): Promise<void> }> {
  const received: AlarmEvent[] = [];
  const types: string[] = [];
  const server: Server = createServer((request, response) => {
    let body = '';
    request.on('data', (chunk) => (body += chunk));
    request.on('end', () => {
      types.push(`${request.method} ${request.headers['content-type']}`);
      received.push(JSON.parse(body) as AlarmEvent);
      response.statusCode = status;
      response.end();
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return { url: `http://127.0.0.1:${port}/hook`, received, types, close: () => new Promise((resolve) => server.close(() => resolve())) };
}

function captureLog(): { lines: Array<{ level: string; event: string; [field: string]: unknown }>; restore(): void } {
  const lines: Array<{ level: string; event: string }> = [];
  const restore = setLogSink((line) => lines.push(JSON.parse(line)));
  return { lines, restore };
}

const stalled: Alarm = { id: 'stream-stalled:algebra-1', kind: 'stream-stalled', severity: 'critical', subject: 'Algebra', message: 'no data for 16 s', text: { reason: 'encoder-silent', facts: { seconds: 16 } }, lessonId: 'algebra-1' };
const late: Alarm = { id: 'no-encoder:physics-2', kind: 'no-encoder', severity: 'critical', subject: 'Physics', message: 'should be live since 3 min', text: { reason: 'no-encoder', facts: { minutes: 3, classroom: 'room-2' } }, lessonId: 'physics-2' };

test('raised once and cleared once, logged and POSTed to the webhook in order', async () => {
  const webhook = await startWebhook();
  const log = captureLog();
  try {
    const runner = createAlarmRunner({ log: createLogger({ role: 'catalog' }), node: 'province-1', webhookUrl: webhook.url });
    const t0 = Date.parse('2026-11-23T09:00:00Z');
    assert.deepEqual(runner.update([stalled], t0).raised.map((alarm) => alarm.id), [stalled.id]);
    const again = runner.update([{ ...stalled, message: 'no data for 21 s' }, late], t0 + 5000);
    assert.deepEqual(again.raised.map((alarm) => alarm.id), [late.id], 'the stalled alarm is not raised again');
    assert.equal(runner.active().find((alarm) => alarm.id === stalled.id)?.message, 'no data for 21 s', 'its message is kept current');
    assert.equal(runner.active().find((alarm) => alarm.id === stalled.id)?.raisedAt, new Date(t0).toISOString());
    assert.deepEqual(runner.update([late], t0 + 10_000).cleared.map((alarm) => alarm.id), [stalled.id]);
    runner.update([late], t0 + 15_000);
    await runner.settled();

    assert.deepEqual(webhook.received.map((event) => [event.event, event.alarm.id]), [
      ['raised', stalled.id],
      ['raised', late.id],
      ['cleared', stalled.id],
    ]);
    assert.ok(webhook.types.every((type) => type === 'POST application/json'));
    const first = webhook.received[0]!;
    assert.equal(first.node, 'province-1');
    assert.equal(first.at, new Date(t0).toISOString());
    assert.equal(first.alarm.kind, 'stream-stalled');
    assert.equal(first.alarm.message, 'no data for 16 s');
    assert.deepEqual(log.lines.map((line) => [line.level, line.event, line.alarm]), [
      ['error', 'alarm raised', stalled.id],
      ['error', 'alarm raised', late.id],
      ['info', 'alarm cleared', stalled.id],
    ]);
  } finally {
    log.restore();
    await webhook.close();
  }
});

test('a failing webhook is logged once until it works again; the alarms still change', async () => {
  const webhook = await startWebhook(500);
  const log = captureLog();
  try {
    const runner = createAlarmRunner({ log: createLogger({ role: 'catalog' }), node: 'province-1', webhookUrl: webhook.url });
    runner.update([stalled], 0);
    runner.update([stalled, late], 1000);
    runner.update([], 2000);
    await runner.settled();
    assert.equal(webhook.received.length, 4, 'every change was tried');
    assert.equal(log.lines.filter((line) => line.event === 'alarm webhook failed').length, 1);
    assert.match(String(log.lines.find((line) => line.event === 'alarm webhook failed')?.error), /HTTP 500/);
    assert.deepEqual(runner.active(), []);
  } finally {
    log.restore();
    await webhook.close();
  }
});
