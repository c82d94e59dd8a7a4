// The timetable: the lessons of a time window (today, the coming week, everything not over yet, or
// explicit bounds), and the values its filters offer. Days are the province's (web.timeZone): a
// lesson at 00:30 in Shanghai is on that Shanghai day, not on the UTC day before; a caller can
// always send explicit from/to instead. Each
// lesson carries its ready replays, so the page links an ended lesson to its replay in one request.
import type { Queryable } from '../db/database.ts';
import { listLessons, type Lesson, type LessonFilter, type LessonScope } from './lessons.ts';
import { replaysOfLessons, type LessonReplay } from './recordings.ts';
import type { Listed, PageWindow } from './sql-helpers.ts';
import { startOfDayIn } from '../../../player/src/i18n/zoned-time.ts';

export const timetableRanges = ['today', 'week', 'upcoming'] as const;
export type TimetableRange = (typeof timetableRanges)[number];

export type TimetableQuery = Omit<LessonFilter, 'from' | 'to' | 'notOver' | 'liveFirst'> & {
  range?: TimetableRange | undefined;
  from?: Date | undefined;
  to?: Date | undefined;
};

/** A timetable entry: the lesson and its replays (none until it has ended and a recording is ready). */
export type TimetableLesson = Lesson & { replays: LessonReplay[] };

export type Facets = {
  cities: Array<{ id: number; name: string }>;
  schools: Array<{ id: number; name: string; cityId: number }>;
  grades: string[];
  subjects: string[];
};

/** The window a range names at `now` in `timeZone`; explicit from/to take precedence over the range's bounds. */
export function timetableWindow(query: Pick<TimetableQuery, 'range' | 'from' | 'to'>, now: Date, timeZone = 'UTC'): Pick<LessonFilter, 'from' | 'to' | 'notOver'> {
  const startOfToday = startOfDayIn(now, timeZone);
  const byRange: Pick<LessonFilter, 'from' | 'to' | 'notOver'> =
    query.range === 'today'
      ? { from: startOfToday, to: startOfDayIn(now, timeZone, 1) }
      : query.range === 'week'
        ? { from: startOfToday, to: startOfDayIn(now, timeZone, 7) }
        : query.range === 'upcoming'
          ? { notOver: true }
          : {};
  return { ...byRange, ...(query.from ? { from: query.from } : {}), ...(query.to ? { to: query.to } : {}) };
}

export async function listTimetable(db: Queryable, scope: LessonScope, query: TimetableQuery, window: PageWindow, now = new Date(), timeZone = 'UTC'): Promise<Listed<TimetableLesson>> {
  const { range: _range, from: _from, to: _to, ...filter } = query;
  const listed = await listLessons(db, scope, { ...filter, ...timetableWindow(query, now, timeZone), liveFirst: query.state === undefined }, window);
  const replays = await replaysOfLessons(db, listed.items.map((lesson) => lesson.id));
  return { ...listed, items: listed.items.map((lesson) => ({ ...lesson, replays: replays.get(lesson.id) ?? [] })) };
}

export async function timetableFacets(db: Queryable): Promise<Facets> {
  const [cities, schools, grades, subjects] = await Promise.all([
    db.query<{ id: number; name: string }>('select id, name from cities order by name, id'),
    db.query<{ id: number; name: string; city_id: number }>('select id, name, city_id from schools order by name, id'),
    db.query<{ grade: string }>('select distinct grade from courses'),
    db.query<{ subject: string }>('select distinct subject from courses'),
  ]);
  const natural = (a: string, b: string) => a.localeCompare(b, 'en', { numeric: true });
  return {
    cities,
    schools: schools.map((school) => ({ id: school.id, name: school.name, cityId: school.city_id })),
    grades: grades.map((row) => row.grade).sort(natural),
    subjects: subjects.map((row) => row.subject).sort(natural),
  };
}
