// A relay for the tracker tests, in process on a loopback port, with the tracker settings a test
// wants, and a scripted upstream whose lessons "L1" and "L2" and replay "R1" have a two-variant
// master playlist.
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { resolveConfig } from '../../services/core/config/load.ts';
import { createLogger, setLogLevel } from '../../services/core/log.ts';
import { writeMasterPlaylist } from '../../services/packager/master-playlist.ts';
import { startRelayRole, type RelayRole } from '../../services/roles/relay.ts';
import { defaultTrackerSettings, type TrackerSettings } from '../../services/tracker/tracker-server.ts';
import { expectedInfoHashes, liveSwarmId } from '../../services/tracker/swarm-hashes.ts';
import { startFakeUpstream, type FakeUpstream } from './fake-upstream.ts';

export const lessonMaster = writeMasterPlaylist([
  { width: 1280, height: 720, fps: 30, bandwidth: 3_128_000, averageBandwidth: 2_600_000, codecs: 'avc1.64001f,mp4a.40.2', uri: '720p/live.m3u8' },
  { width: 640, height: 360, fps: 30, bandwidth: 864_000, averageBandwidth: 700_000, codecs: 'avc1.42c01e,mp4a.40.2', uri: '360p/live.m3u8' },
]);

/** The two info hashes viewers of lesson L1 announce. */
export const lessonHashes = expectedInfoHashes(liveSwarmId('L1'), lessonMaster);

export type TrackerRelay = { relay: RelayRole; upstream: FakeUpstream; base: string; trackerUrl: string; stop(): Promise<void> };

export async function startTrackerRelay(tracker: Partial<TrackerSettings>): Promise<TrackerRelay> {
  setLogLevel((process.env.CLASSCAST_TEST_LOG as 'debug' | 'info' | undefined) ?? 'warn');
  const upstream = await startFakeUpstream();
  for (const lesson of ['L1', 'L2']) {
    upstream.handle(`/live/${lesson}/master.m3u8`, (_request, response) => {
      response.writeHead(200, { 'Content-Type': 'application/vnd.apple.mpegurl', 'Cache-Control': 'public, max-age=2' }).end(lessonMaster);
    });
  }
  upstream.handle('/vod/R1/master.m3u8', (_request, response) => {
    response.writeHead(200, { 'Content-Type': 'application/vnd.apple.mpegurl', 'Cache-Control': 'public, max-age=3600' }).end(lessonMaster);
  });
  const dataDir = await mkdtemp(join(tmpdir(), 'classcast-tracker-'));
  const config = resolveConfig([
    { source: 'test', values: { dataDir, node: { id: 'tracker-relay' }, http: { host: '127.0.0.1', port: 0 }, relay: { upstreams: [upstream.url] } } },
  ]);
  const relay = await startRelayRole(config, createLogger({ role: 'relay', node: 'tracker-relay' }), { tracker: { ...defaultTrackerSettings, ...tracker } });
  const base = `http://127.0.0.1:${relay.httpPort}`;
  return {
    relay,
    upstream,
    base,
    trackerUrl: `ws://127.0.0.1:${relay.httpPort}/tracker`,
    async stop() {
      await relay.close();
      await upstream.close();
      await rm(dataDir, { recursive: true, force: true });
    },
  };
}
