// The whole platform (`startAll`: catalog API, pages, ingest, origin, city relay) on free loopback
// ports with an in-memory catalog, as the screenshot script and the catalog journey test use it. The
// first-start setup token is read from the log, where a person installing Classcast finds it.
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { ConfigInput } from '../../services/core/config/schema.ts';
import { resolveConfig } from '../../services/core/config/load.ts';
import { createLogger, setLogLevel, setLogSink } from '../../services/core/log.ts';
import { startAll } from '../../services/roles/all.ts';

export type LogEntry = { level: string; event: string; [field: string]: unknown };

export type Platform = {
  /** http://127.0.0.1:<port>, without a trailing slash. */
  baseUrl: string;
  /** The token from the 'setup token' log line (undefined when the catalog already has an operator). */
  setupToken: string | undefined;
  /** Warnings and errors logged so far (a refused publish, for one), oldest first. */
  warnings: LogEntry[];
  close(): Promise<void>;
};

/** `CLASSCAST_TEST_LOG=info` (or debug) shows the platform's log; otherwise only warnings and errors. */
export async function startPlatform(overrides: Partial<ConfigInput> = {}): Promise<Platform> {
  const dataDir = await mkdtemp(join(tmpdir(), 'classcast-platform-'));
  const shown = process.env.CLASSCAST_TEST_LOG;
  let setupToken: string | undefined;
  const warnings: LogEntry[] = [];
  // The setup token is logged at info, so the log runs at info and this sink drops what was not asked for.
  setLogLevel(shown === 'debug' ? 'debug' : 'info');
  const restoreSink = setLogSink((line) => {
    const entry = JSON.parse(line) as LogEntry;
    if (entry.event === 'setup token' && typeof entry.url === 'string') setupToken = new URL(entry.url).searchParams.get('token') ?? undefined;
    const warning = entry.level === 'warn' || entry.level === 'error';
    if (warning) warnings.push(entry);
    if (shown || warning) process.stderr.write(`${line}\n`);
  });
  const config = resolveConfig([
    {
      source: 'platform',
      values: {
        dataDir,
        databaseUrl: 'memory://',
        http: { host: '127.0.0.1', port: 0 },
        rtmp: { host: '127.0.0.1', port: 0 },
        demo: { enabled: false },
        ...overrides,
        relay: { port: 0, ...overrides.relay },
      },
    },
  ]);
  try {
    const role = await startAll(config, createLogger({ role: 'all', node: 'platform' }));
    const http = role.urls.http;
    if (!http) throw new Error(`startAll gave no http URL: ${JSON.stringify(role.urls)}`);
    return {
      baseUrl: http.replace(/\/$/, ''),
      get setupToken() {
        return setupToken;
      },
      warnings,
      async close() {
        await role.close();
        restoreSink();
        await rm(dataDir, { recursive: true, force: true });
      },
    };
  } catch (error) {
    restoreSink();
    await rm(dataDir, { recursive: true, force: true });
    throw error;
  }
}
