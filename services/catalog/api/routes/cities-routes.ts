// /cities: anyone reads them; operators create, rename and delete them.
import { z } from 'zod';
import { createCity, deleteCity, getCity, listCities, renameCity } from '../../queries/cities.ts';
import { ApiError, notFound } from '../api-error.ts';
import { nameField, pathId } from '../fields.ts';
import { page, pageSchema, paginationQuery } from '../pagination.ts';
import { citySchema, deletedSchema } from '../resource-schemas.ts';
import { route, type RouteSpec } from '../route-spec.ts';

const cityBody = z.object({ name: nameField }).strict();

export const citiesRoutes: RouteSpec[] = [
  route<z.infer<typeof paginationQuery>>({
    method: 'get',
    path: '/cities',
    summary: 'List the cities of the province',
    tag: 'cities',
    access: 'public',
    query: paginationQuery,
    response: pageSchema(citySchema),
    async handler({ query, context }) {
      return { body: page(await listCities(context.db, query), query) };
    },
  }),
  route<undefined, z.infer<typeof cityBody>>({
    method: 'post',
    path: '/cities',
    summary: 'Create a city',
    tag: 'cities',
    access: ['operator'],
    body: cityBody,
    response: citySchema,
    successStatus: 201,
    async handler({ body, context }) {
      return { status: 201, body: await createCity(context.db, body.name) };
    },
  }),
  route({
    method: 'get',
    path: '/cities/:id',
    summary: 'One city',
    tag: 'cities',
    access: 'public',
    response: citySchema,
    async handler({ params, context }) {
      const id = pathId(params.id, 'city');
      return { body: (await getCity(context.db, id)) ?? throwNotFound(id) };
    },
  }),
  route<undefined, z.infer<typeof cityBody>>({
    method: 'patch',
    path: '/cities/:id',
    summary: 'Rename a city',
    tag: 'cities',
    access: ['operator'],
    body: cityBody,
    response: citySchema,
    async handler({ params, body, context }) {
      const id = pathId(params.id, 'city');
      return { body: (await renameCity(context.db, id, body.name)) ?? throwNotFound(id) };
    },
  }),
  route({
    method: 'delete',
    path: '/cities/:id',
    summary: 'Delete a city that has no schools',
    tag: 'cities',
    access: ['operator'],
    response: deletedSchema,
    async handler({ params, context }) {
      const id = pathId(params.id, 'city');
      const city = (await getCity(context.db, id)) ?? throwNotFound(id);
      if (city.schoolCount > 0) throw new ApiError(409, `city ${id} still has ${city.schoolCount} school(s)`, 'delete or move its schools first');
      await deleteCity(context.db, id);
      return { body: { deleted: true } };
    },
  }),
];

function throwNotFound(id: number): never {
  throw notFound('city', id);
}
