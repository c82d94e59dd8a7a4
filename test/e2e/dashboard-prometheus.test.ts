// The operator dashboard on Prometheus (dashboard.prometheusUrl): Debian's real `prometheus` scrapes
// a small cluster started here (an ingest node with an encoder pushing, a city relay with a viewer's
// report) every second, and a dashboard reading it with PromQL shows the same figures as the built-in
// dashboard scraping the same tiers itself (within a scrape interval: both are read until they agree):
// the viewers by lesson, the relay and its upstream, the ingest health of the live lesson, the tiers'
// state; the history reaches back over Prometheus's series; and the relay stopped raises the same
// "tier unreachable" alarm on both.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Database } from '../../services/catalog/db/database.ts';
import { openDatabase } from '../../services/catalog/db/open-database.ts';
import { resolveConfig } from '../../services/core/config/load.ts';
import { createLogger, setLogLevel } from '../../services/core/log.ts';
import { freePort } from '../../services/core/port-check.ts';
import { playbackSettingsFrom } from '../../services/core/config/playback-settings.ts';
import { signViewerSession } from '../../services/core/viewer-session.ts';
import { createDashboard, type Dashboard, type DashboardSnapshot } from '../../services/stats/dashboard-service.ts';
import { dashboardSources } from '../../services/stats/dashboard-tiers.ts';
import type { DemoEncoder } from '../../scripts/demo/demo-encoder.ts';
import { fetchPlaylist, pushTestPattern } from '../helpers/media.ts';
import { startTestIngest, type TestIngest } from '../helpers/test-ingest.ts';
import { startTestRelay, type TestRelay } from '../helpers/test-relay.ts';
import { waitFor } from '../helpers/wait-for.ts';

const prometheusBinary = process.env.PROMETHEUS_PATH ?? '/usr/bin/prometheus';
const key = 'room-prometheus-key';

describe('the dashboard reads Prometheus', { timeout: 240_000, skip: existsSync(prometheusBinary) ? false : `no ${prometheusBinary} (apt-get install prometheus)` }, () => {
  const log = createLogger({ role: 'catalog', node: 'test' });
  let db: Database;
  let ingest: TestIngest;
  let relay: TestRelay;
  let relayStopped = false;
  let encoder: DemoEncoder | undefined;
  let prometheus: ChildProcess | undefined;
  let prometheusDir: string;
  let prometheusUrl: string;
  let builtIn: Dashboard;
  let fromPrometheus: Dashboard;
  let lessonId: string;

  before(async () => {
    setLogLevel('error');
    db = await openDatabase({ databaseUrl: 'memory://', dataDir: '/tmp' }, log);
    ingest = await startTestIngest({ classrooms: [{ id: 'room-prom', key }] }, undefined, { db });
    relay = await startTestRelay([ingest.baseUrl]);

    prometheusDir = await mkdtemp(join(tmpdir(), 'classcast-prometheus-'));
    const port = await freePort();
    prometheusUrl = `http://127.0.0.1:${port}`;
    const host = (url: string) => new URL(url).host;
    await writeFile(
      join(prometheusDir, 'prometheus.yml'),
      [
        'global: { scrape_interval: 1s, scrape_timeout: 1s, evaluation_interval: 1s }',
        'scrape_configs:',
        `  - { job_name: classcast-ingest, static_configs: [{ targets: ['${host(ingest.baseUrl)}'], labels: { role: ingest } }] }`,
        `  - { job_name: classcast-relay-city, static_configs: [{ targets: ['${host(relay.baseUrl)}'], labels: { role: relay, level: city } }] }`,
      ].join('\n'),
    );
    prometheus = spawn(prometheusBinary, [`--config.file=${join(prometheusDir, 'prometheus.yml')}`, `--storage.tsdb.path=${join(prometheusDir, 'data')}`, `--web.listen-address=127.0.0.1:${port}`, '--log.level=warn'], { stdio: ['ignore', 'ignore', 'inherit'] });
    await waitFor('Prometheus ready', async () => (await fetch(`${prometheusUrl}/-/ready`).catch(() => undefined))?.ok, 60_000);

    const config = resolveConfig([{ source: 'test', values: { demo: { enabled: false }, alarms: { checkSeconds: 1 }, dashboard: { scrapeTimeoutSeconds: 2 } } }]);
    const common = { db, log, node: 'catalog-test', settings: config.alarms, nodeDownSeconds: config.ingest.nodeDownSeconds, scrapeTimeoutMs: 2000 };
    builtIn = createDashboard({ ...common, metrics: [{ tier: 'ingest', url: () => `${ingest.baseUrl}/metrics` }, { tier: 'relay', url: () => `${relay.baseUrl}/metrics` }] });
    fromPrometheus = createDashboard({ ...common, ...dashboardSources({ ...config.dashboard, prometheusUrl }) });

    encoder = pushTestPattern(ingest.rtmpUrl(key), { width: 640, height: 360, fps: 25, audio: true });
    lessonId = await waitFor('the lesson', () => ingest.ingest.lessons.list()[0]?.id, 30_000);
    const media = await waitFor('two segments through the relay', async () => {
      await fetchPlaylist(`${relay.baseUrl}/live/${lessonId}/master.m3u8`).catch(() => undefined);
      const playlist = await fetchPlaylist(`${relay.baseUrl}/live/${lessonId}/360p/index.m3u8`).catch(() => undefined);
      return playlist && playlist.segments.length >= 2 ? playlist : undefined;
    }, 60_000);
    for (const segment of media.segments) await (await fetch(`${relay.baseUrl}/live/${lessonId}/360p/${segment.uri}`)).arrayBuffer();
    // A viewer's report at the relay, under a viewer session signed with the tiers' secret.
    const viewerId = 'b2'.repeat(16);
    const session = signViewerSession(playbackSettingsFrom(resolveConfig([])).secrets, viewerId, Math.floor(Date.now() / 1000) + 3600);
    const report = { viewerId, session, lessonId, cityId: null, schoolId: null, event: 'periodic', startupMs: 900, playingSeconds: 10, stalledSeconds: 0, stallCount: 0, currentRendition: '360p', bitrateKbps: 800, httpBytes: 1_000_000, p2pBytesDown: 0, p2pBytesUp: 0, errors: 0 };
    const posted = await fetch(`${relay.baseUrl}/api/v1/qoe`, { method: 'POST', headers: { 'Content-Type': 'application/json' }, body: JSON.stringify(report) });
    assert.equal(posted.status, 204);
  });

  after(async () => {
    await builtIn?.close();
    await fromPrometheus?.close();
    prometheus?.kill('SIGTERM');
    if (prometheus && prometheus.exitCode === null) await new Promise((resolve) => prometheus!.once('exit', resolve));
    await encoder?.stop();
    if (!relayStopped) await relay?.stop();
    await ingest?.stop();
    await db?.close();
    if (prometheusDir) await rm(prometheusDir, { recursive: true, force: true });
  });

  /** What both dashboards must agree on: the figures of gauges, and which rate figures exist. */
  function comparable(snapshot: DashboardSnapshot) {
    const now = snapshot.now;
    return {
      viewers: now?.viewers?.byLesson.map((lesson) => [lesson.id, lesson.viewers]) ?? null,
      total: now?.viewers?.total ?? null,
      relays: now?.bandwidth?.relays.map((relay) => ({ node: relay.node, upstreams: relay.upstreams, measured: relay.upstreamBps !== null })) ?? null,
      ingest: now?.ingest.map((row) => ({ lesson: row.lessonId, connected: row.connected, keyframeInterval: row.keyframeIntervalSeconds })) ?? null,
      tiers: snapshot.tiers.map((tier) => [tier.tier, tier.url, tier.ok]).sort(),
      alarms: snapshot.alarms.map((alarm) => alarm.id).sort(),
    };
  }

  it("shows the built-in scraper's figures, read with PromQL", async () => {
    const agreed = await waitFor('both dashboards to show the viewer, the relay and the lesson alike', async () => {
      await Promise.all([builtIn.tick(), fromPrometheus.tick()]);
      const [own, prom] = await Promise.all([builtIn.snapshot(60), fromPrometheus.snapshot(60)]);
      const [a, b] = [comparable(own), comparable(prom)];
      const ready = a.total === 1 && a.relays?.[0]?.measured && a.ingest?.length === 1 && a.tiers.every(([, , ok]) => ok);
      return ready && JSON.stringify(a) === JSON.stringify(b) ? { own, prom, figures: b } : undefined;
    }, 60_000, 1000);
    process.stdout.write(`# agreed: ${JSON.stringify(agreed.figures)}\n`);
    assert.deepEqual(agreed.figures.viewers, [[lessonId, 1]]);
    assert.deepEqual(agreed.figures.tiers.map(([tier]) => tier), ['ingest', 'relay']);
    assert.equal(agreed.prom.source, 'prometheus');
    assert.equal(agreed.prom.historyMinutes, 24 * 60);
    assert.deepEqual(agreed.prom.needsMetrics, []);
    const egress = [agreed.own.now!.bandwidth!.relays[0]!.downstreamBps, agreed.prom.now!.bandwidth!.relays[0]!.downstreamBps];
    process.stdout.write(`# relay downstream B/s: built-in ${egress[0]}, Prometheus ${egress[1]}\n`);
    assert.ok(egress.every((value) => typeof value === 'number'), 'both measure the relay bandwidth');
  });

  it("draws the charts from Prometheus's series", async () => {
    const history = await waitFor('a few history points with the viewer', async () => {
      const { history: window } = await fromPrometheus.snapshot(60);
      const viewers = (window.series.viewers ?? []).filter((value) => value === 1);
      return viewers.length >= 3 ? window : undefined;
    }, 60_000, 1000);
    assert.ok(history.times.every((time, index) => index === 0 || time > history.times[index - 1]!), 'points in time order');
    assert.ok(Object.keys(history.series).some((key) => key === `viewers.lesson.${lessonId}`), Object.keys(history.series).join(', '));
    assert.ok(Object.keys(history.series).some((key) => key.startsWith('relay.test-relay.')), 'the relay bandwidth series');
  });

  it('raises the same "tier unreachable" alarm on both when the relay stops', async () => {
    const relayMetrics = `${relay.baseUrl}/metrics`;
    relayStopped = true;
    await relay.stop();
    const alarmOf = async (dashboard: Dashboard) => {
      await dashboard.tick();
      return (await dashboard.snapshot(60)).alarms.find((alarm) => alarm.id === `tier-unreachable:${relayMetrics}`);
    };
    await waitFor('the built-in alarm', () => alarmOf(builtIn), 30_000, 500);
    const alarm = await waitFor('the alarm from Prometheus', () => alarmOf(fromPrometheus), 30_000, 500);
    assert.match(alarm.message, /Prometheus cannot scrape it/);
  });
});
