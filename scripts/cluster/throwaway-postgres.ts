// A real PostgreSQL from Debian's binaries, for the tests and the local cluster (npm run cluster): a
// fresh cluster (initdb) in a temporary folder, listening on a free loopback port, gone when stopped
// or when the process that started it exits. The catalog's data layer runs the same tests here as
// on PGlite, so the two cannot drift apart.
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { chownSync, closeSync, existsSync, mkdtempSync, openSync, readdirSync, readFileSync, realpathSync, rmSync } from 'node:fs';
import type { Socket } from 'node:net';
import { tmpdir } from 'node:os';
import { delimiter, dirname, join } from 'node:path';
import pg from 'pg';
import { freePort } from '../../services/core/port-check.ts';

export type ThrowawayPostgres = {
  /** A URL for one database of the cluster (trust authentication: no password). */
  url(database: string): string;
  /** Creates a new empty database (named `name`, or a fresh test name) and returns its URL. */
  createDatabase(name?: string): Promise<string>;
  /** Stops the server and removes its folder; safe to call twice. */
  stop(): Promise<void>;
};

const user = 'classcast';
const readyTimeoutMs = 30_000;

/** The folder holding initdb, pg_ctl and postgres: PG_BIN_DIR, else Debian's newest, else PATH. */
export function findPostgresBinDir(): string | undefined {
  if (process.env.PG_BIN_DIR) return process.env.PG_BIN_DIR;
  const debianRoot = '/usr/lib/postgresql';
  const versions = existsSync(debianRoot) ? readdirSync(debianRoot).filter((name) => /^\d+$/.test(name)).sort((a, b) => Number(b) - Number(a)) : [];
  const debian = versions.map((version) => join(debianRoot, version, 'bin')).find((dir) => existsSync(join(dir, 'initdb')));
  if (debian) return debian;
  // A symlinked initdb on PATH stands for the folder it really lives in, where postgres is too.
  const onPath = (process.env.PATH ?? '').split(delimiter).map((dir) => join(dir, 'initdb')).find((file) => existsSync(file));
  return onPath ? dirname(realpathSync(onPath)) : undefined;
}

function postgresBinDir(): string {
  const dir = findPostgresBinDir();
  if (!dir) throw new Error("PostgreSQL binaries not found (no /usr/lib/postgresql/*/bin/initdb, none on PATH): install Debian's postgresql (apt-get install -y postgresql) or set PG_BIN_DIR");
  return dir;
}

/** PostgreSQL refuses to run as root, so root runs it as the `postgres` system user. */
function serverUser(): { uid: number; gid: number } | undefined {
  if (process.getuid?.() !== 0) return undefined;
  const line = readFileSync('/etc/passwd', 'utf8').split('\n').find((entry) => entry.startsWith('postgres:'));
  const [, , uid, gid] = line?.split(':') ?? [];
  if (uid === undefined || gid === undefined) throw new Error("running as root, but there is no `postgres` user to run PostgreSQL as: install Debian's postgresql package, or run the tests as another user");
  return { uid: Number(uid), gid: Number(gid) };
}

export async function startThrowawayPostgres(): Promise<ThrowawayPostgres> {
  const bin = postgresBinDir();
  const runAs = serverUser();
  const dir = mkdtempSync(join(tmpdir(), 'classcast-pg-'));
  const dataDir = join(dir, 'data');
  const logFile = join(dir, 'postgres.log');
  if (runAs) chownSync(dir, runAs.uid, runAs.gid);
  const asServer = { cwd: dir, ...runAs };

  const initdb = spawnSync(join(bin, 'initdb'), ['-D', dataDir, '-A', 'trust', '-U', user, '-E', 'UTF8', '--locale=C', '--no-sync', '--no-instructions'], { ...asServer, encoding: 'utf8' });
  if (initdb.status !== 0) {
    rmSync(dir, { recursive: true, force: true });
    throw new Error(`initdb failed (${join(bin, 'initdb')}): ${initdb.error?.message ?? initdb.stderr}`);
  }

  const port = await freePort();
  const logFd = openSync(logFile, 'w');
  // Durability is pointless for a cluster that is deleted after the run; skipping it saves seconds.
  const server = spawn(
    join(bin, 'postgres'),
    ['-D', dataDir, '-p', String(port), '-c', 'listen_addresses=127.0.0.1', '-c', `unix_socket_directories=${dir}`, '-c', 'fsync=off', '-c', 'synchronous_commit=off', '-c', 'full_page_writes=off'],
    { ...asServer, stdio: ['ignore', logFd, logFd] },
  );
  closeSync(logFd);
  let spawnError: Error | undefined;
  server.once('error', (error) => (spawnError = error));
  // The server must not keep a finished process alive; the exit hook below stops it.
  server.unref();
  const watchdog = startWatchdog(server, dir);
  let stopped = false;

  const stopNow = () => {
    if (stopped) return;
    stopped = true;
    process.off('exit', stopNow);
    // pg_ctl waits until the server has really gone, so the folder can be removed under it.
    if (server.exitCode === null && server.signalCode === null) spawnSync(join(bin, 'pg_ctl'), ['stop', '-D', dataDir, '-m', 'immediate', '-w', '-s'], asServer);
    rmSync(dir, { recursive: true, force: true });
    watchdog.kill();
  };
  process.on('exit', stopNow);

  const url = (database: string) => `postgres://${user}@127.0.0.1:${port}/${database}`;
  try {
    await waitUntilReady(url('postgres'), server, logFile, () => spawnError);
  } catch (error) {
    stopNow();
    throw error;
  }

  let databases = 0;
  return {
    url,
    async createDatabase(name = `test_${process.pid}_${++databases}`) {
      if (!/^[a-z_][a-z0-9_]*$/.test(name)) throw new Error(`'${name}' is not a plain database name (lowercase letters, digits, "_")`);
      const admin = new pg.Client({ connectionString: url('postgres') });
      await admin.connect();
      try {
        await admin.query(`create database ${name}`);
      } finally {
        await admin.end();
      }
      return url(name);
    },
    stop: async () => stopNow(),
  };
}

async function waitUntilReady(url: string, server: ChildProcess, logFile: string, spawnError: () => Error | undefined): Promise<void> {
  const deadline = Date.now() + readyTimeoutMs;
  for (;;) {
    const error = spawnError();
    if (error) throw new Error(`cannot start postgres: ${error.message}`);
    if (server.exitCode !== null || server.signalCode !== null) throw new Error(`postgres exited at start-up: ${tail(logFile)}`);
    const client = new pg.Client({ connectionString: url });
    try {
      await client.connect();
      await client.end();
      return;
    } catch (error) {
      await client.end().catch(() => {});
      if (Date.now() > deadline) throw new Error(`postgres did not accept connections within ${readyTimeoutMs / 1000} s (${(error as Error).message}): ${tail(logFile)}`);
    }
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

function tail(file: string): string {
  return existsSync(file) ? readFileSync(file, 'utf8').slice(-2000) : '(no log)';
}

/**
 * A process killed outright (SIGKILL, a test runner's timeout) runs no exit hook. This shell waits
 * on a pipe from that process; when the pipe closes without the hook having killed the shell
 * first, it stops the server and removes the folder, so no cluster is left running.
 */
function startWatchdog(server: ChildProcess, dir: string): ChildProcess {
  const script = `read _; kill -QUIT ${server.pid} 2>/dev/null; for i in $(seq 100); do [ -e "$1/data/postmaster.pid" ] || break; sleep 0.1; done; rm -rf "$1"`;
  const watchdog = spawn('sh', ['-c', script, 'watchdog', dir], { stdio: ['pipe', 'ignore', 'ignore'], detached: true });
  watchdog.unref();
  // A child's stdin pipe is a net.Socket; unreferenced, it no longer keeps the process alive.
  (watchdog.stdin as Socket).unref();
  return watchdog;
}
