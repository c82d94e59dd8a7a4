// Every catalog API route is one of these records: method, path, who may call it, the zod schemas of
// its query and body, and a handler that gets validated input. The route table is data, so the
// router, the OpenAPI document and the permission tests are all generated from the same list and a
// new route cannot miss its checks.
import type { z } from 'zod';
import type { Request, Response } from 'express';
import type { Config } from '../../core/config/schema.ts';
import type { Logger } from '../../core/log.ts';
import type { PlaybackSettings } from '../../core/config/playback-settings.ts';
import type { Database } from '../db/database.ts';
import type { Account, Role } from '../auth/account.ts';
import type { DashboardReader } from '../../stats/dashboard-service.ts';
import type { JobQueue } from '../jobs/job-queue.ts';
import type { TimeZoneSource } from '../queries/province-time-zone.ts';
import type { ViewerCities } from '../routing/viewer-city.ts';

/** 'public': anyone, signed in or not. 'signed-in': any account. A list: only those roles. */
export type Access = 'public' | 'signed-in' | readonly Role[];

export type CatalogContext = {
  db: Database;
  config: Config;
  log: Logger;
  /** Where this request's school should point its encoders, e.g. rtmp://live.example.edu:1935/live (a key is appended). */
  rtmpBase(request: Request): string;
  /**
   * The operator dashboard the role runs (services/roles/operator-dashboard.ts), read for its figures
   * and alarms; without one, /api/v1/dashboard answers 503 and lessons show no viewer count.
   */
  dashboard?: DashboardReader;
  /** Signed playback secrets for the tokens the catalog issues; by default the configuration's (playback-settings.ts). */
  playback?: PlaybackSettings;
  /** The durable job queue (services/catalog/jobs/); without one, background work runs in this process. */
  jobs?: JobQueue;
  /** The pages' view of the province's time zone, told at once when an operator changes it here. */
  timeZone?: TimeZoneSource;
  /** Which city a viewer is in and its relays (services/catalog/routing/), shared with the pages; one is made when not given. */
  viewerCities?: ViewerCities;
};

export type HandlerInput<Q, B> = {
  account: Account | null;
  params: Record<string, string>;
  query: Q;
  body: B;
  context: CatalogContext;
  request: Request;
  response: Response;
};

/** What a handler returns: a JSON body (status 200 unless given), or 'sent' when it answered itself. */
export type HandlerResult = { status?: number; body: unknown } | 'sent';

export type RouteSpec<Q = unknown, B = unknown> = {
  method: 'get' | 'post' | 'put' | 'patch' | 'delete';
  /** Express path under /api/v1, e.g. '/cities/:id'. */
  path: string;
  summary: string;
  /** The OpenAPI tag: the resource this route belongs to. */
  tag: string;
  /** Who may call it; required, and test/catalog/route-roles.test.ts calls every route as everyone it refuses. */
  access: Access;
  query?: z.ZodType<Q>;
  body?: z.ZodType<B>;
  /** Describes the success body for the OpenAPI document. */
  response?: z.ZodType;
  /** Status of a successful answer, for the OpenAPI document (default 200). */
  successStatus?: number;
  handler(input: HandlerInput<Q, B>): Promise<HandlerResult>;
};

/** Lets a file declare routes with typed query and body, then list them together. */
export function route<Q = undefined, B = undefined>(spec: RouteSpec<Q, B>): RouteSpec {
  return spec as unknown as RouteSpec;
}
