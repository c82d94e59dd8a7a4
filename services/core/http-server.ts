// The HTTP server every role uses: express 5 with the routers the role brings, /healthz, JSON
// errors for unknown routes and failures, and a listen that fails clearly on a busy port.
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import helmet from 'helmet';
import express, { type NextFunction, type Request, type Response, type Router } from 'express';
import { listen } from './port-check.ts';
import { sendError } from './http-errors.ts';
import type { Logger } from './log.ts';

export type HttpServerOptions = {
  host: string;
  port: number;
  routers: Router[];
  log: Logger;
  /** Extra facts for /healthz (role, node, live lessons...). */
  health: () => Record<string, unknown>;
  /** Answers what it can before express sees the request (a relay's hot cached segments); false passes it on. */
  fastPath?: (request: IncomingMessage, response: ServerResponse) => boolean;
  /** Express's `trust proxy` (config `http.trustProxy`); off unless a proxy is in front. */
  trustProxy?: boolean | number | string;
  /** Bounds on a slow client (tests use short ones); `httpTimeouts` by default. */
  timeouts?: Partial<HttpTimeouts>;
};

/**
 * How long a client may take to send a request's headers, and the whole request with its body,
 * before the server answers 408 and closes the connection, so slow senders cannot hold sockets and
 * parsers open. The whole request allows the largest upload (a 50 MB courseware file) at about
 * 3.5 Mbit/s; every other body is a few kilobytes. Checked every `checkIntervalMs`.
 */
export type HttpTimeouts = { headersMs: number; requestMs: number; checkIntervalMs: number };

export const httpTimeouts: HttpTimeouts = { headersMs: 10_000, requestMs: 120_000, checkIntervalMs: 2_000 };

/** `server` is there for what is not a request: WebSocket upgrades (the P2P tracker at /tracker). */
export type HttpServer = { port: number; server: Server; close(): Promise<void> };

export async function startHttpServer(options: HttpServerOptions): Promise<HttpServer> {
  const app = express();
  app.disable('x-powered-by');
  // Security headers (nosniff, frame and referrer policies, COOP...) from helmet, with three of its
  // defaults changed: no server-wide Content-Security-Policy (a policy governs documents, and each
  // web page sets its own, naming the relay and tracker that page is given: services/web/page-csp.ts;
  // media and JSON answers need none), media fetchable from other origins (the watch page plays
  // through a relay; Safari loads HLS without CORS), and no HSTS (the TLS proxy in front sets its own).
  app.use(
    helmet({
      contentSecurityPolicy: false,
      crossOriginResourcePolicy: { policy: 'cross-origin' },
      strictTransportSecurity: false,
    }),
  );
  app.set('etag', 'strong');
  app.set('trust proxy', options.trustProxy ?? false);
  const startedAt = Date.now();
  app.get('/healthz', (_request, response) => {
    response.set('Cache-Control', 'no-store').json({ status: 'ok', uptimeSeconds: Math.round((Date.now() - startedAt) / 1000), ...options.health() });
  });
  for (const router of options.routers) app.use(router);
  app.use((_request: Request, response: Response) => {
    response.set('Cache-Control', 'public, max-age=1');
    sendError(response, 404, 'not found');
  });
  app.use((error: Error & { status?: number; type?: string }, request: Request, response: Response, _next: NextFunction) => {
    // Body-parser and express raise errors with a status (malformed JSON, bad URL encoding): those are the client's.
    const status = error.status && error.status >= 400 && error.status < 500 ? error.status : 500;
    if (status === 500) options.log.error('request failed', { method: request.method, path: request.path, error });
    if (response.headersSent) return void response.end();
    sendError(response, status, status === 500 ? 'internal error' : error.message, status === 500 ? 'retry; if it persists, tell the operators' : undefined);
  });

  const { fastPath } = options;
  const timeouts = { ...httpTimeouts, ...options.timeouts };
  const serverOptions = { headersTimeout: timeouts.headersMs, requestTimeout: timeouts.requestMs, connectionsCheckingInterval: timeouts.checkIntervalMs };
  const server = createServer(serverOptions, fastPath ? (request, response) => fastPath(request, response) || void app(request, response) : app);
  server.keepAliveTimeout = 65_000;
  const port = await listen(server, options.port, options.host, 'http.port');
  options.log.info('http listening', { host: options.host, port });
  return {
    port,
    server,
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}
