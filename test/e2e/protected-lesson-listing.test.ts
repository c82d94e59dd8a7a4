// Lessons that are not public stay unnamed to anonymous callers: the node's lesson list shows them
// only to a caller it recognises, and /metrics labels them by classroom, never by id or title.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { createServer, type Server } from 'node:http';
import express from 'express';
import { Registry } from 'prom-client';
import type { LiveLesson } from '../../services/ingest/lessons.ts';
import { lessonsApi } from '../../services/origin/lessons-api.ts';
import { registerIngestMetrics } from '../../services/stats/ingest-metrics.ts';
import { figureOf, protectedLessonLabel } from '../../services/stats/lesson-label.ts';

const lesson = (id: string, title: string, classroomId: string, isProtected: boolean): LiveLesson => ({
  id,
  title,
  classroomId,
  latencyMode: 'normal',
  segmentSeconds: 2,
  protected: isProtected,
  dir: `/nonexistent/${id}`,
  state: 'live',
  startedAt: Date.now(),
  runs: 2,
  runsBefore: 0,
  // One encoder reconnect so far: the restarts metric has a value to label.
  restarts: 1,
  idle: Promise.resolve(),
  catalogWrites: Promise.resolve(),
});

const lessons = [lesson('room-1-20260101-080000', 'Public algebra', 'room-1', false), lesson('room-2-20260101-080000', 'Secret chemistry', 'room-2', true)];

describe('the node lesson list and /metrics with a protected lesson', () => {
  let server: Server;
  let baseUrl: string;
  before(async () => {
    const app = express();
    app.use(lessonsApi(() => lessons, { seesProtected: async (request) => request.headers.authorization === 'Bearer operator' }));
    server = createServer(app);
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    baseUrl = `http://127.0.0.1:${(server.address() as { port: number }).port}`;
  });
  after(async () => {
    server?.closeAllConnections();
    await new Promise((resolve) => server?.close(resolve));
  });

  it('lists only public lessons to an anonymous caller, every lesson to a recognised one', async () => {
    for (const state of ['live', 'all']) {
      const anonymous = await fetch(`${baseUrl}/api/v1/ingest/lessons?state=${state}`);
      const text = await anonymous.text();
      assert.deepEqual((JSON.parse(text) as { lessons: Array<{ id: string }> }).lessons.map((found) => found.id), [lessons[0]!.id]);
      assert.ok(!text.includes('room-2-') && !text.includes('Secret'), text);
    }
    const operator = await fetch(`${baseUrl}/api/v1/ingest/lessons?state=all`, { headers: { authorization: 'Bearer operator' } });
    assert.equal(((await operator.json()) as { lessons: unknown[] }).lessons.length, 2);
    assert.match(operator.headers.get('cache-control') ?? '', /private/);
  });

  it('labels the protected lesson by its classroom in /metrics', async () => {
    const register = new Registry();
    registerIngestMetrics(register, { lessons: () => lessons });
    const text = await register.metrics();
    assert.ok(text.includes(`lesson="${lessons[0]!.id}"`), 'the public lesson is named');
    assert.ok(!text.includes(lessons[1]!.id), 'the protected lesson id is not in /metrics');
    assert.ok(text.includes(`classcast_ingest_reconnects_total{lesson="${protectedLessonLabel('room-2')}"} 1`), text);
    // The dashboard still finds the figure for the catalog lesson.
    const byLabel = new Map([[protectedLessonLabel('room-2'), 1]]);
    assert.equal(figureOf(byLabel, lessons[1]!), 1);
  });
});
