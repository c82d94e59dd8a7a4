// The timetable's filters, kept in the page's address (so a filtered timetable can be shared or
// bookmarked) and turned into the query of GET /api/v1/timetable. Pure, so it is tested without a browser.
import type { Lesson } from '../shared/catalog-types.ts';

export const timetableRanges = ['today', 'week'] as const;
export type TimetableRange = (typeof timetableRanges)[number];

export type TimetableFilters = {
  range: TimetableRange;
  cityId: string;
  schoolId: string;
  grade: string;
  subject: string;
  q: string;
};

export const noFilters: TimetableFilters = { range: 'today', cityId: '', schoolId: '', grade: '', subject: '', q: '' };

const filterNames = ['cityId', 'schoolId', 'grade', 'subject', 'q'] as const;

/** The filters a page address's search part (`?range=week&cityId=2`) carries; unknown values fall back to none. */
export function filtersFromSearch(search: string): TimetableFilters {
  const params = new URLSearchParams(search);
  const range = params.get('range');
  const filters: TimetableFilters = { ...noFilters, range: (timetableRanges as readonly string[]).includes(range ?? '') ? (range as TimetableRange) : 'today' };
  for (const name of filterNames) filters[name] = (params.get(name) ?? '').trim();
  if (!/^\d*$/.test(filters.cityId)) filters.cityId = '';
  if (!/^\d*$/.test(filters.schoolId)) filters.schoolId = '';
  return filters;
}

/** The query string for these filters, without empty ones: "range=today&cityId=2&q=algebra". */
export function filtersToSearch(filters: TimetableFilters): string {
  const params = new URLSearchParams({ range: filters.range });
  for (const name of filterNames) {
    const value = filters[name].trim();
    if (value !== '') params.set(name, value);
  }
  return params.toString();
}

/** The schools to offer once a city is chosen: that city's, or all of them. */
export function schoolsInCity<T extends { cityId: number }>(schools: T[], cityId: string): T[] {
  return cityId === '' ? schools : schools.filter((school) => String(school.cityId) === cityId);
}

export type TimetableSections<T extends Lesson = Lesson> = { live: T[]; upcoming: T[]; ended: T[] };

/** Live lessons first, then those still to come, then those over, each by start time. */
export function timetableSections<T extends Lesson>(lessons: T[]): TimetableSections<T> {
  const byStart = [...lessons].sort((a, b) => Date.parse(a.startsAt) - Date.parse(b.startsAt));
  return {
    live: byStart.filter((lesson) => lesson.state === 'live'),
    upcoming: byStart.filter((lesson) => lesson.state === 'scheduled'),
    ended: byStart.filter((lesson) => lesson.state === 'ended'),
  };
}
