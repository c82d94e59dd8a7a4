// The catalog's JSON API under /api/v1: every route table, mounted with validation and access
// checks, plus the OpenAPI document generated from the same tables.
import type { Router } from 'express';
import { createAccountResolver } from '../auth/resolve-account.ts';
import { mountRoutes } from './mount-routes.ts';
import { openApiDocument } from './openapi.ts';
import { route, type CatalogContext, type RouteSpec } from './route-spec.ts';
import { accountRoutes } from './routes/account-routes.ts';
import { authRoutes } from './routes/auth-routes.ts';
import { citiesRoutes } from './routes/cities-routes.ts';
import { classroomsRoutes } from './routes/classrooms-routes.ts';
import { coursesRoutes, coursewareUpload } from './routes/courses-routes.ts';
import { lessonsRoutes } from './routes/lessons-routes.ts';
import { schoolsRoutes } from './routes/schools-routes.ts';
import { timetableRoutes } from './routes/timetable-routes.ts';

let openApiJson: unknown;

const openApiRoute = route({
  method: 'get',
  path: '/openapi.json',
  summary: 'This API described as OpenAPI 3.1',
  tag: 'meta',
  access: 'public',
  async handler() {
    // Built once: the route tables are fixed for the life of the process.
    openApiJson ??= openApiDocument(catalogRoutes(), [coursewareUpload]);
    return { body: openApiJson };
  },
});

/** Every route the catalog API serves, in mounting order. */
export function catalogRoutes(): RouteSpec[] {
  return [...authRoutes, ...accountRoutes, ...citiesRoutes, ...schoolsRoutes, ...classroomsRoutes, ...coursesRoutes, ...lessonsRoutes, ...timetableRoutes, openApiRoute];
}

export function catalogApi(context: CatalogContext): Router {
  return mountRoutes(catalogRoutes(), context, createAccountResolver(context));
}
