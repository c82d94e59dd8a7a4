// `classcast all`: the whole platform in one process, the embedded default: province ingest with
// its origin, the web pages, and a demo school encoder so a lesson is live at once.
import { randomBytes } from 'node:crypto';
import type { Request } from 'express';
import type { Config } from '../core/config/schema.ts';
import { findMediaTool } from '../core/ffmpeg-binary.ts';
import type { Logger } from '../core/log.ts';
import { pageRoutes, playerIsBuilt } from '../web/pages.ts';
import { buildPlayer } from '../../player/build.ts';
import { startDemoEncoder, type DemoEncoder } from '../../scripts/demo/demo-encoder.ts';
import { startIngestRole } from './ingest.ts';
import { startRelayRole } from './relay.ts';
import type { RunningRole } from './running-role.ts';

export async function startAll(config: Config, log: Logger): Promise<RunningRole> {
  if (!playerIsBuilt()) await buildPlayer();
  const demo = config.demo.enabled ? demoClassroom(config) : undefined;
  const withDemo = demo && !config.classrooms.some((classroom) => classroom.id === demo.id) ? { ...config, classrooms: [...config.classrooms, demo] } : config;
  // The watch page plays through the city relay, as a viewer in a city would.
  let relayPort = 0;
  const mediaBase = (request: Request) => `${request.protocol}://${request.hostname}:${relayPort}`;
  const role = await startIngestRole(withDemo, log, [pageRoutes(mediaBase)]);
  const relayConfig = { ...config, node: { id: `${config.node.id}-city-relay` }, relay: { ...config.relay, upstreams: [`http://127.0.0.1:${role.httpPort}`] } };
  const relay = await startRelayRole(relayConfig, log.child({ role: 'relay' }), config.relay.port).catch(async (error: unknown) => {
    await role.close();
    throw error;
  });
  relayPort = relay.httpPort;

  let encoder: DemoEncoder | undefined;
  let stopping = false;
  const startEncoder = () => {
    if (!demo || stopping) return;
    encoder = startDemoEncoder({
      ffmpegPath: findMediaTool('ffmpeg', config.ffmpegPath),
      rtmpUrl: `rtmp://127.0.0.1:${role.ingest.rtmpPort}/live/${demo.key}`,
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
      setTimeout(startEncoder, 2000);
    });
  };
  startEncoder();
  if (demo) log.info('demo encoder pushing', { classroom: demo.id });

  return {
    urls: { ...role.urls, ...relay.urls, watch: `http://localhost:${role.httpPort}/` },
    async close() {
      stopping = true;
      await encoder?.stop();
      await relay.close();
      await role.close();
    },
  };
}

function demoClassroom(config: Config): { id: string; key: string } {
  const configured = config.classrooms.find((classroom) => classroom.id === config.demo.classroomId);
  return configured ?? { id: config.demo.classroomId, key: `demo_${randomBytes(12).toString('hex')}` };
}
