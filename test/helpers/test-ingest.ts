// An ingest node for a test: real RTMP and HTTP on free loopback ports, a throwaway data directory,
// and an in-memory catalog (PGlite) unless the test names a database. Classrooms given in the
// overrides are created in that catalog at start, as `--classroom ID:KEY` does.
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Config, ConfigInput } from '../../services/core/config/schema.ts';
import { resolveConfig } from '../../services/core/config/load.ts';
import { createLogger, setLogLevel } from '../../services/core/log.ts';
import { playbackSettingsFrom } from '../../services/core/config/playback-settings.ts';
import { startIngestRole, type IngestRole, type IngestRoleOptions } from '../../services/roles/ingest.ts';
import { pageRoutes, type MediaBase } from '../../services/web/pages.ts';

export type TestIngest = IngestRole & { config: Config; dataDir: string; baseUrl: string; rtmpUrl(key: string): string; stop(): Promise<void> };

/** `mediaBase` makes the watch page fetch media from elsewhere (a relay) instead of this origin; `options` go to the role. */
export async function startTestIngest(overrides: Partial<ConfigInput> = {}, mediaBase?: MediaBase, options: IngestRoleOptions = {}): Promise<TestIngest> {
  const dataDir = await mkdtemp(join(tmpdir(), 'classcast-test-'));
  setLogLevel((process.env.CLASSCAST_TEST_LOG as 'debug' | 'info' | undefined) ?? 'warn');
  const config = resolveConfig([
    {
      source: 'test',
      values: { dataDir, databaseUrl: 'memory://', http: { host: '127.0.0.1', port: 0 }, rtmp: { host: '127.0.0.1', port: 0 }, demo: { enabled: false }, ...overrides },
    },
  ]);
  // Watch pages signed with the tiers' secrets, so their quality reports are taken (viewer-session.ts).
  const viewerSessions = { secrets: (options.playback ?? playbackSettingsFrom(config)).secrets };
  const role = await startIngestRole(config, createLogger({ role: 'ingest', node: 'test' }), { ...options, routers: [pageRoutes(mediaBase, undefined, viewerSessions), ...(options.routers ?? [])] });
  return {
    ...role,
    config,
    dataDir,
    baseUrl: `http://127.0.0.1:${role.httpPort}`,
    rtmpUrl: (key) => `rtmp://127.0.0.1:${role.ingest.rtmpPort}/live/${key}`,
    async stop() {
      await role.close();
      await rm(dataDir, { recursive: true, force: true, maxRetries: 5 }).catch((error: Error) => {
        // A folder left in /tmp is no failure of the test; a throw here would skip the rest of the
        // suite's clean-up and leave its encoder running, so the test file would never end.
        process.stderr.write(`test ingest: could not remove ${dataDir}: ${error.message}\n`);
      });
    },
  };
}
