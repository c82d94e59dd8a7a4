// The herd benchmark's slow origin, run in a child process of its own (slow-origin-server.ts) so
// the clients receiving bytes in the benchmark's process do not delay its timers. It reports each
// request and each finished delivery back over IPC.
import { fork } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import type { Cleanup } from './cleanup.ts';
import { stopOnCleanup } from './stop-child.ts';

export type SlowOriginSettings = {
  segmentBytes: number;
  /** How long the origin takes to send a segment: headers at once, then the body in even pieces. */
  originMs: number;
  originPieces: number;
};

export type Delivery = { startMs: number; endMs?: number };

export type SlowOrigin = {
  port: number;
  /** Per path, how many requests the origin has had. */
  requests: Map<string, number>;
  /** Per path, the origin's first delivery of it. */
  deliveries: Map<string, Delivery>;
};

export type SlowOriginMessage = { type: 'listening'; port: number } | { type: 'request'; path: string } | { type: 'delivered'; path: string; startMs: number; endMs: number };

const server = fileURLToPath(new URL('./slow-origin-server.ts', import.meta.url));

export async function startSlowOrigin(settings: SlowOriginSettings, cleanup: Cleanup): Promise<SlowOrigin> {
  const child = fork(server, [JSON.stringify(settings)], { execArgv: ['--import', 'tsx'], stdio: ['ignore', 'inherit', 'inherit', 'ipc'] });
  const exited = stopOnCleanup(child, cleanup);
  const requests = new Map<string, number>();
  const deliveries = new Map<string, Delivery>();
  const port = await new Promise<number>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error('the slow origin did not start within 20 s')), 20_000);
    child.on('message', (message: SlowOriginMessage) => {
      if (message.type === 'listening') {
        clearTimeout(timer);
        resolve(message.port);
      } else if (message.type === 'request') {
        requests.set(message.path, (requests.get(message.path) ?? 0) + 1);
      } else if (!deliveries.has(message.path)) {
        deliveries.set(message.path, { startMs: message.startMs, endMs: message.endMs });
      }
    });
    void exited.then(() => reject(new Error('the slow origin exited at start')));
  });
  return { port, requests, deliveries };
}
