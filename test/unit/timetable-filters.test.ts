import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { Lesson } from '../../player/src/shared/catalog-types.ts';
import { filtersFromSearch, filtersToSearch, noFilters, schoolsInCity, timetableSections } from '../../player/src/timetable/timetable-filters.ts';

test('filters become the timetable query without the empty ones', () => {
  assert.equal(filtersToSearch(noFilters), 'range=today');
  assert.equal(
    filtersToSearch({ range: 'week', cityId: '2', schoolId: '', grade: '9', subject: 'Mathematics', q: '  linear equations ' }),
    'range=week&cityId=2&grade=9&subject=Mathematics&q=linear+equations',
  );
});

test('filters read back from the address they were written to', () => {
  const filters = { range: 'week' as const, cityId: '3', schoolId: '12', grade: '10', subject: 'Art & design', q: 'é?&=' };
  assert.deepEqual(filtersFromSearch(`?${filtersToSearch(filters)}`), filters);
});

test('an address with unknown values falls back to no filter', () => {
  assert.deepEqual(filtersFromSearch('?range=year&cityId=two&schoolId=1;drop'), noFilters);
  assert.deepEqual(filtersFromSearch(''), noFilters);
});

test('choosing a city narrows the schools offered', () => {
  const schools = [
    { id: 1, name: 'North High', cityId: 1 },
    { id: 2, name: 'River School', cityId: 2 },
  ];
  assert.deepEqual(schoolsInCity(schools, '2'), [schools[1]]);
  assert.deepEqual(schoolsInCity(schools, ''), schools);
});

test('the timetable shows live lessons, then upcoming, then ended, each by start', () => {
  const lesson = (id: string, state: Lesson['state'], startsAt: string) => ({ id, state, startsAt }) as Lesson;
  const sections = timetableSections([
    lesson('later', 'scheduled', '2026-11-22T10:00:00Z'),
    lesson('over', 'ended', '2026-11-22T06:00:00Z'),
    lesson('live-2', 'live', '2026-11-22T08:00:00Z'),
    lesson('soon', 'scheduled', '2026-11-22T09:00:00Z'),
    lesson('live-1', 'live', '2026-11-22T07:55:00Z'),
  ]);
  assert.deepEqual(
    Object.fromEntries(Object.entries(sections).map(([name, lessons]) => [name, lessons.map((entry) => entry.id)])),
    { live: ['live-1', 'live-2'], upcoming: ['soon', 'later'], ended: ['over'] },
  );
});
