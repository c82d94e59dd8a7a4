// /timetable: the lessons of a day, a week, or everything not over yet, with the filters the
// timetable page offers; only the lessons the caller may see, each with its ready replays. Days are
// the province's (web.timeZone; see queries/timetable.ts).
import { z } from 'zod';
import { listTimetable, timetableFacets, timetableRanges } from '../../queries/timetable.ts';
import { provinceTimeZone } from '../../queries/province-time-zone.ts';
import { ApiError } from '../api-error.ts';
import { idQuery, lessonStateField, textQuery, timeQuery } from '../fields.ts';
import { page, pageSchema, paginationQuery } from '../pagination.ts';
import { lessonScope } from '../permissions.ts';
import { facetsSchema, timetableLessonSchema } from '../resource-schemas.ts';
import { route, type RouteSpec } from '../route-spec.ts';

const timetableQuery = paginationQuery.extend({
  range: z.enum(timetableRanges).optional(),
  from: timeQuery.optional(),
  to: timeQuery.optional(),
  cityId: idQuery.optional(),
  schoolId: idQuery.optional(),
  grade: textQuery.optional(),
  subject: textQuery.optional(),
  q: textQuery.optional(),
  state: lessonStateField.optional(),
});

export const timetableRoutes: RouteSpec[] = [
  route<z.infer<typeof timetableQuery>>({
    method: 'get',
    path: '/timetable',
    summary: 'Lessons the caller may see in a range (today, week: days in the province\'s time zone, web.timeZone; upcoming: not over yet) or between from and to, filtered; live first unless state is given',
    tag: 'timetable',
    access: 'public',
    query: timetableQuery,
    response: pageSchema(timetableLessonSchema),
    async handler({ query, account, context }) {
      const { limit, offset, ...filter } = query;
      if (filter.from && filter.to && filter.to.getTime() <= filter.from.getTime()) throw new ApiError(400, 'to: must be after from', 'fix the query string');
      return { body: page(await listTimetable(context.db, lessonScope(account), filter, { limit, offset }, new Date(), await provinceTimeZone(context.db, context.config.web.timeZone)), query) };
    },
  }),
  route({
    method: 'get',
    path: '/timetable/facets',
    summary: 'The cities, schools, grades and subjects the timetable can be filtered by',
    tag: 'timetable',
    access: 'public',
    response: facetsSchema,
    async handler({ context }) {
      return { body: await timetableFacets(context.db) };
    },
  }),
];
