// The API's edges over real HTTP: cross-origin calls only from catalog.allowedOrigins (preflights
// included, and proved in a real Chromium on two other origins), and the JSON errors for unknown
// routes, wrong methods, malformed and oversized bodies and non-JSON changes.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { createServer, type Server } from 'node:http';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { catalogApi } from '../../services/catalog/api/catalog-api.ts';
import { corsVerdict } from '../../services/catalog/api/api-cors.ts';
import { createAccount } from '../../services/catalog/auth/accounts.ts';
import { createSession } from '../../services/catalog/auth/sessions.ts';
import type { Database } from '../../services/catalog/db/database.ts';
import { openDatabase } from '../../services/catalog/db/open-database.ts';
import { resolveConfig } from '../../services/core/config/load.ts';
import { startHttpServer, type HttpServer } from '../../services/core/http-server.ts';
import { createLogger, setLogLevel } from '../../services/core/log.ts';
import { launchChromium } from '../helpers/browser.ts';

test('the verdict: no Origin passes, listed origins pass, same-origin passes, others are refused', () => {
  const listed = ['https://admin.example.edu'];
  assert.equal(corsVerdict({ host: 'live.example.edu' }, listed), 'not-cross-origin');
  assert.equal(corsVerdict({ origin: 'https://admin.example.edu', host: 'live.example.edu', secFetchSite: 'same-site' }, listed), 'allowed');
  assert.equal(corsVerdict({ origin: 'https://ADMIN.example.edu', host: 'live.example.edu' }, listed), 'allowed');
  assert.equal(corsVerdict({ origin: 'https://evil.example', host: 'live.example.edu', secFetchSite: 'cross-site' }, listed), 'refused');
  assert.equal(corsVerdict({ origin: 'https://live.example.edu', host: 'live.example.edu', secFetchSite: 'same-site' }, listed), 'refused', 'the browser says it is not the same origin');
  assert.equal(corsVerdict({ origin: 'https://live.example.edu', host: '10.0.0.5:8080', secFetchSite: 'same-origin' }, []), 'not-cross-origin', 'behind a proxy that rewrites Host, the browser\'s word counts');
  assert.equal(corsVerdict({ origin: 'https://live.example.edu', host: 'live.example.edu' }, []), 'not-cross-origin', 'an older browser: the hosts match');
  assert.equal(corsVerdict({ origin: 'https://live.example.edu', host: '10.0.0.5:8080' }, [], 'https://live.example.edu'), 'not-cross-origin', 'or the public URL does');
  assert.equal(corsVerdict({ origin: 'https://evil.example', host: 'live.example.edu' }, []), 'refused');
  assert.equal(corsVerdict({ origin: 'null', host: 'live.example.edu' }, []), 'refused', 'sandboxed pages and files');
});

/** A page server on its own origin: serves one empty HTML page, so the browser has somewhere to call from. */
async function pageServer(): Promise<{ server: Server; origin: string }> {
  const server = createServer((_request, response) => response.writeHead(200, { 'content-type': 'text/html' }).end('<!doctype html><title>other origin</title>'));
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address() as { port: number };
  return { server, origin: `http://localhost:${address.port}` };
}

describe('the API over HTTP with one allowed origin', () => {
  let dataDir: string;
  let db: Database;
  let http: HttpServer;
  let url: string;
  let operator: string;
  let listedPage: { server: Server; origin: string };
  let otherPage: { server: Server; origin: string };

  const call = (method: string, path: string, headers: Record<string, string> = {}, body?: string) => fetch(`${url}/api/v1${path}`, { method, headers, ...(body !== undefined ? { body } : {}) });
  const errorOf = async (response: Response) => {
    assert.match(response.headers.get('content-type') ?? '', /application\/json/);
    const body = (await response.json()) as { error: { status: number; message: string } };
    assert.equal(body.error.status, response.status);
    return body.error;
  };

  before(async () => {
    listedPage = await pageServer();
    otherPage = await pageServer();
    dataDir = await mkdtemp(join(tmpdir(), 'classcast-cors-'));
    setLogLevel('warn');
    const log = createLogger({ role: 'catalog', node: 'test' });
    const config = resolveConfig([{ source: 'test', values: { dataDir, http: { host: '127.0.0.1', port: 0 }, demo: { enabled: false }, catalog: { allowedOrigins: [listedPage.origin] } } }]);
    db = await openDatabase({ databaseUrl: 'memory://', dataDir }, log);
    http = await startHttpServer({ host: '127.0.0.1', port: 0, routers: [catalogApi({ db, config, log, rtmpBase: () => 'rtmp://127.0.0.1/live' })], log, health: () => ({}) });
    url = `http://127.0.0.1:${http.port}`;
    const account = await createAccount(db, { username: 'cors-operator', password: 'correct horse battery', displayName: 'Op', role: 'operator' });
    operator = (await createSession(db, account.id, 1)).token;
  });
  after(async () => {
    await http.close();
    await db.close();
    listedPage.server.close();
    otherPage.server.close();
    await rm(dataDir, { recursive: true, force: true });
  });

  test('a listed origin gets CORS headers; another origin gets a JSON 403; no Origin is not CORS', async () => {
    const listed = await call('GET', '/cities', { origin: listedPage.origin });
    assert.equal(listed.status, 200);
    assert.equal(listed.headers.get('access-control-allow-origin'), listedPage.origin);
    assert.equal(listed.headers.get('access-control-allow-credentials'), 'true');
    assert.match(listed.headers.get('vary') ?? '', /Origin/);
    const other = await call('GET', '/cities', { origin: otherPage.origin });
    assert.equal(other.status, 403);
    assert.equal(other.headers.get('access-control-allow-origin'), null);
    assert.match((await errorOf(other)).message, /not allowed/);
    const plain = await call('GET', '/cities');
    assert.equal(plain.status, 200);
    assert.equal(plain.headers.get('access-control-allow-origin'), null);
    const sameOrigin = await call('POST', '/cities', { origin: url, authorization: `Bearer ${operator}`, 'content-type': 'application/json' }, JSON.stringify({ name: 'Same origin city' }));
    assert.equal(sameOrigin.status, 201, 'a browser page of the API\'s own origin changes things');
  });

  test('preflights: a listed origin learns the methods and headers; another origin is refused', async () => {
    const ask = (origin: string) => call('OPTIONS', '/cities/1', { origin, 'access-control-request-method': 'PATCH', 'access-control-request-headers': 'content-type,authorization' });
    const listed = await ask(listedPage.origin);
    assert.equal(listed.status, 204);
    assert.equal(listed.headers.get('access-control-allow-origin'), listedPage.origin);
    assert.deepEqual(listed.headers.get('access-control-allow-methods')?.split(', ').sort(), ['DELETE', 'GET', 'HEAD', 'OPTIONS', 'PATCH']);
    assert.match(listed.headers.get('access-control-allow-headers') ?? '', /Content-Type, Authorization/);
    const other = await ask(otherPage.origin);
    assert.equal(other.status, 403);
    assert.equal(other.headers.get('access-control-allow-origin'), null);
  });

  test('in Chromium, a page on the listed origin changes the catalog cross-origin; a page on another origin cannot', async () => {
    const browser = await launchChromium();
    try {
      const page = await browser.newPage();
      const attempt = (name: string) =>
        page.evaluate(
          async ({ api, token, name }) => {
            try {
              const response = await fetch(`${api}/api/v1/cities`, { method: 'POST', headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` }, body: JSON.stringify({ name }) });
              return { status: response.status, body: await response.text() };
            } catch (error) {
              return { failed: String(error) };
            }
          },
          { api: url, token: operator, name },
        );
      await page.goto(`${listedPage.origin}/`);
      const fromListed = await attempt('From the listed origin');
      assert.equal((fromListed as { status?: number }).status, 201, JSON.stringify(fromListed));
      await page.goto(`${otherPage.origin}/`);
      const fromOther = await attempt('From another origin');
      assert.ok('failed' in fromOther, `the browser must refuse: ${JSON.stringify(fromOther)}`);
    } finally {
      await browser.close();
    }
    const names = (await db.query<{ name: string }>('select name from cities')).map((row) => row.name);
    assert.ok(names.includes('From the listed origin'));
    assert.ok(!names.includes('From another origin'), 'the refused preflight kept the change from being sent');
  });

  test('unknown routes 404, wrong methods 405, bad bodies 400/413/415: all JSON', async () => {
    const unknown = await call('GET', '/no-such-thing');
    assert.equal(unknown.status, 404);
    await errorOf(unknown);
    const wrongMethod = await call('PUT', '/cities', { authorization: `Bearer ${operator}`, 'content-type': 'application/json' }, '{}');
    assert.equal(wrongMethod.status, 405);
    assert.equal(wrongMethod.headers.get('allow'), 'GET, POST, HEAD, OPTIONS');
    await errorOf(wrongMethod);
    const json = { authorization: `Bearer ${operator}`, 'content-type': 'application/json' };
    const malformed = await call('POST', '/cities', json, '{"name": ');
    assert.equal(malformed.status, 400);
    assert.match((await errorOf(malformed)).message, /malformed JSON/);
    const huge = await call('POST', '/cities', json, JSON.stringify({ name: 'x'.repeat(70_000) }));
    assert.equal(huge.status, 413);
    await errorOf(huge);
    const form = await call('POST', '/cities', { authorization: `Bearer ${operator}`, 'content-type': 'application/x-www-form-urlencoded' }, 'name=Forged');
    assert.equal(form.status, 415, 'a cross-site form cannot change anything (the CSRF defence)');
    await errorOf(form);
  });

  test('the session cookie is HttpOnly and SameSite=Strict', async () => {
    await createAccount(db, { username: 'cookie-user', password: 'correct horse battery', displayName: 'C', role: 'student' });
    const login = await call('POST', '/auth/login', { 'content-type': 'application/json' }, JSON.stringify({ username: 'cookie-user', password: 'correct horse battery' }));
    assert.equal(login.status, 200);
    const cookie = login.headers.get('set-cookie') ?? '';
    assert.match(cookie, /HttpOnly/);
    assert.match(cookie, /SameSite=Strict/);
  });
});
