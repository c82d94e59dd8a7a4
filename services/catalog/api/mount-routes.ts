// Turns the route table into an express router: parse and validate the query and the JSON body,
// find the caller's account, refuse callers the route's access doesn't admit, run the handler, and
// answer every failure with Classcast's JSON error body.
import express, { Router, type NextFunction, type Request, type Response } from 'express';
import type { z } from 'zod';
import { sendError } from '../../core/http-errors.ts';
import type { Account } from '../auth/account.ts';
import { constraintOf, isForeignKeyViolation, isUniqueViolation, isCheckViolation } from '../db/db-errors.ts';
import { uniqueViolationMessage } from './constraint-messages.ts';
import { ApiError, forbidden, unauthorized } from './api-error.ts';
import type { CatalogContext, RouteSpec } from './route-spec.ts';

export const apiPrefix = '/api/v1';
/** Catalog bodies are small records; anything bigger is a mistake or an attack. */
const bodyLimit = '64kb';

export type ResolveAccount = (request: Request) => Promise<Account | null>;

export function mountRoutes(specs: readonly RouteSpec[], context: CatalogContext, resolveAccount: ResolveAccount): Router {
  const router = Router();
  const json = express.json({ limit: bodyLimit, strict: true });
  for (const spec of specs) {
    const handlers = [
      ...(spec.body ? [requireJson, json] : []),
      async (request: Request, response: Response) => {
        try {
          const account = await resolveAccount(request);
          checkAccess(spec, account);
          const query = spec.query ? parse(spec.query, request.query, 'query') : undefined;
          const body = spec.body ? parse(spec.body, request.body ?? {}, 'body') : undefined;
          const result = await spec.handler({ account, params: request.params as Record<string, string>, query, body, context, request, response });
          if (result === 'sent') return;
          response.set('Cache-Control', 'no-store').status(result.status ?? 200).json(result.body);
        } catch (error) {
          answerError(error, request, response, context);
        }
      },
    ];
    router[spec.method](`${apiPrefix}${spec.path}`, ...handlers);
  }
  // Malformed JSON and oversized bodies, raised by express.json before the handler runs.
  router.use(apiPrefix, (error: Error & { status?: number; type?: string }, request: Request, response: Response, next: NextFunction) => {
    if (error.type === 'entity.parse.failed') return sendError(response, 400, `malformed JSON body: ${error.message}`, 'send a JSON object');
    if (error.type === 'entity.too.large') return sendError(response, 413, `request body larger than ${bodyLimit}`);
    next(error);
  });
  return router;
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

function answerError(error: unknown, request: Request, response: Response, context: CatalogContext): void {
  if (error instanceof ApiError) return sendError(response, error.status, error.message, error.hint);
  if (isUniqueViolation(error)) {
    const { message, hint } = uniqueViolationMessage(constraintOf(error));
    return sendError(response, 409, message, hint);
  }
  if (isForeignKeyViolation(error)) return sendError(response, 409, 'it refers to, or is referred to by, something else', 'remove or change what refers to it first');
  if (isCheckViolation(error)) return sendError(response, 400, `invalid value (${constraintOf(error) ?? 'a check'} failed)`, 'fix the request body');
  context.log.error('api request failed', { method: request.method, path: request.path, error });
  sendError(response, 500, 'internal error', 'retry; if it persists, tell the operators');
}
