// The relay's hot path: a plain GET for an object already fresh in memory is answered straight
// from node's HTTP server, before express. A profile of the throughput benchmark showed the
// express router and response helpers costing about a fifth of the relay's CPU per hot segment;
// everything unusual (Range, conditional requests, HEAD, query strings, misses) still goes the
// full way through relay-routes.ts, which owns the semantics.
import type { IncomingMessage, ServerResponse } from 'node:http';
import { isMediaRequestError, parseMediaRequest } from '../origin/media-request.ts';
import type { ObjectStore } from './object-store.ts';
import type { Prefetcher } from './prefetch.ts';
import type { RelayStats } from './relay-stats.ts';

export function relayHotPath(store: ObjectStore, prefetcher: Prefetcher, stats: RelayStats) {
  return (request: IncomingMessage, response: ServerResponse): boolean => {
    const url = request.url;
    if (request.method !== 'GET' || !url?.startsWith('/live/') || url.includes('?')) return false;
    const headers = request.headers;
    if (headers.range !== undefined || headers['if-none-match'] !== undefined || headers['if-modified-since'] !== undefined) return false;
    const parts = url.slice('/live/'.length).split('/');
    if (parts.length < 2 || parts.length > 3) return false;
    const media = parseMediaRequest(parts);
    if (isMediaRequestError(media)) return false;
    const cached = store.inMemory(media.path);
    if (!cached) return false;
    stats.requests++;
    stats.hits++;
    stats.bytesToViewers += cached.body.length;
    if (media.kind === 'media-playlist') prefetcher.viewed(media.path);
    response.writeHead(200, {
      'Content-Type': cached.headers.contentType,
      'Cache-Control': cached.headers.cacheControl,
      'Access-Control-Allow-Origin': '*',
      ETag: cached.etag,
      'Content-Length': cached.body.length,
    });
    response.end(cached.body);
    return true;
  };
}
