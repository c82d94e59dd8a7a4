import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createLessonRegistry, newLessonId } from '../../services/ingest/lessons.ts';
import { createLogger, setLogLevel } from '../../services/core/log.ts';

test('lesson ids carry the classroom and the UTC start, and never collide', () => {
  const at = new Date(Date.UTC(2026, 10, 21, 9, 5, 7));
  assert.equal(newLessonId('room-1', () => false, at), 'room-1-20261121-090507');
  const taken = new Set(['room-1-20261121-090507', 'room-1-20261121-090507-2']);
  assert.equal(newLessonId('room-1', (id) => taken.has(id), at), 'room-1-20261121-090507-3');
});

test('a reconnect within the grace period continues the lesson; a publish that never made media leaves none', async () => {
  setLogLevel('error');
  const lessons = createLessonRegistry({ liveDir: '/nonexistent/live', graceSeconds: 0.2, log: createLogger() });
  const first = lessons.open('room-1', 'normal', 2);
  first.runs = 1;
  lessons.release(first);
  assert.equal(first.state, 'reconnecting');
  const again = lessons.open('room-1', 'normal', 2);
  assert.equal(again, first);
  assert.equal(again.state, 'live');
  lessons.release(again);
  await new Promise((resolve) => setTimeout(resolve, 400));
  assert.equal(first.state, 'ended');
  const next = lessons.open('room-1', 'normal', 2);
  assert.notEqual(next.id, first.id, 'after the grace period a publish opens a new lesson');

  const empty = lessons.open('room-2', 'normal', 2);
  lessons.release(empty);
  assert.equal(lessons.get(empty.id), undefined);
  await lessons.endAll();
});
