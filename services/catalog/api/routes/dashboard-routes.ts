// /dashboard: the operator dashboard's figures in one answer (what the /dashboard page polls every
// 5 s): the figures of now, the history of the last `minutes`, the finished viewing sessions and the
// alarms raised. Operators only: it names every school and lesson of the province.
import { z } from 'zod';
import { ApiError } from '../api-error.ts';
import { route, type RouteSpec } from '../route-spec.ts';

const dashboardQuery = z.object({ minutes: z.coerce.number().int().min(5).max(1440).default(180) });

const dashboardSchema = z.object({
  now: z.record(z.string(), z.unknown()).nullable().describe('figures of now: viewers, bandwidth, quality, ingest (services/stats/dashboard-figures.ts)'),
  history: z.object({ times: z.array(z.number()), series: z.record(z.string(), z.array(z.number().nullable())) }),
  sessions: z.array(z.record(z.string(), z.unknown())),
  alarms: z.array(z.record(z.string(), z.unknown())),
  tiers: z.array(z.record(z.string(), z.unknown())),
  ingestNodes: z.array(z.record(z.string(), z.unknown())).describe('ingest nodes with the load of their last heartbeat: CPU busy share, classrooms, renditions shed and since when'),
  needsMetrics: z.array(z.string()),
});

export const dashboardRoutes: RouteSpec[] = [
  route<z.infer<typeof dashboardQuery>>({
    method: 'get',
    path: '/dashboard',
    summary: 'The operator dashboard: concurrency, bandwidth, P2P offload, quality and ingest health now and over the last minutes, and the alarms (docs/dashboard.md)',
    tag: 'dashboard',
    access: ['operator'],
    query: dashboardQuery,
    response: dashboardSchema,
    async handler({ query, context }) {
      // catalogApi always gives one; a context from elsewhere without it has nothing to show.
      if (!context.dashboard) throw new ApiError(503, 'the dashboard is not running in this process', 'open /dashboard on a catalog or `all` node');
      return { body: await context.dashboard.snapshot(query.minutes) };
    },
  }),
];
