// One cluster node as a real process: `node bin/classcast.js <role> --config <file>`, its output in a
// log file, ready once its /healthz answers, stopped with SIGTERM and then SIGKILL after a bound.
// Each node leads its own process group, so its ffmpeg children go with it when it is killed, as
// they would with the machine, and a check of the group shows that nothing of it is left.
import { spawn, type ChildProcess } from 'node:child_process';
import { closeSync, openSync, readFileSync } from 'node:fs';
import type { Socket } from 'node:net';
import { fileURLToPath } from 'node:url';
import { environmentOptions } from '../../services/core/config/load.ts';

export type NodeProcess = {
  id: string;
  pid: number;
  logFile: string;
  /** Resolves when the process has exited (with its code, or null after a signal). */
  exited: Promise<number | null>;
  running(): boolean;
  /** SIGTERM (a clean close), then SIGKILL to the whole group if it is still there after `boundMs`. */
  stop(boundMs?: number): Promise<void>;
  /** SIGKILL to the node and its children at once, as when its machine dies. */
  kill(): Promise<void>;
  /** True while any process of the node's group (the node or a child it started) is alive. */
  groupAlive(): boolean;
};

export type NodeProcessOptions = {
  id: string;
  role: string;
  configFile: string;
  logFile: string;
  /** Where its /healthz is, e.g. http://127.0.0.1:8080. */
  httpUrl: string;
  readyTimeoutMs?: number;
};

const repoRoot = fileURLToPath(new URL('../../', import.meta.url));
const defaultStopBoundMs = 10_000;

export async function startNodeProcess(options: NodeProcessOptions): Promise<NodeProcess> {
  const logFd = openSync(options.logFile, 'a');
  const child = spawn(process.execPath, ['bin/classcast.js', options.role, '--config', options.configFile], {
    cwd: repoRoot,
    env: configFileOnlyEnv(),
    stdio: ['ignore', logFd, logFd],
    detached: true,
  });
  closeSync(logFd);
  if (child.pid === undefined) throw new Error(`${options.id}: could not start ${process.execPath} bin/classcast.js ${options.role}`);
  const pid = child.pid;
  const exited = new Promise<number | null>((resolve) => {
    child.once('error', () => resolve(null));
    child.once('exit', (code) => resolve(code));
  });
  const watchdog = startWatchdog(pid);
  void exited.then(() => watchdog.kill());
  const running = () => child.exitCode === null && child.signalCode === null;
  const groupAlive = () => signalGroup(pid, 0);

  const node: NodeProcess = {
    id: options.id,
    pid,
    logFile: options.logFile,
    exited,
    running,
    groupAlive,
    async stop(boundMs = defaultStopBoundMs) {
      if (running()) child.kill('SIGTERM');
      const timer = setTimeout(() => signalGroup(pid, 'SIGKILL'), boundMs);
      await exited;
      clearTimeout(timer);
      // Children a clean close left behind (tsx's esbuild service, for one) go with the node.
      await killGroup(pid);
    },
    async kill() {
      await killGroup(pid);
      await exited;
    },
  };
  try {
    await waitForHealth(node, options, child);
  } catch (error) {
    await node.kill();
    throw error;
  }
  return node;
}

/**
 * The config file alone decides: CLASSCAST_* variables and DATABASE_URL in the caller's environment
 * would override it (environment beats file), and every node would get the same port or database.
 */
function configFileOnlyEnv(): NodeJS.ProcessEnv {
  const env = { ...process.env };
  for (const name of [...Object.keys(environmentOptions), 'CLASSCAST_CONFIG']) delete env[name];
  return env;
}

async function waitForHealth(node: NodeProcess, options: NodeProcessOptions, child: ChildProcess): Promise<void> {
  const deadline = Date.now() + (options.readyTimeoutMs ?? 60_000);
  for (;;) {
    if (!node.running()) throw new Error(`${options.id} (${options.role}) exited at start-up (code ${child.exitCode ?? child.signalCode}); its log ${options.logFile} ends:\n${logTail(options.logFile)}`);
    try {
      const response = await fetch(`${options.httpUrl}/healthz`, { signal: AbortSignal.timeout(2000) });
      if (response.ok) return;
    } catch {
      // Not listening yet.
    }
    if (Date.now() > deadline) throw new Error(`${options.id}: ${options.httpUrl}/healthz did not answer within ${(options.readyTimeoutMs ?? 60_000) / 1000} s; its log ${options.logFile} ends:\n${logTail(options.logFile)}`);
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
}

export function logTail(file: string, chars = 2000): string {
  try {
    return readFileSync(file, 'utf8').slice(-chars);
  } catch {
    return '(no log)';
  }
}

/** SIGKILL to the group led by `pid`, resolving once none of it is left (or after a bound: the error names it). */
async function killGroup(pid: number): Promise<void> {
  const deadline = Date.now() + 5000;
  while (signalGroup(pid, 'SIGKILL')) {
    if (Date.now() > deadline) throw new Error(`process group ${pid} is still there 5 s after SIGKILL`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

/** Sends `signal` to the process group led by `pid`; false when no process of it is left. */
function signalGroup(pid: number, signal: NodeJS.Signals | 0): boolean {
  try {
    process.kill(-pid, signal);
    return true;
  } catch {
    return false;
  }
}

/**
 * A node leads its own group, so a Ctrl-C in the terminal reaches only the cluster script, which
 * stops the nodes in order. If the script itself is killed outright, this shell sees its pipe
 * close and stops the node's group, so no node outlives it.
 */
function startWatchdog(pid: number): ChildProcess {
  const script = `read _; kill -TERM -- -${pid} 2>/dev/null; sleep 5; kill -KILL -- -${pid} 2>/dev/null`;
  const watchdog = spawn('sh', ['-c', script], { stdio: ['pipe', 'ignore', 'ignore'], detached: true });
  watchdog.unref();
  // A child's stdin pipe is a net.Socket; unreferenced, it no longer keeps this process alive.
  (watchdog.stdin as Socket).unref();
  return watchdog;
}
