// A city or school relay: the pieces of a pull-through HLS cache put together. Returns the router
// to mount and what the rest of the node (health, metrics, tests) may read.
import { join, resolve } from 'node:path';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Router } from 'express';
import type { Config } from '../core/config/schema.ts';
import type { Logger } from '../core/log.ts';
import type { PlaybackSettings } from '../core/config/playback-settings.ts';
import { isMediaRequestError, parseMediaRequest } from '../origin/media-request.ts';
import { isTokenId } from '../core/playback-token.ts';
import { createPlaybackGuard, tokenHeader, type PlaybackGuard } from '../origin/playback-guard.ts';
import { openDiskCache, type DiskCache } from './disk-cache.ts';
import { objectSizeLimitsOf } from './object-check.ts';
import { relayHotPath } from './hot-path.ts';
import { createObjectStore, type ObjectStore } from './object-store.ts';
import { createPrefetcher, type Prefetcher } from './prefetch.ts';
import { relayRoutes } from './relay-routes.ts';
import { createRelayStats, type RelayStats } from './relay-stats.ts';
import { createUpstreams, type Upstreams } from './upstreams.ts';

export type Relay = {
  router: Router;
  /** For startHttpServer's fastPath: hot objects answered before express. */
  fastPath: (request: IncomingMessage, response: ServerResponse) => boolean;
  stats: RelayStats;
  /** Read by the P2P tracker beside the relay (viewed-lessons.ts). */
  store: ObjectStore;
  upstreams: Upstreams;
  prefetcher: Prefetcher;
  disk: DiskCache;
  health(): Record<string, unknown>;
  close(): void;
};

/** `playback`: the signed playback secrets and this relay's city, shared with the other tiers. */
export function startRelay(config: Config, log: Logger, playback: PlaybackSettings): Relay {
  const settings = config.relay;
  const guard = createPlaybackGuard(playback);
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
    upstreamHeaders: (path) => upstreamTokenHeader(guard, path),
    sizeLimits: objectSizeLimitsOf(settings),
  });
  const prefetcher = createPrefetcher(store, { idleMs: settings.prefetchIdleSeconds * 1000, stats, log });
  log.info('relay ready', { upstreams: upstreams.states().map((state) => state.url), diskCacheObjects: disk.count() });
  return {
    router: relayRoutes(store, prefetcher, stats, guard),
    fastPath: relayHotPath(store, prefetcher, stats, guard),
    stats,
    store,
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

/**
 * The relay's own token for an upstream fetch, whether or not the lesson turns out protected: the
 * relay cannot know before upstream answers, and one fetch serves every viewer, so it is made for
 * the relay rather than taken from whichever viewer asked first.
 */
function upstreamTokenHeader(guard: PlaybackGuard, path: string): Record<string, string> {
  const space = path.startsWith('/vod/') ? 'vod' : 'live';
  const media = parseMediaRequest(path.slice(`/${space}/`.length).split('/'), space);
  return isMediaRequestError(media) || !isTokenId(media.lessonId) ? {} : { [tokenHeader]: guard.tierToken(space, media.lessonId) };
}
