// The timetable's week grid (player/src/timetable/week-grid-model.ts): Monday to Sunday of the
// province's week, periods as the times lessons start, lessons in the day and period they start in
// the province's zone (not the browser's, not UTC's).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { weekBounds, weekGrid } from '../../player/src/timetable/week-grid-model.ts';

const zone = 'Asia/Shanghai';
// Wednesday 9 December 2026, 10:00 in Shanghai.
const now = new Date('2026-12-09T02:00:00Z');

test("the week runs from Monday 00:00 to the next Monday in the province's zone", () => {
  assert.deepEqual(weekBounds(now, zone), { from: new Date('2026-12-06T16:00:00Z'), to: new Date('2026-12-13T16:00:00Z') });
  // Sunday 23:30 in Shanghai is still that week, though it is Sunday afternoon in UTC.
  assert.deepEqual(weekBounds(new Date('2026-12-13T15:30:00Z'), zone).from, new Date('2026-12-06T16:00:00Z'));
  // Monday 00:30 in Shanghai (Sunday in UTC) starts the next one.
  assert.deepEqual(weekBounds(new Date('2026-12-13T16:30:00Z'), zone).from, new Date('2026-12-13T16:00:00Z'));
});

test('lessons go to the day and period they start in; periods are numbered by start time; other weeks are left out', () => {
  const lessons = [
    { id: 'wed-10', startsAt: '2026-12-09T02:00:00Z' },
    { id: 'mon-08', startsAt: '2026-12-07T00:00:00Z' },
    { id: 'wed-08', startsAt: '2026-12-09T00:00:00Z' },
    { id: 'sun-late', startsAt: '2026-12-13T15:00:00Z' },
    { id: 'next-mon', startsAt: '2026-12-14T00:00:00Z' },
    { id: 'mon-08-b', startsAt: '2026-12-07T00:00:00Z' },
  ];
  const grid = weekGrid(lessons, now, zone);
  assert.deepEqual(grid.days.map((day) => day.day), ['2026-12-07', '2026-12-08', '2026-12-09', '2026-12-10', '2026-12-11', '2026-12-12', '2026-12-13']);
  assert.deepEqual(grid.days.map((day) => day.isToday), [false, false, true, false, false, false, false]);
  assert.deepEqual(grid.periods.map((period) => [period.number, period.time]), [[1, '08:00'], [2, '10:00'], [3, '23:00']]);
  const ids = (period: number, day: number) => grid.periods[period]!.cells[day]!.map((lesson) => lesson.id);
  assert.deepEqual(ids(0, 0), ['mon-08', 'mon-08-b']);
  assert.deepEqual(ids(0, 2), ['wed-08']);
  assert.deepEqual(ids(1, 2), ['wed-10']);
  assert.deepEqual(ids(2, 6), ['sun-late']);
  assert.ok(!grid.periods.flatMap((period) => period.cells.flat()).some((lesson) => lesson.id === 'next-mon'));
});

test('an empty week has its days and no periods', () => {
  const grid = weekGrid([], now, zone);
  assert.equal(grid.days.length, 7);
  assert.deepEqual(grid.periods, []);
});
