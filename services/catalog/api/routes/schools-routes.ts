// /schools: anyone reads them; operators create, move and delete them; a school admin may rename their own.
import { z } from 'zod';
import { getCity } from '../../queries/cities.ts';
import { visibilities } from '../../queries/lessons.ts';
import { createSchool, deleteSchool, getSchool, listSchools, schoolDependents, updateSchool } from '../../queries/schools.ts';
import type { Queryable } from '../../db/database.ts';
import { ApiError, forbidden, notFound } from '../api-error.ts';
import { idField, idQuery, nameField, pathId } from '../fields.ts';
import { page, pageSchema, paginationQuery } from '../pagination.ts';
import { mayChangeSchool } from '../permissions.ts';
import { deletedSchema, schoolSchema } from '../resource-schemas.ts';
import { route, type RouteSpec } from '../route-spec.ts';

const listQuery = paginationQuery.extend({ cityId: idQuery.optional() });
const recordLessonsField = z.boolean().optional().describe("whether the school's lessons are recorded by default (default true); a lesson's own record overrides it");
const defaultVisibilityField = z
  .enum(visibilities)
  .optional()
  .describe("the visibility its classrooms' ad-hoc lessons take (default public); a classroom's own defaultVisibility overrides it");
const createBody = z.object({ cityId: idField, name: nameField, recordLessons: recordLessonsField, defaultVisibility: defaultVisibilityField }).strict();
const changeBody = z
  .object({
    cityId: idField.optional(),
    name: nameField.optional(),
    recordingRetentionDays: z.number().int().min(1).max(36500).nullable().optional().describe("days its lessons' recordings are kept unless pinned; null: the platform default (operators only)"),
    recordLessons: recordLessonsField,
    defaultVisibility: defaultVisibilityField,
  })
  .strict();
const schoolResponse = schoolSchema.extend({ recordingRetentionDays: z.number().int().nullable() });

async function requireCity(db: Queryable, cityId: number): Promise<void> {
  if (!(await getCity(db, cityId))) throw new ApiError(400, `cityId: no city ${cityId}`, 'list them at /api/v1/cities');
}

export const schoolsRoutes: RouteSpec[] = [
  route<z.infer<typeof listQuery>>({
    method: 'get',
    path: '/schools',
    summary: 'List schools, optionally of one city',
    tag: 'schools',
    access: 'public',
    query: listQuery,
    response: pageSchema(schoolResponse),
    async handler({ query, context }) {
      return { body: page(await listSchools(context.db, { cityId: query.cityId }, query), query) };
    },
  }),
  route<undefined, z.infer<typeof createBody>>({
    method: 'post',
    path: '/schools',
    summary: 'Create a school in a city',
    tag: 'schools',
    access: ['operator'],
    body: createBody,
    response: schoolResponse,
    successStatus: 201,
    async handler({ body, context }) {
      await requireCity(context.db, body.cityId);
      return { status: 201, body: await createSchool(context.db, body) };
    },
  }),
  route({
    method: 'get',
    path: '/schools/:id',
    summary: 'One school',
    tag: 'schools',
    access: 'public',
    response: schoolResponse,
    async handler({ params, context }) {
      const id = pathId(params.id, 'school');
      return { body: (await getSchool(context.db, id)) ?? throwNotFound(id) };
    },
  }),
  route<undefined, z.infer<typeof changeBody>>({
    method: 'patch',
    path: '/schools/:id',
    summary: "Rename a school, switch its default recording or set its ad-hoc lessons' default visibility (its admins may), move it to another city or set how long its recordings are kept (operators)",
    tag: 'schools',
    access: ['operator', 'school_admin'],
    body: changeBody,
    response: schoolResponse,
    async handler({ params, body, account, context }) {
      const id = pathId(params.id, 'school');
      if (!(await getSchool(context.db, id))) throwNotFound(id);
      if (!mayChangeSchool(account, id, body)) throw forbidden('only operators change other schools or move a school to another city');
      if (body.recordingRetentionDays !== undefined && account?.role !== 'operator') throw forbidden('only operators set how long recordings are kept');
      if (body.cityId !== undefined) await requireCity(context.db, body.cityId);
      return { body: (await updateSchool(context.db, id, body)) ?? throwNotFound(id) };
    },
  }),
  route({
    method: 'delete',
    path: '/schools/:id',
    summary: 'Delete a school that has no classrooms, courses or accounts',
    tag: 'schools',
    access: ['operator'],
    response: deletedSchema,
    async handler({ params, context }) {
      const id = pathId(params.id, 'school');
      if (!(await getSchool(context.db, id))) throwNotFound(id);
      const { classrooms, courses, accounts } = await schoolDependents(context.db, id);
      if (classrooms + courses + accounts > 0) {
        throw new ApiError(409, `school ${id} still has ${classrooms} classroom(s), ${courses} course(s) and ${accounts} account(s)`, 'delete or move them first');
      }
      await deleteSchool(context.db, id);
      return { body: { deleted: true } };
    },
  }),
];

function throwNotFound(id: number): never {
  throw notFound('school', id);
}
