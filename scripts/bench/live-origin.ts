// The viewers benchmark's fake live origin, run in a child process of its own
// (live-origin-server.ts) so the viewers' load in the benchmark's process does not delay its
// clock. `stats()` asks it over IPC for its counts.
import { fork } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import type { Cleanup } from './cleanup.ts';
import { stopOnCleanup } from './stop-child.ts';

/** One live rendition: a segment of `segmentBytes` every `segmentSeconds`, the newest `playlistWindow` listed. */
export type LiveRendition = { playlistPath: string; initFile: string; segmentSeconds: number; segmentBytes: number; playlistWindow: number };

export type LiveOriginStats = { segmentsPublished: number; segmentRequests: number; playlistRequests: number };

export type LiveOriginMessage = { type: 'listening'; port: number } | ({ type: 'stats' } & LiveOriginStats);

export type LiveOrigin = { port: number; stats(): Promise<LiveOriginStats> };

const server = fileURLToPath(new URL('./live-origin-server.ts', import.meta.url));

export async function startLiveOrigin(rendition: LiveRendition, cleanup: Cleanup): Promise<LiveOrigin> {
  const child = fork(server, [JSON.stringify(rendition)], { execArgv: ['--import', 'tsx'], stdio: ['ignore', 'inherit', 'inherit', 'ipc'] });
  const exited = stopOnCleanup(child, cleanup);
  const messages: Array<(message: LiveOriginMessage) => void> = [];
  child.on('message', (message: LiveOriginMessage) => messages.shift()?.(message));
  const next = () =>
    new Promise<LiveOriginMessage>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error('the live origin did not answer within 20 s')), 20_000);
      messages.push((message) => {
        clearTimeout(timer);
        resolve(message);
      });
    });
  const listening = await Promise.race([next(), exited.then(() => Promise.reject(new Error('the live origin exited at start')))]);
  if (listening.type !== 'listening') throw new Error('the live origin did not report its port');
  return {
    port: listening.port,
    async stats() {
      const answer = next();
      child.send('stats');
      const message = await answer;
      if (message.type !== 'stats') throw new Error('the live origin did not report its counts');
      return { segmentsPublished: message.segmentsPublished, segmentRequests: message.segmentRequests, playlistRequests: message.playlistRequests };
    },
  };
}
