// The relay's hot path: a plain GET for an object already fresh in memory is answered straight
// from node's HTTP server, before express. A profile of the throughput benchmark showed the
// express router and response helpers costing about a fifth of the relay's CPU per hot segment;
// everything unusual (Range, conditional requests, HEAD, misses, refused tokens) still goes the
// full way through relay-routes.ts, which owns the semantics. The query string (a protected
// lesson's `?token=`) and a native player's /t/<token>/ prefix are not part of the cache key: the
// object is looked up by its plain path alone.
// Each object's header fields are built once, the first time it is served hot, and handed to
// writeHead as the flat [name, value, ...] list it accepts: building a header object per response
// (spread, Content-Length number to string) cost about 8 % of the CPU per 500 KB response in a
// side-by-side test (median 135 against 124 µs). node still owns the rest of HTTP/1.1: status
// line, Date, Connection and Keep-Alive (or close when the client asks), and end() corks the
// socket so head and body leave in one writev; the body is one Buffer (flight.ts joins the
// chunks), so that is two iovecs. Writing a prebuilt head straight to the socket would save about
// as much again, but only by going around ServerResponse, which node then never sees finish: it
// holds the connection's next (pipelined or keep-alive) request behind it. What is left is the
// kernel: writev is 70 to 88 % of the busy time under load, and the copy of each body into the
// socket alone (perf: _copy_from_iter) is 37 % of the busy time; nginx's sendfile skips that copy
// and node has no way to (docs/benchmarks.md, relay throughput).
import type { IncomingMessage, ServerResponse } from 'node:http';
import { isMediaRequestError, parseMediaRequest } from '../media-http/media-request.ts';
import { withoutPathToken } from '../media-http/path-token.ts';
import type { PlaybackGuard } from '../media-http/playback-guard.ts';
import { asksForDelta } from '../media-http/delta-playlist.ts';
import { deltaObject } from './cached-delta.ts';
import type { CachedObject, ObjectStore } from './object-store.ts';
import type { Prefetcher } from './prefetch.ts';
import type { RelayStats } from './relay-stats.ts';
import { follow, responseHeaders } from './relay-routes.ts';

export function relayHotPath(store: ObjectStore, prefetcher: Prefetcher, stats: RelayStats, guard: PlaybackGuard) {
  return (request: IncomingMessage, response: ServerResponse): boolean => {
    const url = request.url;
    // A native player's /t/<token>/ prefix: the object is the same, its key the plain path.
    const plain = url === undefined ? undefined : withoutPathToken(url);
    const space = plain?.startsWith('/live/') ? 'live' : plain?.startsWith('/vod/') ? 'vod' : undefined;
    if (request.method !== 'GET' || !url || !plain || !space) return false;
    const headers = request.headers;
    if (headers.range !== undefined || headers['if-none-match'] !== undefined || headers['if-modified-since'] !== undefined) return false;
    const query = plain.indexOf('?');
    const parts = (query >= 0 ? plain.slice(0, query) : plain).slice(`/${space}/`.length).split('/');
    if (parts.length < 2 || parts.length > 3) return false;
    const media = parseMediaRequest(parts, space);
    if (isMediaRequestError(media)) return false;
    const whole = store.inMemory(media.path);
    if (!whole) return false;
    // A player holding a live playlist asks for its newest part only (cached-delta.ts).
    const cached = (asksForDelta(media.kind, url) && deltaObject(whole)) || whole;
    if (cached.headers.protected && !guard.check(space, media.lessonId, url, headers).ok) return false;
    stats.requests++;
    stats.hits++;
    stats.bytesToViewers += cached.body.length;
    follow(prefetcher, media);
    response.writeHead(200, headerFields(cached));
    response.end(cached.body);
    return true;
  };
}

/** Keyed by the cached object itself, so an object's fields go when the cache drops it. */
const fieldsByObject = new WeakMap<CachedObject, string[]>();

function headerFields(object: CachedObject): string[] {
  let fields = fieldsByObject.get(object);
  if (!fields) {
    fields = [
      ...Object.entries(responseHeaders(object.headers)).flat(),
      'ETag',
      object.etag,
      'Content-Length',
      String(object.body.length),
      // What helmet gives the same object through express (http-server.ts), so both paths answer alike.
      'X-Content-Type-Options',
      'nosniff',
      'Cross-Origin-Resource-Policy',
      'cross-origin',
    ];
    fieldsByObject.set(object, fields);
  }
  return fields;
}
