import { test } from 'node:test';
import assert from 'node:assert/strict';
import { defaultLessonTimes, fromDateTimeLocal, lessonTimeRange, relativeTime, toDateTimeLocal } from '../../player/src/shared/lesson-times.ts';

const now = new Date('2026-11-22T07:30:00Z');

test('a lesson time says today, tomorrow or the date, in the given time zone', () => {
  assert.equal(lessonTimeRange('2026-11-22T08:00:00Z', '2026-11-22T08:45:00Z', now, 'UTC'), 'Today 08:00–08:45');
  assert.equal(lessonTimeRange('2026-11-23T08:00:00Z', '2026-11-23T08:45:00Z', now, 'UTC'), 'Tomorrow 08:00–08:45');
  assert.equal(lessonTimeRange('2026-11-21T08:00:00Z', '2026-11-21T08:45:00Z', now, 'UTC'), 'Yesterday 08:00–08:45');
  assert.equal(lessonTimeRange('2026-11-26T13:05:00Z', '2026-11-26T13:50:00Z', now, 'UTC'), 'Thu 26 Nov 13:05–13:50');
  // 23:30 UTC on the 22nd is already the 23rd in Shanghai (UTC+8).
  assert.equal(lessonTimeRange('2026-11-22T23:30:00Z', '2026-11-23T00:15:00Z', now, 'Asia/Shanghai'), 'Tomorrow 07:30–08:15');
});

test('a lesson over midnight names the day it ends, and an ad-hoc lesson has no end', () => {
  assert.equal(lessonTimeRange('2026-11-22T23:30:00Z', '2026-11-23T00:15:00Z', now, 'UTC'), 'Today 23:30–Tomorrow 00:15');
  assert.equal(lessonTimeRange('2026-11-22T07:10:00Z', null, now, 'UTC'), 'Today from 07:10');
});

test('relative times round to the minute and read naturally', () => {
  assert.equal(relativeTime(new Date('2026-11-22T07:30:20Z'), now), 'now');
  assert.equal(relativeTime(new Date('2026-11-22T07:35:00Z'), now), 'in 5 min');
  assert.equal(relativeTime(new Date('2026-11-22T09:40:00Z'), now), 'in 2 h 10 min');
  assert.equal(relativeTime(new Date('2026-11-22T09:30:00Z'), now), 'in 2 h');
  assert.equal(relativeTime(new Date('2026-11-22T07:18:00Z'), now), '12 min ago');
});

test('datetime-local values round-trip through ISO times in the given zone', () => {
  const local = toDateTimeLocal(new Date('2026-11-22T09:05:42Z'), 'UTC');
  assert.equal(local, '2026-11-22T09:05');
  assert.equal(fromDateTimeLocal(local, 'UTC'), '2026-11-22T09:05:00.000Z');
  assert.equal(fromDateTimeLocal('2026-11-22T09:05:30', 'Asia/Shanghai'), '2026-11-22T01:05:30.000Z');
  assert.equal(toDateTimeLocal(new Date('2026-11-22T01:05:30Z'), 'Asia/Shanghai'), '2026-11-22T09:05');
});

test('an empty or malformed datetime-local value is no time', () => {
  for (const value of ['', '2026-11-22', '22/11/2026 09:05', '2026-13-45T99:99']) assert.equal(fromDateTimeLocal(value), null, value);
});

test('a new lesson starts this minute (so it is live at once) and lasts 45 minutes', () => {
  const { startsAt, endsAt } = defaultLessonTimes(new Date('2026-11-22T07:31:42.123Z'));
  assert.equal(startsAt.toISOString(), '2026-11-22T07:31:00.000Z');
  assert.equal(endsAt.toISOString(), '2026-11-22T08:16:00.000Z');
});
