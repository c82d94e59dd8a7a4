// A city or school relay: the pieces of a pull-through HLS cache put together. Returns the router
// to mount and what the rest of the node (health, metrics, tests) may read.
import { join, resolve } from 'node:path';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Router } from 'express';
import type { Config } from '../core/config/schema.ts';
import type { Logger } from '../core/log.ts';
import { openDiskCache, type DiskCache } from './disk-cache.ts';
import { relayHotPath } from './hot-path.ts';
import { createObjectStore } from './object-store.ts';
import { createPrefetcher, type Prefetcher } from './prefetch.ts';
import { relayRoutes } from './relay-routes.ts';
import { createRelayStats, type RelayStats } from './relay-stats.ts';
import { createUpstreams, type Upstreams } from './upstreams.ts';

export type Relay = {
  router: Router;
  /** For startHttpServer's fastPath: hot objects answered before express. */
  fastPath: (request: IncomingMessage, response: ServerResponse) => boolean;
  stats: RelayStats;
  upstreams: Upstreams;
  prefetcher: Prefetcher;
  disk: DiskCache;
  health(): Record<string, unknown>;
  close(): void;
};

export function startRelay(config: Config, log: Logger): Relay {
  const settings = config.relay;
  const stats = createRelayStats();
  const upstreams = createUpstreams(settings.upstreams, settings.upstreamRetrySeconds * 1000);
  const disk = openDiskCache(join(resolve(config.dataDir), 'relay-cache', config.node.id), settings.diskCacheMb * 1024 * 1024);
  const store = createObjectStore({
    upstreams,
    limits: { firstByteTimeoutMs: settings.firstByteTimeoutMs, stallTimeoutMs: settings.stallTimeoutMs },
    memoryBytes: settings.memoryCacheMb * 1024 * 1024,
    disk,
    stats,
    log,
  });
  const prefetcher = createPrefetcher(store, { idleMs: settings.prefetchIdleSeconds * 1000, stats, log });
  log.info('relay ready', { upstreams: upstreams.states().map((state) => state.url), diskCacheObjects: disk.count() });
  return {
    router: relayRoutes(store, prefetcher, stats),
    fastPath: relayHotPath(store, prefetcher, stats),
    stats,
    upstreams,
    prefetcher,
    disk,
    health: () => ({
      upstreams: upstreams.states().map(({ url, up, lastError }) => ({ url, up, ...(lastError ? { lastError } : {}) })),
      following: prefetcher.following().length,
      cache: { memoryBytes: store.memoryBytes(), diskBytes: disk.size(), diskObjects: disk.count() },
      stats,
    }),
    close: () => prefetcher.close(),
  };
}
