// `classcast all`: the whole platform in one process, the embedded default: province ingest with
// its origin, the catalog API and the web pages (all over one catalog database), a city relay, a P2P
// tracker on each of the two (the relay's is the one the watch page uses), the operator dashboard
// reading them all, and a demo school encoder so a lesson is live at once.
import type { Request } from 'express';
import type { Config } from '../core/config/schema.ts';
import { findMediaTool } from '../core/ffmpeg-binary.ts';
import type { Logger } from '../core/log.ts';
import type { Database } from '../catalog/db/database.ts';
import { openDatabase } from '../catalog/db/open-database.ts';
import { ensureDemoClassroom } from '../catalog/ingest/demo-school.ts';
import { playerIsBuilt } from '../web/pages.ts';
import { buildPlayer } from '../../player/build.ts';
import { startDemoEncoder, type DemoEncoder } from '../../scripts/demo/demo-encoder.ts';
import { announceSetup, catalogWebRoutes } from './catalog-web.ts';
import { startCatalogJobs } from '../catalog/jobs/catalog-jobs.ts';
import { startJobQueue } from '../catalog/jobs/job-queue.ts';
import { startIngestRole, type IngestRole } from './ingest.ts';
import { startRelayRole, type RelayRole } from './relay.ts';
import type { Dashboard } from '../stats/dashboard-service.ts';
import { createOperatorDashboard } from './operator-dashboard.ts';
import type { RunningRole } from './running-role.ts';
import { mountHands } from '../hands/mount-hands.ts';

export async function startAll(config: Config, log: Logger): Promise<RunningRole> {
  if (!playerIsBuilt()) await buildPlayer();
  const db = await openDatabase(config, log);
  const queue = await startJobQueue(db, log.child({ part: 'jobs' })).catch(async (error: unknown) => {
    await db.close();
    throw error;
  });
  let role: IngestRole | undefined;
  let relay: RelayRole | undefined;
  let setupUrl: { setup?: string } = {};
  let dashboard: Dashboard | undefined;
  try {
    // The demo classroom lives in a demo school, so its ad-hoc lesson shows in the timetable.
    if (config.demo.enabled) await demoKey(db, config);
    // The watch page plays through the city relay, as a viewer in a city would, and from the
    // province origin when the relay fails (unless web.mediaUrls names other relays).
    let relayPort = 0;
    // The dashboard reads this process's own tiers as a Prometheus would: their /metrics, over loopback.
    const loopback = `http://${loopbackHost(config.http.host)}`;
    dashboard = createOperatorDashboard(config, db, log, {
      metrics: [
        { tier: 'ingest', url: () => `${loopback}:${role?.httpPort ?? 0}/metrics` },
        { tier: 'relay', url: () => `${loopback}:${relayPort}/metrics` },
      ],
      disks: () => (role ? [{ node: config.node.id, state: role.ingest.diskState() }] : []),
    });
    const mediaBase = (request: Request) => [relayPort, role?.httpPort ?? 0].map((port) => `${request.protocol}://${request.hostname}:${port}`);
    const routers = catalogWebRoutes({ db, config, log, jobs: queue, rtmpPort: () => role?.ingest.rtmpPort ?? config.rtmp.port, mediaBase, dashboard });
    role = await startIngestRole(config, log, {
      db,
      routers,
      jobs: queue,
      withServer: (server, metrics) => mountHands(server, metrics, db, config, log),
      viewerFigures: () => (dashboard ? dashboard.viewerFigures() : Promise.resolve(null)),
    });
    const relayConfig = { ...config, node: { id: `${config.node.id}-city-relay` }, relay: { ...config.relay, upstreams: [`http://127.0.0.1:${role.httpPort}`] } };
    relay = await startRelayRole(relayConfig, log.child({ role: 'relay' }), { port: config.relay.port, db });
    relayPort = relay.httpPort;
    setupUrl = await announceSetup(db, config, log, role.httpPort);
  } catch (error) {
    await relay?.close();
    await role?.close();
    await queue.close();
    await db.close();
    throw error;
  }
  const jobs = await startCatalogJobs(db, config, log, queue);
  const operatorDashboard = dashboard;
  operatorDashboard.start();
  const ingestRole = role;
  const cityRelay = relay;

  let encoder: DemoEncoder | undefined;
  let stopping = false;
  const startEncoder = async () => {
    if (!config.demo.enabled || stopping) return;
    // Read each time: an operator may have rotated the demo classroom's key.
    const key = await demoKey(db, config).catch((error: unknown) => {
      log.warn('demo classroom not readable from the catalog; retrying', { error });
      return undefined;
    });
    if (stopping) return;
    if (!key) return void setTimeout(() => void startEncoder(), 2000);
    encoder = startDemoEncoder({
      ffmpegPath: findMediaTool('ffmpeg', config.ffmpegPath),
      rtmpUrl: `rtmp://127.0.0.1:${ingestRole.ingest.rtmpPort}/live/${key}`,
      width: config.demo.width,
      height: config.demo.height,
      fps: config.demo.fps,
      audio: true,
      title: 'Classcast demo lesson',
    });
    void encoder.exited.then((code) => {
      if (stopping) return;
      // A demo that stops is restarted: the platform should always have something live to show.
      log.warn('demo encoder exited, restarting', { code, stderr: encoder?.stderrTail().slice(-500) });
      setTimeout(() => void startEncoder(), 2000);
    });
  };
  await startEncoder();
  if (config.demo.enabled) log.info('demo encoder pushing', { classroom: config.demo.classroomId });

  return {
    urls: { ...ingestRole.urls, ...cityRelay.urls, watch: `http://localhost:${ingestRole.httpPort}/`, ...setupUrl },
    async close() {
      stopping = true;
      await encoder?.stop();
      await operatorDashboard.close();
      await cityRelay.close();
      await ingestRole.close();
      await jobs.close();
      await queue.close();
      await db.close();
    },
  };
}

/** Where this process reaches its own HTTP servers: loopback when they listen on every address. */
function loopbackHost(host: string): string {
  if (host === '0.0.0.0' || host === '::') return '127.0.0.1';
  return host.includes(':') ? `[${host}]` : host;
}

/** The demo classroom's key in the catalog (created with the configured key, or a random one). */
function demoKey(db: Database, config: Config): Promise<string> {
  const configured = config.classrooms.find((classroom) => classroom.id === config.demo.classroomId);
  return ensureDemoClassroom(db, config.demo.classroomId, configured?.key, config.web.defaultLocale);
}
