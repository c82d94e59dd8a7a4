// /audit: the audit log for operators — who created, changed, rotated or deleted what, and when,
// newest first, filtered by account, resource and time. mount-routes.ts writes the entries.
import { z } from 'zod';
import { listAuditEntries } from '../../audit/audit-log.ts';
import { idQuery, timeQuery } from '../fields.ts';
import { page, pageSchema, paginationQuery } from '../pagination.ts';
import { route, type RouteSpec } from '../route-spec.ts';

const auditQuery = paginationQuery.extend({
  accountId: idQuery.optional(),
  resource: z.string().regex(/^[a-z][a-z0-9-]{0,39}$/, 'a resource name, e.g. classrooms').optional(),
  resourceId: z.string().min(1).max(120).optional(),
  since: timeQuery.optional(),
  until: timeQuery.optional(),
});

const auditEntrySchema = z.object({
  id: z.number().int(),
  at: z.string(),
  accountId: z.number().int().nullable(),
  username: z.string().nullable(),
  role: z.string().nullable(),
  action: z.string().describe('the route: method and path pattern, e.g. "POST /classrooms/:id/rotate-key"'),
  resource: z.string(),
  resourceId: z.string().nullable(),
  path: z.string(),
  fields: z.array(z.string()).describe('names of the body fields sent; never their values'),
  clientIp: z.string().nullable(),
  status: z.number().int().nullable().describe('the HTTP status the change answered; null while it ran'),
});

export const auditRoutes: RouteSpec[] = [
  route<z.infer<typeof auditQuery>>({
    method: 'get',
    path: '/audit',
    summary: 'The audit log, newest first: every change through this API (and sign-ins), by whom, from where, with which fields',
    tag: 'audit',
    access: ['operator'],
    query: auditQuery,
    response: pageSchema(auditEntrySchema),
    async handler({ query, context }) {
      const { limit, offset, ...filter } = query;
      return { body: page(await listAuditEntries(context.db, filter, { limit, offset }), query) };
    },
  }),
];
