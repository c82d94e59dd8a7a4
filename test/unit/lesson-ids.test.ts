// Lesson ids are the catalog's (services/catalog/queries/lesson-ids.ts): readable, sorted by time, never reused.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { newLessonId } from '../../services/catalog/queries/lesson-ids.ts';

test('lesson ids carry the classroom and the UTC start, and never collide', () => {
  const at = new Date(Date.UTC(2026, 10, 21, 9, 5, 7));
  assert.equal(newLessonId('room-1', () => false, at), 'room-1-20261121-090507');
  const taken = new Set(['room-1-20261121-090507', 'room-1-20261121-090507-2']);
  assert.equal(newLessonId('room-1', (id) => taken.has(id), at), 'room-1-20261121-090507-3');
});
