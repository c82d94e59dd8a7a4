// Turns the route table into an express router: refuse other origins (api-cors.ts), parse and
// validate the query and the JSON body, find the caller's account, refuse callers the route's
// access doesn't admit, write the audit entry of a change, run the handler, and answer every
// failure with Classcast's JSON error body (405 for a method a path doesn't take).
import express, { Router, type NextFunction, type Request, type Response } from 'express';
import type { z } from 'zod';
import { sendError } from '../../core/http-errors.ts';
import type { Account } from '../auth/account.ts';
import { auditEntryStart, auditOutcome } from '../audit/audit-entry.ts';
import { discardAuditEntry, finishAuditEntry, startAuditEntry } from '../audit/audit-log.ts';
import { constraintOf, isForeignKeyViolation, isUniqueViolation, isCheckViolation } from '../db/db-errors.ts';
import { uniqueViolationMessage } from './constraint-messages.ts';
import { ApiError, forbidden, unauthorized } from './api-error.ts';
import { corsGuard, methodNotAllowed, preflight } from './api-cors.ts';
import type { CatalogContext, HandlerResult, RouteSpec } from './route-spec.ts';

export const apiPrefix = '/api/v1';
/** Catalog bodies are small records; anything bigger is a mistake or an attack. */
const bodyLimit = '64kb';

export type ResolveAccount = (request: Request) => Promise<Account | null>;

export function mountRoutes(specs: readonly RouteSpec[], context: CatalogContext, resolveAccount: ResolveAccount): Router {
  const router = Router();
  const json = express.json({ limit: bodyLimit, strict: true });
  const cors = corsGuard(context.config.catalog.allowedOrigins, context.config.http.publicUrl);
  for (const spec of specs) {
    router[spec.method](`${apiPrefix}${spec.path}`, cors, ...(spec.body ? [requireJson, json] : []), (request: Request, response: Response) => runRoute(spec, context, resolveAccount, request, response));
  }
  // After every method's handler, so these answer only what no route took.
  for (const [path, methods] of methodsByPath(specs)) {
    router.options(`${apiPrefix}${path}`, cors, preflight(methods));
    router.all(`${apiPrefix}${path}`, cors, methodNotAllowed(methods));
  }
  // Malformed JSON and oversized bodies, raised by express.json before the handler runs.
  router.use(apiPrefix, (error: Error & { status?: number; type?: string }, request: Request, response: Response, next: NextFunction) => {
    if (error.type === 'entity.parse.failed') return sendError(response, 400, `malformed JSON body: ${error.message}`, 'send a JSON object');
    if (error.type === 'entity.too.large') return sendError(response, 413, `request body larger than ${bodyLimit}`);
    next(error);
  });
  return router;
}

/**
 * One call of a route. A change (any method but GET) is written to the audit log before its
 * handler runs and finished with the status it answered, so no change lands without its entry
 * even if the process dies halfway. (Not one transaction with the change: handlers stream uploads
 * and start background jobs on the database, which must not hold a transaction open.)
 */
async function runRoute(spec: RouteSpec, context: CatalogContext, resolveAccount: ResolveAccount, request: Request, response: Response): Promise<void> {
  let auditId: number | undefined;
  let account: Account | null = null;
  try {
    account = await resolveAccount(request);
    checkAccess(spec, account);
    const query = spec.query ? parse(spec.query, request.query, 'query') : undefined;
    const body = spec.body ? parse(spec.body, request.body ?? {}, 'body') : undefined;
    const params = request.params as Record<string, string>;
    if (spec.method !== 'get') {
      const entry = auditEntryStart(spec, { params, path: request.path.slice(apiPrefix.length), body, ip: request.ip }, account);
      // The same facts as the audit entry (field names, never values), for whoever chases a problem in the logs.
      context.log.debug('api change', { action: entry.action, path: entry.path, fields: entry.fields, account: entry.actor?.username });
      auditId = await startAuditEntry(context.db, entry);
    }
    const result = await spec.handler({ account, params, query, body, context, request, response });
    if (auditId !== undefined) await settleAudit(context, auditId, answeredStatus(result, response), result === 'sent' ? undefined : result.body, account);
    if (result === 'sent') return;
    response.set('Cache-Control', 'no-store').status(result.status ?? 200).json(result.body);
  } catch (error) {
    const answer = errorAnswer(error, request, context);
    if (auditId !== undefined) await settleAudit(context, auditId, answer.status, undefined, account);
    if (response.headersSent) return void response.end();
    sendError(response, answer.status, answer.message, answer.hint);
  }
}

function answeredStatus(result: HandlerResult, response: Response): number {
  return result === 'sent' ? response.statusCode : (result.status ?? 200);
}

/** Finishes an audit entry; a throttled call (429) did nothing, and its entry goes. Never fails the request: the entry exists either way. */
async function settleAudit(context: CatalogContext, id: number, status: number, body: unknown, account: Account | null): Promise<void> {
  try {
    if (status === 429) await discardAuditEntry(context.db, id);
    else await finishAuditEntry(context.db, id, { status, ...auditOutcome(status, body, account) });
  } catch (error) {
    context.log.error('audit entry not finished', { auditId: id, status, error });
  }
}

/** Each path of the table with the methods it takes. */
function methodsByPath(specs: readonly RouteSpec[]): Map<string, string[]> {
  const paths = new Map<string, string[]>();
  for (const spec of specs) paths.set(spec.path, [...(paths.get(spec.path) ?? []), spec.method]);
  return paths;
}

function checkAccess(spec: RouteSpec, account: Account | null): void {
  if (spec.access === 'public') return;
  if (!account) throw unauthorized();
  if (spec.access !== 'signed-in' && !spec.access.includes(account.role)) throw forbidden(`this needs one of: ${spec.access.join(', ')}`);
}

/** Changes must come as JSON: a cross-site form can't send that without CORS, so this also stops CSRF. */
function requireJson(request: Request, response: Response, next: NextFunction): void {
  if (request.method === 'GET' || request.method === 'DELETE') return next();
  if (!request.is('application/json')) return sendError(response, 415, 'send the body as JSON', 'set Content-Type: application/json');
  next();
}

function parse<T>(schema: z.ZodType<T>, value: unknown, where: 'query' | 'body'): T {
  const result = schema.safeParse(value);
  if (result.success) return result.data;
  const issue = result.error.issues[0]!;
  const field = issue.path.length > 0 ? issue.path.join('.') : where;
  throw new ApiError(400, `${field}: ${issue.message}`, where === 'query' ? 'fix the query string' : 'fix the request body');
}

function errorAnswer(error: unknown, request: Request, context: CatalogContext): { status: number; message: string; hint?: string | undefined } {
  if (error instanceof ApiError) return { status: error.status, message: error.message, hint: error.hint };
  if (isUniqueViolation(error)) return { status: 409, ...uniqueViolationMessage(constraintOf(error)) };
  if (isForeignKeyViolation(error)) return { status: 409, message: 'it refers to, or is referred to by, something else', hint: 'remove or change what refers to it first' };
  if (isCheckViolation(error)) return { status: 400, message: `invalid value (${constraintOf(error) ?? 'a check'} failed)`, hint: 'fix the request body' };
  context.log.error('api request failed', { method: request.method, path: request.path, error });
  return { status: 500, message: 'internal error', hint: 'retry; if it persists, tell the operators' };
}
