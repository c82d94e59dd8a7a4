// The relay's hot path: a plain GET for an object already fresh in memory is answered straight
// from node's HTTP server, before express. A profile of the throughput benchmark showed the
// express router and response helpers costing about a fifth of the relay's CPU per hot segment;
// everything unusual (Range, conditional requests, HEAD, misses, refused tokens) still goes the
// full way through relay-routes.ts, which owns the semantics. The query string (a protected
// lesson's `?token=`) is not part of the cache key: the object is looked up by its path alone.
import type { IncomingMessage, ServerResponse } from 'node:http';
import { isFollowedPlaylist, isMediaRequestError, parseMediaRequest } from '../origin/media-request.ts';
import type { PlaybackGuard } from '../origin/playback-guard.ts';
import type { ObjectStore } from './object-store.ts';
import type { Prefetcher } from './prefetch.ts';
import type { RelayStats } from './relay-stats.ts';
import { responseHeaders } from './relay-routes.ts';

export function relayHotPath(store: ObjectStore, prefetcher: Prefetcher, stats: RelayStats, guard: PlaybackGuard) {
  return (request: IncomingMessage, response: ServerResponse): boolean => {
    const url = request.url;
    const space = url?.startsWith('/live/') ? 'live' : url?.startsWith('/vod/') ? 'vod' : undefined;
    if (request.method !== 'GET' || !url || !space) return false;
    const headers = request.headers;
    if (headers.range !== undefined || headers['if-none-match'] !== undefined || headers['if-modified-since'] !== undefined) return false;
    const query = url.indexOf('?');
    const parts = (query >= 0 ? url.slice(0, query) : url).slice(`/${space}/`.length).split('/');
    if (parts.length < 2 || parts.length > 3) return false;
    const media = parseMediaRequest(parts, space);
    if (isMediaRequestError(media)) return false;
    const cached = store.inMemory(media.path);
    if (!cached) return false;
    if (cached.headers.protected && !guard.check(space, media.lessonId, url, headers).ok) return false;
    stats.requests++;
    stats.hits++;
    stats.bytesToViewers += cached.body.length;
    if (isFollowedPlaylist(media)) prefetcher.viewed(media.path);
    response.writeHead(200, {
      ...responseHeaders(cached.headers),
      ETag: cached.etag,
      'Content-Length': cached.body.length,
    });
    response.end(cached.body);
    return true;
  };
}
