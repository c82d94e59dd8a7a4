// nginx as the benchmarks' yardstick: a foreground master (daemon off) and its workers on a free
// loopback port, its configuration, logs, pid file and temp paths all in one directory of its own.
import { spawn } from 'node:child_process';
import { mkdir, writeFile } from 'node:fs/promises';
import { userInfo } from 'node:os';
import { join } from 'node:path';
import { freePort } from '../../services/core/port-check.ts';
import type { Cleanup } from './cleanup.ts';
import { childProcesses } from './process-cpu.ts';
import { stopOnCleanup } from './stop-child.ts';
import { benchTool } from './bench-tools.ts';

/** What a benchmark adds to the common configuration, one directive (or line of a block) per entry. */
export type NginxSite = {
  /** Main context, after worker_processes, daemon, pid and error_log. */
  main?: readonly string[];
  /** http context, after no access log, long keep-alive and the temp paths. */
  http: readonly string[];
  /** Parameters of the listen directive after the address, such as `backlog=4096`. */
  listenParameters?: string;
  /** server context, after `location = /healthz`. */
  server: readonly string[];
};

export type NginxProcess = { baseUrl: string; workers: string; /** The master's and its workers' pids. */ pids(): number[] };

/** Starts nginx with `workers` worker processes (`auto`: one per core), stopped by `cleanup`; resolves once it answers /healthz. */
export async function startNginx(dir: string, workers: number | 'auto', site: NginxSite, cleanup: Cleanup): Promise<NginxProcess> {
  await mkdir(dir, { recursive: true });
  const port = await freePort();
  await writeFile(join(dir, 'nginx.conf'), nginxConfig(dir, workers, port, site));
  const child = spawn(benchTool('nginx'), ['-p', `${dir}/`, '-e', join(dir, 'error.log'), '-c', join(dir, 'nginx.conf')], { stdio: ['ignore', 'ignore', 'pipe'] });
  let stderr = '';
  child.stderr.on('data', (chunk: Buffer) => (stderr = (stderr + chunk.toString()).slice(-2000)));
  child.on('error', (error) => (stderr += `\n${error.message} (install it: apt-get install -y nginx-light)`));
  stopOnCleanup(child, cleanup);
  const baseUrl = `http://127.0.0.1:${port}`;
  const deadline = Date.now() + 10_000;
  for (;;) {
    if (child.exitCode !== null) throw new Error(`nginx exited at start: ${stderr.trim()}`);
    const ok = await fetch(`${baseUrl}/healthz`).then((response) => response.ok, () => false);
    if (ok) break;
    if (Date.now() > deadline) throw new Error(`nginx did not answer on ${baseUrl} within 10 s: ${stderr.trim()}`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  const master = child.pid!;
  return { baseUrl, workers: String(workers), pids: () => [master, ...childProcesses(master, 'nginx')] };
}

/** The whole nginx.conf: everything kept in `dir`, one server on 127.0.0.1:`port` with /healthz, plus `site`. */
export function nginxConfig(dir: string, workers: number | 'auto', port: number, site: NginxSite): string {
  const lines = (directives: readonly string[] | undefined, indent: string) => (directives ?? []).map((directive) => `${indent}${directive}\n`).join('');
  // As root, nginx would run its workers as `nobody`, who cannot use our private temp directory.
  const user = process.getuid?.() === 0 ? `user ${userInfo().username};` : '';
  return `${user}
worker_processes ${workers};
daemon off;
pid ${dir}/nginx.pid;
error_log ${dir}/error.log warn;
${lines(site.main, '')}events { worker_connections 4096; }
http {
  access_log off;
  keepalive_timeout 75s;
  keepalive_requests 1000000;
  client_body_temp_path ${dir}/client-body;
  proxy_temp_path ${dir}/proxy;
  fastcgi_temp_path ${dir}/fastcgi;
  uwsgi_temp_path ${dir}/uwsgi;
  scgi_temp_path ${dir}/scgi;
${lines(site.http, '  ')}  server {
    listen 127.0.0.1:${port}${site.listenParameters ? ` ${site.listenParameters}` : ''};
    location = /healthz { return 200 "ok\\n"; }
${lines(site.server, '    ')}  }
}
`;
}
