// A catalog running on its own (`classcast catalog`) sees the tiers its configuration lists: a real
// ingest and a real city relay, started in this process on their own ports, with a real encoder
// pushing and a viewer's report at the relay. The catalog's dashboard reads their /metrics on its
// timer and shows the viewer and the relay's bandwidth and upstream; a listed tier that
// refuses connections, one that never answers, and the relay once stopped each raise a "tier
// unreachable" alarm (on the dashboard and at /metrics/alarms for Prometheus).
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { createServer, type Server, type Socket } from 'node:net';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { AddressInfo } from 'node:net';
import { resolveConfig } from '../../services/core/config/load.ts';
import { createLogger, setLogLevel } from '../../services/core/log.ts';
import { freePort } from '../../services/core/port-check.ts';
import { playbackSettingsFrom } from '../../services/core/config/playback-settings.ts';
import { signViewerSession } from '../../services/core/viewer-session.ts';
import { startCatalogRole } from '../../services/roles/catalog.ts';
import type { RunningRole } from '../../services/roles/running-role.ts';
import type { DashboardSnapshot } from '../../services/stats/dashboard-service.ts';
import { catalogClient, signIn, type CatalogClient } from '../../scripts/screenshots/catalog-client.ts';
import type { DemoEncoder } from '../../scripts/demo/demo-encoder.ts';
import { fetchPlaylist, pushTestPattern } from '../helpers/media.ts';
import { startTestIngest, type TestIngest } from '../helpers/test-ingest.ts';
import { startTestRelay, type TestRelay } from '../helpers/test-relay.ts';
import { waitFor } from '../helpers/wait-for.ts';

const key = 'room-remote-dashboard-key';
const operator = { username: 'rita', displayName: 'Rita Remote', password: 'a long operator password' };

describe('a standalone catalog reads the tiers it is told of', { timeout: 180_000 }, () => {
  let ingest: TestIngest;
  let relay: TestRelay;
  let relayStopped = false;
  let encoder: DemoEncoder;
  let catalog: RunningRole & { httpPort: number };
  let catalogDir: string;
  let silent: Server;
  const silentSockets = new Set<Socket>();
  let refusingUrl: string;
  let silentUrl: string;
  let api: CatalogClient;
  let lessonId: string;

  const dashboard = () => api.request<DashboardSnapshot>('GET', '/dashboard?minutes=60');
  const catalogUrl = () => `http://127.0.0.1:${catalog.httpPort}`;

  before(async () => {
    ingest = await startTestIngest({ classrooms: [{ id: 'room-remote', key }] });
    relay = await startTestRelay([ingest.baseUrl]);
    // A tier that is not there (nothing listens) and one that accepts and never answers.
    refusingUrl = `http://127.0.0.1:${await freePort()}`;
    silent = createServer((socket) => {
      silentSockets.add(socket);
      socket.on('close', () => silentSockets.delete(socket));
    });
    await new Promise<void>((resolve) => silent.listen(0, '127.0.0.1', resolve));
    silentUrl = `http://127.0.0.1:${(silent.address() as AddressInfo).port}`;

    catalogDir = await mkdtemp(join(tmpdir(), 'classcast-catalog-'));
    setLogLevel('error');
    const config = resolveConfig([
      {
        source: 'test',
        values: {
          dataDir: catalogDir,
          databaseUrl: 'memory://',
          node: { id: 'catalog-1' },
          http: { host: '127.0.0.1', port: 0 },
          demo: { enabled: false },
          alarms: { checkSeconds: 1 },
          dashboard: {
            tiers: [
              { url: ingest.baseUrl, kind: 'ingest' },
              { url: `${relay.baseUrl}/`, kind: 'relay' },
              { url: refusingUrl, kind: 'relay' },
              { url: silentUrl, kind: 'relay' },
            ],
            scrapeTimeoutSeconds: 1,
          },
        },
      },
    ]);
    catalog = await startCatalogRole(config, createLogger({ role: 'catalog', node: 'catalog-1' }));
    const token = new URL(catalog.urls.setup!).searchParams.get('token');
    await catalogClient(catalogUrl()).request('POST', '/setup', { token, ...operator });
    api = await signIn(catalogUrl(), operator.username, operator.password);

    encoder = pushTestPattern(ingest.rtmpUrl(key), { width: 640, height: 360, fps: 25, audio: true });
    lessonId = await waitFor('the lesson to be live', async () => {
      const { lessons } = (await (await fetch(`${ingest.baseUrl}/api/v1/ingest/lessons?state=live`)).json()) as { lessons: Array<{ id: string }> };
      return lessons[0]?.id;
    }, 30_000);
    // A viewer plays through the relay and reports there.
    const media = await waitFor('two segments through the relay', async () => {
      await fetchPlaylist(`${relay.baseUrl}/live/${lessonId}/master.m3u8`).catch(() => undefined);
      const playlist = await fetchPlaylist(`${relay.baseUrl}/live/${lessonId}/360p/index.m3u8`).catch(() => undefined);
      return playlist && playlist.segments.length >= 2 ? playlist : undefined;
    }, 40_000);
    for (const segment of media.segments) await (await fetch(`${relay.baseUrl}/live/${lessonId}/360p/${segment.uri}`)).arrayBuffer();
    // The watch page's viewer session, signed with the tiers' secret (this process's own).
    const viewerId = 'a1'.repeat(16);
    const session = signViewerSession(playbackSettingsFrom(resolveConfig([])).secrets, viewerId, Math.floor(Date.now() / 1000) + 3600);
    const report = { viewerId, session, lessonId, cityId: null, schoolId: null, event: 'periodic', startupMs: 900, playingSeconds: 10, stalledSeconds: 0, stallCount: 0, currentRendition: '360p', bitrateKbps: 800, httpBytes: 1_000_000, p2pBytesDown: 0, p2pBytesUp: 0, errors: 0 };
    const posted = await fetch(`${relay.baseUrl}/api/v1/qoe`, { method: 'POST', headers: { 'Content-Type': 'application/json' }, body: JSON.stringify(report) });
    assert.equal(posted.status, 204);
  });

  after(async () => {
    await encoder?.stop();
    await catalog?.close();
    if (!relayStopped) await relay?.stop();
    await ingest?.stop();
    for (const socket of silentSockets) socket.destroy();
    await new Promise((resolve) => silent?.close(resolve));
    if (catalogDir) await rm(catalogDir, { recursive: true, force: true });
  });

  it("shows the relay's viewer and bandwidth, read from the tiers' /metrics", async () => {
    const snapshot = await waitFor('the viewer on the dashboard', async () => {
      const found = await dashboard();
      return found.now?.viewers?.total === 1 && (found.now.bandwidth?.relays[0]?.upstreamBps ?? null) !== null ? found : undefined;
    }, 30_000);
    assert.deepEqual(snapshot.needsMetrics, [], 'with tiers to read, nothing needs Prometheus');
    assert.deepEqual(snapshot.now!.viewers!.byLesson.map((lesson) => [lesson.id, lesson.viewers]), [[lessonId, 1]]);
    const [cityRelay] = snapshot.now!.bandwidth!.relays;
    assert.equal(cityRelay!.node, 'test-relay');
    assert.deepEqual(cityRelay!.upstreams, [{ url: ingest.baseUrl, up: true }]);
    const tiers = new Map(snapshot.tiers.map((tier) => [tier.url, tier]));
    assert.equal(tiers.get(`${ingest.baseUrl}/metrics`)?.ok, true);
    assert.equal(tiers.get(`${relay.baseUrl}/metrics`)?.ok, true);
    assert.equal(tiers.get(`${refusingUrl}/metrics`)?.ok, false);
    assert.equal(tiers.get(`${silentUrl}/metrics`)?.ok, false, 'a tier that never answers times out');
  });

  it('raises "tier unreachable" for the tiers that do not answer, and for the relay once it stops', async () => {
    const alarmIds = async () => (await dashboard()).alarms.map((alarm) => alarm.id);
    const { alarms: active } = await dashboard();
    const ids = active.map((alarm) => alarm.id);
    assert.match(active.find((alarm) => alarm.id === `tier-unreachable:${refusingUrl}/metrics`)?.message ?? '', /ECONNREFUSED/);
    assert.match(active.find((alarm) => alarm.id === `tier-unreachable:${silentUrl}/metrics`)?.message ?? '', /timeout/);
    assert.ok(ids.includes(`tier-unreachable:${refusingUrl}/metrics`), ids.join(', '));
    assert.ok(ids.includes(`tier-unreachable:${silentUrl}/metrics`), ids.join(', '));
    assert.ok(!ids.includes(`tier-unreachable:${relay.baseUrl}/metrics`), 'the running relay is reachable');
    const alarmMetrics = await (await fetch(`${catalogUrl()}/metrics/alarms`)).text();
    assert.match(alarmMetrics, /classcast_alarms_active\{kind="tier-unreachable",severity="critical"[^}]*\} 2/);

    const relayMetrics = `${relay.baseUrl}/metrics`;
    relayStopped = true;
    await relay.stop();
    await waitFor('the stopped relay to be an alarm', async () => (await alarmIds()).includes(`tier-unreachable:${relayMetrics}`), 20_000);
  });
});
