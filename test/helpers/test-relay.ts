// A relay for a test, in process, on a free loopback port, with its own throwaway data directory.
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { ConfigInput } from '../../services/core/config/schema.ts';
import { resolveConfig } from '../../services/core/config/load.ts';
import { createLogger, setLogLevel } from '../../services/core/log.ts';
import { startRelayRole, type RelayRole, type RelayRoleOptions } from '../../services/roles/relay.ts';

export type TestRelay = RelayRole & { baseUrl: string; dataDir: string; stop(options?: { keepData?: boolean }): Promise<void> };

export async function startTestRelay(
  upstreams: string[],
  relay: Partial<NonNullable<ConfigInput['relay']>> = {},
  dataDir?: string,
  options: RelayRoleOptions = {},
): Promise<TestRelay> {
  const dir = dataDir ?? (await mkdtemp(join(tmpdir(), 'classcast-relay-')));
  setLogLevel((process.env.CLASSCAST_TEST_LOG as 'debug' | 'info' | undefined) ?? 'warn');
  const config = resolveConfig([
    { source: 'test', values: { dataDir: dir, node: { id: 'test-relay' }, http: { host: '127.0.0.1', port: 0 }, relay: { upstreams, ...relay } } },
  ]);
  const role = await startRelayRole(config, createLogger({ role: 'relay', node: 'test-relay' }), options);
  return {
    ...role,
    dataDir: dir,
    baseUrl: `http://127.0.0.1:${role.httpPort}`,
    async stop(options = {}) {
      await role.close();
      if (!options.keepData) await rm(dir, { recursive: true, force: true, maxRetries: 5 }).catch((error: Error) => {
        // A folder left in /tmp is no failure of the test; a throw here would skip the rest of the
        // suite's clean-up and leave its encoder running, so the test file would never end.
        process.stderr.write(`test relay: could not remove ${dir}: ${error.message}\n`);
      });
    },
  };
}
