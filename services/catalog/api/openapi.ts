// The OpenAPI 3.1 description of the catalog API, generated from the same route tables the server
// mounts, so it lists exactly the routes, access rules, bodies and query strings that run.
import { z } from 'zod';
import { apiPrefix } from './mount-routes.ts';
import type { RouteSpec } from './route-spec.ts';

/** Routes whose body is not JSON but raw bytes (their handlers read it themselves). */
export type RawBodyRoute = { method: RouteSpec['method']; path: string; description: string };

type JsonSchema = Record<string, unknown>;

const errorSchema = z.object({
  error: z.object({ status: z.number().int(), message: z.string().describe('what went wrong; validation errors name the field first'), hint: z.string().optional().describe('what to do') }),
});

const errorDescriptions: Record<number, string> = {
  400: 'invalid input (the message names the field) or malformed JSON',
  401: 'not signed in',
  403: 'signed in, but this account may not do this',
  404: 'no such resource',
  409: 'conflicts with existing data (duplicate name, still in use, overlapping lesson)',
  413: 'body too large',
  415: 'the body is not JSON',
};

function jsonSchema(schema: z.ZodType, io: 'input' | 'output'): JsonSchema {
  const { $schema: _dialect, ...rest } = z.toJSONSchema(schema, { io, unrepresentable: 'any' }) as JsonSchema;
  return rest;
}

/** `/courses/:id/files/:fileId` -> `/courses/{id}/files/{fileId}`. */
export function openApiPath(expressPath: string): string {
  return `${apiPrefix}${expressPath.replace(/:([A-Za-z0-9_]+)/g, '{$1}')}`;
}

function parameters(spec: RouteSpec): JsonSchema[] {
  const inPath = [...spec.path.matchAll(/:([A-Za-z0-9_]+)/g)].map((match) => ({ name: match[1], in: 'path', required: true, schema: { type: 'string' } }));
  if (!spec.query) return inPath;
  const query = jsonSchema(spec.query, 'input') as { properties?: Record<string, JsonSchema>; required?: string[] };
  const inQuery = Object.entries(query.properties ?? {}).map(([name, schema]) => ({ name, in: 'query', required: query.required?.includes(name) ?? false, schema }));
  return [...inPath, ...inQuery];
}

function errorStatuses(spec: RouteSpec): number[] {
  const statuses = new Set<number>();
  if (spec.query || spec.body || spec.path.includes(':')) statuses.add(400);
  if (spec.access !== 'public') statuses.add(401).add(403);
  if (spec.path.includes(':')) statuses.add(404);
  if (spec.method !== 'get') statuses.add(409);
  if (spec.body) statuses.add(413).add(415);
  return [...statuses].sort();
}

function operation(spec: RouteSpec, rawBody: RawBodyRoute | undefined): JsonSchema {
  const success = String(spec.successStatus ?? 200);
  const responses: Record<string, unknown> = {
    [success]: {
      description: 'success',
      content: spec.response ? { 'application/json': { schema: jsonSchema(spec.response, 'output') } } : { 'application/octet-stream': { schema: { type: 'string', format: 'binary' } } },
    },
  };
  for (const status of errorStatuses(spec)) {
    responses[String(status)] = { description: errorDescriptions[status], content: { 'application/json': { schema: { $ref: '#/components/schemas/Error' } } } };
  }
  const requestBody = spec.body
    ? { required: true, content: { 'application/json': { schema: jsonSchema(spec.body, 'input') } } }
    : rawBody
      ? { required: true, description: rawBody.description, content: { '*/*': { schema: { type: 'string', format: 'binary' } } } }
      : undefined;
  return {
    operationId: `${spec.method}${spec.path.replace(/[^A-Za-z0-9]+(.)?/g, (_match, next: string | undefined) => (next ?? '').toUpperCase())}`,
    summary: spec.summary,
    tags: [spec.tag],
    security: spec.access === 'public' ? [] : [{ bearer: [] }, { cookie: [] }],
    ...(spec.access !== 'public' ? { description: `Who may call it: ${spec.access === 'signed-in' ? 'any signed-in account' : spec.access.join(', ')}.` } : {}),
    parameters: parameters(spec),
    ...(requestBody ? { requestBody } : {}),
    responses,
  };
}

export function openApiDocument(specs: readonly RouteSpec[], rawBodies: readonly RawBodyRoute[] = []): JsonSchema {
  const paths: Record<string, Record<string, unknown>> = {};
  for (const spec of specs) {
    const rawBody = rawBodies.find((raw) => raw.method === spec.method && raw.path === spec.path);
    (paths[openApiPath(spec.path)] ??= {})[spec.method] = operation(spec, rawBody);
  }
  return {
    openapi: '3.1.0',
    info: {
      title: 'Classcast catalog API',
      version: '1',
      description: 'Cities, schools, classrooms, courses, lessons and the timetable of a Classcast province. Overview: docs/api.md.',
    },
    servers: [{ url: '/' }],
    tags: [...new Set(specs.map((spec) => spec.tag))].map((name) => ({ name })),
    paths,
    components: {
      securitySchemes: {
        bearer: { type: 'http', scheme: 'bearer', description: 'the token from POST /api/v1/auth/login' },
        cookie: { type: 'apiKey', in: 'cookie', name: 'classcast_session', description: 'set by POST /api/v1/auth/login' },
      },
      schemas: { Error: jsonSchema(errorSchema, 'output') },
    },
  };
}
