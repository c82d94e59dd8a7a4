// The catalog's JSON API under /api/v1: every route table, mounted with validation and access
// checks, plus the OpenAPI document generated from the same tables.
import type { Router } from 'express';
import { createAccountResolver } from '../auth/resolve-account.ts';
import { mountRoutes } from './mount-routes.ts';
import { openApiDocument } from './openapi.ts';
import { route, type CatalogContext, type RouteSpec } from './route-spec.ts';
import { accountRoutes } from './routes/account-routes.ts';
import { auditRoutes } from './routes/audit-routes.ts';
import { authRoutes } from './routes/auth-routes.ts';
import { citiesRoutes } from './routes/cities-routes.ts';
import { classroomsRoutes } from './routes/classrooms-routes.ts';
import { coursesRoutes, coursewareUpload } from './routes/courses-routes.ts';
import { dashboardRoutes } from './routes/dashboard-routes.ts';
import { ingestRoutes } from './routes/ingest-routes.ts';
import { lessonsRoutes } from './routes/lessons-routes.ts';
import { playbackRoutes } from './routes/playback-routes.ts';
import { qaRoutes } from './routes/qa-routes.ts';
import { recordingsRoutes } from './routes/recordings-routes.ts';
import { schoolsRoutes } from './routes/schools-routes.ts';
import { settingsRoutes } from './routes/settings-routes.ts';
import { timetableRoutes } from './routes/timetable-routes.ts';
import { routingRoutes } from './routes/routing-routes.ts';
import { createViewerCities } from '../routing/viewer-city.ts';

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
  return [...authRoutes, ...accountRoutes, ...citiesRoutes, ...routingRoutes, ...schoolsRoutes, ...classroomsRoutes, ...coursesRoutes, ...lessonsRoutes, ...playbackRoutes, ...qaRoutes, ...recordingsRoutes, ...timetableRoutes, ...dashboardRoutes, ...auditRoutes, ...settingsRoutes, ...ingestRoutes, openApiRoute];
}

export function catalogApi(context: CatalogContext): Router {
  const full: CatalogContext = { ...context, viewerCities: context.viewerCities ?? createViewerCities(context.db) };
  return mountRoutes(catalogRoutes(), full, createAccountResolver(full));
}
