// WebSocket upgrades on one server by path: the P2P tracker (on its own thread, as every node runs
// it) and the raised-hand signalling share a port, each gets its own upgrades, and a path neither
// takes is refused with 404 rather than left hanging.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import WebSocket from 'ws';
import { startHttpServer, type HttpServer } from '../../services/core/http-server.ts';
import { createLogger } from '../../services/core/log.ts';
import { startTrackerThread } from '../../services/tracker/tracker-thread.ts';
import type { Tracker } from '../../services/tracker/tracker-server.ts';
import { mountHands } from '../../services/hands/mount-hands.ts';
import type { HandsSignalling } from '../../services/hands/hands-signalling.ts';
import { createMetricsRegistry } from '../../services/stats/metrics-registry.ts';
import { startTestCatalog, type TestCatalog } from '../helpers/test-catalog.ts';

let catalog: TestCatalog;
let server: HttpServer;
let tracker: Tracker;
let hands: HandsSignalling;

before(async () => {
  catalog = await startTestCatalog();
  const log = createLogger({ role: 'test' });
  server = await startHttpServer({ host: '127.0.0.1', port: 0, routers: [], log, health: () => ({}) });
  tracker = await startTrackerThread(server.server, { knownLessons: () => [], log });
  hands = mountHands(server.server, createMetricsRegistry('catalog', 'test'), catalog.db, catalog.context.config, log);
});
after(async () => {
  hands?.close();
  tracker?.close();
  await server?.close();
  await catalog?.close();
});

/** How an upgrade to `path` ends: 'open' for the tracker, the close code for /hands, the HTTP status for a refusal. */
function outcome(path: string): Promise<string> {
  return new Promise((resolve) => {
    const socket = new WebSocket(`ws://127.0.0.1:${server.port}${path}`);
    socket.on('unexpected-response', (_request, response) => resolve(`http ${response.statusCode}`));
    socket.on('error', () => undefined);
    socket.on('open', () => {
      if (path.startsWith('/tracker')) {
        socket.close();
        resolve('open');
      }
    });
    socket.on('close', (code) => resolve(`close ${code}`));
  });
}

test('the tracker and the hands each get their own upgrades; other paths are 404', async () => {
  assert.equal(await outcome('/tracker'), 'open');
  assert.equal(await outcome('/hands?lesson=some-lesson'), 'close 4401', 'signed out: refused by the hands signalling itself');
  assert.equal(await outcome('/hands?lesson=<bad>'), 'http 400');
  assert.equal(await outcome('/elsewhere'), 'http 404');
});
