// An ingest node's load as it leaves the node: the renditions each lesson sheds now, as the gauge
// classcast_ingest_renditions_shed labelled like every per-lesson figure (a lesson that is not public
// by its classroom), and as the heartbeat's load (services/ingest/node-load.ts): the busy CPU share and
// the renditions shed summed over the lessons that have not ended.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Registry } from 'prom-client';
import type { LiveLesson, LessonState } from '../../services/ingest/lessons.ts';
import { reportRenditionsShed } from '../../services/ingest/live-figures.ts';
import { ingestLoad } from '../../services/ingest/node-load.ts';
import { registerIngestMetrics } from '../../services/stats/ingest-metrics.ts';
import { protectedLessonLabel } from '../../services/stats/lesson-label.ts';

const lesson = (id: string, classroomId: string, fields: { protected?: boolean; state?: LessonState } = {}): LiveLesson => ({
  id,
  title: id,
  classroomId,
  latencyMode: 'normal',
  segmentSeconds: 2,
  protected: fields.protected ?? false,
  dir: `/nonexistent/ingest-load-test/${Math.random().toString(36).slice(2)}/${id}`,
  state: fields.state ?? 'live',
  startedAt: Date.now(),
  runs: 1,
  runsBefore: 0,
  restarts: 0,
  idle: Promise.resolve(),
  catalogWrites: Promise.resolve(),
});

test('classcast_ingest_renditions_shed: per live lesson, 0 for a whole ladder, a protected lesson by its classroom', async () => {
  const shedding = lesson('room-1-20261207-080000', 'room-1');
  const whole = lesson('room-2-20261207-080000', 'room-2');
  const secret = lesson('room-3-20261207-080000', 'room-3', { protected: true });
  const ended = lesson('room-4-20261207-070000', 'room-4', { state: 'ended' });
  reportRenditionsShed(shedding.dir, 2);
  reportRenditionsShed(whole.dir, 0);
  reportRenditionsShed(secret.dir, 1);
  reportRenditionsShed(ended.dir, 3);
  const register = new Registry();
  registerIngestMetrics(register, { lessons: () => [shedding, whole, secret, ended] });
  const text = await register.metrics();
  assert.match(text, /# TYPE classcast_ingest_renditions_shed gauge/);
  assert.ok(text.includes(`classcast_ingest_renditions_shed{lesson="${shedding.id}"} 2`), text);
  assert.ok(text.includes(`classcast_ingest_renditions_shed{lesson="${whole.id}"} 0`), text);
  assert.ok(text.includes(`classcast_ingest_renditions_shed{lesson="${protectedLessonLabel('room-3')}"} 1`), text);
  assert.ok(!text.includes(secret.id) && !text.includes(ended.id), 'no protected lesson id, no ended lesson');
});

test("the heartbeat's load: CPU busy share within 0..1, renditions shed summed over the lessons that have not ended", () => {
  const first = lesson('room-5-20261207-080000', 'room-5');
  const second = lesson('room-6-20261207-080000', 'room-6', { state: 'reconnecting' });
  const unseen = lesson('room-7-20261207-080000', 'room-7');
  const ended = lesson('room-8-20261207-070000', 'room-8', { state: 'ended' });
  reportRenditionsShed(first.dir, 2);
  reportRenditionsShed(second.dir, 1);
  reportRenditionsShed(ended.dir, 4);
  const load = ingestLoad(() => [first, second, unseen, ended]);
  assert.equal(load.renditionsShed, 3);
  assert.ok(load.cpuBusy >= 0 && load.cpuBusy <= 1, String(load.cpuBusy));
  assert.deepEqual(ingestLoad(() => []).renditionsShed, 0);
});
