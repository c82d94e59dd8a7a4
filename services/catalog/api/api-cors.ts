// Cross-origin rules for the catalog API: /api/v1 answers browsers on other origins only when their
// origin is listed in catalog.allowedOrigins (default none: same origin only). A refused origin gets
// a 403 before anything runs, preflights included; a listed one gets the CORS headers, cookies
// allowed. Media (/live, /vod) is not under this router and stays fetchable from anywhere.
import type { NextFunction, Request, Response } from 'express';
import { sendError } from '../../core/http-errors.ts';

export type CorsVerdict = 'not-cross-origin' | 'allowed' | 'refused';

export type CorsHeaders = { origin?: string | undefined; host?: string | undefined; secFetchSite?: string | undefined; forwardedHost?: string | undefined };

/**
 * Whether a request may go on. No Origin header: not a browser's cross-origin call (scripts, same
 * origin GETs). Then a listed origin is allowed; otherwise the browser's own Sec-Fetch-Site says
 * whether it is same-origin, and a browser that does not send it is judged by comparing the
 * origin's host with the Host (or X-Forwarded-Host) the request came to, or with http.publicUrl.
 */
export function corsVerdict(headers: CorsHeaders, allowedOrigins: readonly string[], publicUrl?: string): CorsVerdict {
  const origin = headers.origin;
  if (origin === undefined) return 'not-cross-origin';
  if (allowedOrigins.includes(origin.toLowerCase())) return 'allowed';
  if (headers.secFetchSite !== undefined) return headers.secFetchSite === 'same-origin' ? 'not-cross-origin' : 'refused';
  const host = originHost(origin);
  const ownHosts = [headers.host, headers.forwardedHost, publicUrl === undefined ? undefined : originHost(publicUrl)].filter((value) => value !== undefined).map((value) => value.toLowerCase());
  return host !== undefined && ownHosts.includes(host) ? 'not-cross-origin' : 'refused';
}

function originHost(origin: string): string | undefined {
  try {
    return new URL(origin).host.toLowerCase();
  } catch {
    return undefined;
  }
}

const allowedHeaders = 'Content-Type, Authorization';
const preflightMaxAgeSeconds = 600;

/** The middleware every catalog route runs first: refuses other origins, marks listed ones. */
export function corsGuard(allowedOrigins: readonly string[], publicUrl: string | undefined) {
  const listed = allowedOrigins.map((origin) => origin.toLowerCase());
  return (request: Request, response: Response, next: NextFunction): void => {
    // Every answer depends on Origin, so a shared cache must not hand one origin's answer to another.
    response.vary('Origin');
    const verdict = corsVerdict(
      { origin: request.get('origin'), host: request.get('host'), secFetchSite: request.get('sec-fetch-site'), forwardedHost: request.get('x-forwarded-host') },
      listed,
      publicUrl,
    );
    if (verdict === 'refused') return sendError(response, 403, `cross-origin requests from ${request.get('origin')} are not allowed`, 'call the API from its own origin, or list yours in catalog.allowedOrigins');
    if (verdict === 'allowed') {
      response.set('Access-Control-Allow-Origin', request.get('origin'));
      response.set('Access-Control-Allow-Credentials', 'true');
      response.set('Access-Control-Expose-Headers', 'Retry-After, Content-Disposition');
    }
    next();
  };
}

/** Answers OPTIONS on a catalog path: the methods it takes, and for a listed origin the preflight's permission. */
export function preflight(methods: readonly string[]) {
  const allow = allowHeader(methods);
  return (_request: Request, response: Response): void => {
    response.set('Allow', allow);
    if (response.get('Access-Control-Allow-Origin') !== undefined) {
      response.set('Access-Control-Allow-Methods', allow);
      response.set('Access-Control-Allow-Headers', allowedHeaders);
      response.set('Access-Control-Max-Age', String(preflightMaxAgeSeconds));
    }
    response.status(204).end();
  };
}

/** A catalog path called with a method it doesn't take. */
export function methodNotAllowed(methods: readonly string[]) {
  const allow = allowHeader(methods);
  return (request: Request, response: Response): void => {
    response.set('Allow', allow);
    sendError(response, 405, `${request.method} is not allowed here`, `use ${allow}`);
  };
}

function allowHeader(methods: readonly string[]): string {
  const upper = methods.map((method) => method.toUpperCase());
  return [...new Set([...upper, ...(upper.includes('GET') ? ['HEAD'] : []), 'OPTIONS'])].join(', ');
}
