import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createLessonRegistry, newLessonId, type Lesson, type LessonPlan } from '../../services/ingest/lessons.ts';
import { createLogger, setLogLevel } from '../../services/core/log.ts';

test('lesson ids carry the classroom and the UTC start, and never collide', () => {
  const at = new Date(Date.UTC(2026, 10, 21, 9, 5, 7));
  assert.equal(newLessonId('room-1', () => false, at), 'room-1-20261121-090507');
  const taken = new Set(['room-1-20261121-090507', 'room-1-20261121-090507-2']);
  assert.equal(newLessonId('room-1', (id) => taken.has(id), at), 'room-1-20261121-090507-3');
});

const plan = (id: string): LessonPlan => ({ id, title: id, latencyMode: 'normal', segmentSeconds: 2 });

test('a reconnect within the grace period continues the lesson; a publish that never made media leaves none', async () => {
  setLogLevel('error');
  const told: string[] = [];
  const hook = (what: string) => async (lesson: Lesson) => void told.push(`${what} ${lesson.id}`);
  const lessons = createLessonRegistry({
    liveDir: '/nonexistent/live',
    graceSeconds: 0.2,
    log: createLogger(),
    lifecycle: { live: hook('live'), ended: hook('ended'), abandoned: hook('abandoned') },
  });
  assert.equal(lessons.resume('room-1'), undefined);
  const first = lessons.open('room-1', plan('lesson-a'));
  assert.equal(first.state, 'starting');
  assert.equal(lessons.beginRun(first), 1);
  assert.equal(first.state, 'live');
  lessons.release(first);
  assert.equal(first.state, 'reconnecting');
  const again = lessons.resume('room-1');
  assert.equal(again, first);
  assert.equal(again.state, 'live');
  assert.equal(lessons.beginRun(again), 2, 'a reconnect is the next run of the same lesson');
  lessons.release(again);
  await new Promise((resolve) => setTimeout(resolve, 400));
  assert.equal(first.state, 'ended');
  assert.equal(lessons.resume('room-1'), undefined, 'after the grace period there is nothing to continue');

  const empty = lessons.open('room-2', plan('lesson-b'));
  lessons.release(empty);
  assert.equal(lessons.get(empty.id), undefined);
  await lessons.endAll();
  assert.deepEqual(told, ['live lesson-a', 'ended lesson-a', 'abandoned lesson-b'], 'the catalog hears of the first run only, the end, and the abandoned publish');
});
