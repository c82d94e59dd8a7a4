// A catalog API for a test: the real router over a real HTTP port on loopback, on an in-memory
// PGlite (or the PostgreSQL database a test passes), with helpers to sign in as any role and to
// call the API. A test may change the configuration and serve more beside the API (the pages, /vod).
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { catalogApi } from '../../services/catalog/api/catalog-api.ts';
import type { CatalogContext } from '../../services/catalog/api/route-spec.ts';
import type { Account, Role } from '../../services/catalog/auth/account.ts';
import { createAccount } from '../../services/catalog/auth/accounts.ts';
import { createSession } from '../../services/catalog/auth/sessions.ts';
import type { Database } from '../../services/catalog/db/database.ts';
import { openDatabase } from '../../services/catalog/db/open-database.ts';
import type { Router } from 'express';
import { resolveConfig } from '../../services/core/config/load.ts';
import type { ConfigInput } from '../../services/core/config/schema.ts';
import { startHttpServer } from '../../services/core/http-server.ts';
import { createLogger, setLogLevel } from '../../services/core/log.ts';
import { createOperatorDashboard } from '../../services/roles/operator-dashboard.ts';

export const testPassword = 'correct horse battery';

export type ApiAnswer = {
  status: number;
  // Test code reads whatever JSON the route answered; each test asserts the shape it expects.
  body: any;
  headers: Headers;
};

export type ApiOptions = { token?: string; body?: unknown; rawBody?: string; headers?: Record<string, string> };

export type TestCatalog = {
  url: string;
  /** The catalog's data directory (replays go under vod/), removed by close(). */
  dataDir: string;
  db: Database;
  context: CatalogContext;
  /** Creates an account of that role (unique username, password `testPassword`) and a session for it. */
  signIn(role: Role, schoolId?: number | null): Promise<{ account: Account; token: string }>;
  /** Calls `/api/v1<path>`; a `body` is sent as JSON, a `rawBody` as given (with a JSON content type unless `headers` say otherwise). */
  api(method: string, path: string, options?: ApiOptions): Promise<ApiAnswer>;
  close(): Promise<void>;
};

let accountsMade = 0;

export type TestCatalogOptions = {
  databaseUrl?: string;
  /** Configuration over the test's defaults. */
  config?: ConfigInput;
  /** More routers served after the API (pages, /vod), made from the catalog's context. */
  routers?: (context: CatalogContext) => Router[];
};

export async function startTestCatalog(options: TestCatalogOptions = {}): Promise<TestCatalog> {
  const dataDir = await mkdtemp(join(tmpdir(), 'classcast-catalog-'));
  setLogLevel((process.env.CLASSCAST_TEST_LOG as 'debug' | 'info' | undefined) ?? 'warn');
  const log = createLogger({ role: 'catalog', node: 'test' });
  const config = resolveConfig([
    { source: 'test', values: { dataDir, http: { host: '127.0.0.1', port: 0 }, demo: { enabled: false } } },
    { source: 'the test', values: (options.config ?? {}) as Record<string, unknown> },
  ]);
  const db = await openDatabase({ databaseUrl: options.databaseUrl ?? 'memory://', dataDir }, log);
  // The dashboard a catalog role runs, not started: it reads the catalog when asked (the operator pages).
  const context: CatalogContext = { db, config, log, rtmpBase: () => 'rtmp://127.0.0.1:1935/live', dashboard: createOperatorDashboard(config, db, log) };
  const server = await startHttpServer({ host: '127.0.0.1', port: 0, routers: [catalogApi(context), ...(options.routers?.(context) ?? [])], log, health: () => ({ role: 'catalog' }) }).catch(async (error: unknown) => {
    await db.close();
    throw error;
  });
  const url = `http://127.0.0.1:${server.port}`;

  return {
    url,
    dataDir,
    db,
    context,
    async signIn(role, schoolId) {
      accountsMade++;
      const username = `${role.replace('_', '-')}-${accountsMade}-${process.pid}`;
      const account = await createAccount(db, { username, password: testPassword, displayName: `Test ${role} ${accountsMade}`, role, schoolId: schoolId ?? null });
      const { token } = await createSession(db, account.id, config.catalog.sessionHours);
      return { account, token };
    },
    async api(method, path, { token, body, rawBody, headers = {} } = {}) {
      const sent: Record<string, string> = {};
      if (token) sent.authorization = `Bearer ${token}`;
      if (body !== undefined || rawBody !== undefined) sent['content-type'] = 'application/json';
      const response = await fetch(`${url}/api/v1${path}`, {
        method: method.toUpperCase(),
        headers: { ...sent, ...headers },
        ...(rawBody !== undefined ? { body: rawBody } : body !== undefined ? { body: JSON.stringify(body) } : {}),
      });
      const text = await response.text();
      let parsed: unknown = text;
      try {
        parsed = text === '' ? undefined : JSON.parse(text);
      } catch {
        // Not JSON (a download, an HTML page): the test gets the text.
      }
      return { status: response.status, body: parsed, headers: response.headers };
    },
    async close() {
      await server.close();
      await db.close();
      await rm(dataDir, { recursive: true, force: true, maxRetries: 5 });
    },
  };
}
