// The viewers benchmark's simulated HLS viewers, all in this process: each a loop with its own
// keep-alive connection that polls the media playlist, joins at the live edge and downloads each
// new segment as it appears, every fetch timed.
import { Agent, request as httpRequest } from 'node:http';
import { setTimeout as sleep } from 'node:timers/promises';
import type { LiveRendition } from './live-origin.ts';

export type Fetch = { kind: 'playlist' | 'segment'; startedAtMs: number; durationMs: number; bytes: number; ok: boolean };

export type CrowdSettings = { rendition: Pick<LiveRendition, 'playlistPath' | 'initFile' | 'segmentBytes'>; pollMs: number; requestTimeoutMs: number };

export type Crowd = {
  /** Adds viewers until there are `count`, their first polls spread over `spreadMs`. */
  grow(count: number, spreadMs: number): void;
  fetchesBetween(fromMs: number, toMs: number): Fetch[];
  /** Viewers now two or more segments behind the newest segment any viewer has seen listed. */
  behind(): number;
  stop(): Promise<void>;
};

/** Viewers of the rendition at `baseUrl`, none until `grow`, stopped by `stop`. */
export function createCrowd(baseUrl: string, settings: CrowdSettings): Crowd {
  const { playlistPath, initFile, segmentBytes } = settings.rendition;
  const url = new URL(baseUrl);
  const fetches: Fetch[] = [];
  const loops: Array<Promise<void>> = [];
  const agents: Agent[] = [];
  /** Per viewer, the sequence number of the last segment it downloaded (-1 before the first). */
  const lastSegment: number[] = [];
  let newestListed = -1;
  let stopped = false;

  const get = (agent: Agent, path: string, kind: Fetch['kind'] | 'init') =>
    new Promise<string | undefined>((resolve) => {
      const startedAtMs = performance.now();
      const record = (ok: boolean, bytes: number) => {
        if (kind !== 'init') fetches.push({ kind, startedAtMs, durationMs: performance.now() - startedAtMs, bytes, ok });
      };
      const request = httpRequest({ host: url.hostname, port: url.port, path, agent }, (response) => {
        const text: Buffer[] = [];
        let bytes = 0;
        response.on('data', (chunk: Buffer) => {
          bytes += chunk.length;
          if (kind === 'playlist') text.push(chunk);
        });
        response.on('end', () => {
          const ok = response.statusCode === 200 && (kind !== 'segment' || bytes === segmentBytes);
          record(ok, bytes);
          resolve(ok && kind === 'playlist' ? Buffer.concat(text).toString('utf8') : ok ? '' : undefined);
        });
        response.on('error', () => {
          record(false, bytes);
          resolve(undefined);
        });
        // A connection cut mid-body (the benchmark stopping) settles the fetch too; resolving twice is harmless.
        response.on('close', () => resolve(undefined));
      });
      request.setTimeout(settings.requestTimeoutMs, () => request.destroy(new Error('timed out')));
      request.on('error', () => {
        if (!stopped) record(false, 0);
        resolve(undefined);
      });
      request.end();
    });

  const viewer = async (index: number, firstPollDelayMs: number) => {
    const agent = new Agent({ keepAlive: true, maxSockets: 1 });
    agents.push(agent);
    const base = playlistPath.slice(0, playlistPath.lastIndexOf('/') + 1);
    const seen = new Set<string>();
    let joined = false;
    await sleep(firstPollDelayMs);
    while (!stopped) {
      const pollAt = performance.now();
      const playlist = await get(agent, playlistPath, 'playlist');
      const uris = playlist === undefined ? [] : segmentUris(playlist);
      if (uris.length > 0) newestListed = Math.max(newestListed, sequenceOf(uris.at(-1)!));
      if (!joined && uris.length > 0) {
        // Join at the live edge, as a player does: the init segment, then the newest segment.
        joined = true;
        await get(agent, base + initFile, 'init');
        for (const uri of uris.slice(0, -1)) seen.add(uri);
      }
      for (const uri of uris) {
        if (stopped || seen.has(uri)) continue;
        seen.add(uri);
        if ((await get(agent, base + uri, 'segment')) !== undefined) lastSegment[index] = sequenceOf(uri);
      }
      await sleep(Math.max(0, pollAt + settings.pollMs - performance.now()));
    }
  };

  return {
    grow(count, spreadMs) {
      for (let index = loops.length; index < count; index++) {
        lastSegment.push(-1);
        loops.push(viewer(index, Math.random() * spreadMs));
      }
    },
    fetchesBetween: (fromMs, toMs) => fetches.filter((fetch) => fetch.startedAtMs >= fromMs && fetch.startedAtMs < toMs),
    behind: () => lastSegment.filter((sequence) => sequence < newestListed - 1).length,
    async stop() {
      stopped = true;
      // In-flight requests end with their connections; every loop then sees `stopped`.
      for (const agent of agents) agent.destroy();
      await Promise.all(loops);
    },
  };
}

/** `r1-42.m4s` -> 42. */
function sequenceOf(uri: string): number {
  return Number(/-(\d+)\.m4s$/.exec(uri)?.[1] ?? -1);
}

/** The media segment URIs of a playlist, oldest first. */
function segmentUris(playlist: string): string[] {
  return playlist
    .split('\n')
    .map((line) => line.trim())
    .filter((line) => line.length > 0 && !line.startsWith('#'));
}
