// The relay's HTTP face: the same /live URL space as the province origin, answered from cache or
// from one shared upstream fetch, with the upstream's own headers so a CDN or another relay can
// cache it in turn. A viewer asking for a media playlist makes the relay follow it (prefetch).
import type { Request, Response, Router } from 'express';
import { sendError } from '../core/http-errors.ts';
import { notFoundCacheControl } from '../origin/cache-policy.ts';
import type { MediaRequest } from '../origin/media-request.ts';
import { mediaRoutes } from '../origin/media-routes.ts';
import type { UpstreamHeaders } from './upstream-fetch.ts';
import type { CachedObject, ObjectStore } from './object-store.ts';
import type { Prefetcher } from './prefetch.ts';
import type { RelayStats } from './relay-stats.ts';

export function relayRoutes(store: ObjectStore, prefetcher: Prefetcher, stats: RelayStats): Router {
  return mediaRoutes(serve, () => stats.requests++);

  async function serve(request: Request, response: Response, media: MediaRequest): Promise<void> {
    if (media.kind === 'media-playlist') prefetcher.viewed(media.path);
    const cached = await store.lookup(media.path, media.kind);
    if (cached) {
      stats.hits++;
      return sendWhole(request, response, cached);
    }
    stats.misses++;
    const { flight, joined } = store.fetch(media.path, media.kind);
    if (joined) stats.joined++;
    let started = false;
    const leave = flight.join({
      onHeaders(headers) {
        started = true;
        response.status(200).set(responseHeaders(headers));
        if (headers.contentLength !== undefined) response.set('Content-Length', String(headers.contentLength));
        response.flushHeaders();
      },
      onChunk(chunk) {
        stats.bytesToViewers += chunk.length;
        response.write(chunk);
      },
      onEnd(result) {
        if (result.status === 'complete') return void response.end();
        // Bytes already went out: cut the response so the viewer sees it incomplete and retries.
        if (started) return void response.destroy();
        const stale = store.stale(media.path);
        if (stale && media.kind !== 'segment' && media.kind !== 'init') return sendWhole(request, response, stale);
        if (result.status === 'not-found') {
          response.set('Cache-Control', notFoundCacheControl);
          return sendError(response, 404, 'not available yet', 'the lesson may not have started; retry in a second');
        }
        response.set('Cache-Control', 'no-store');
        sendError(response, 502, 'the relay could not get this from upstream', 'retry in a second');
      },
    });
    response.on('close', leave);
  }

  function sendWhole(request: Request, response: Response, object: CachedObject): void {
    // Our own ETag, computed when the object was stored, so express does not hash the body per response.
    response.set(responseHeaders(object.headers)).set('ETag', object.etag);
    const { body } = object;
    // A downstream relay resuming a cut transfer asks for the rest with `Range: bytes=N-`.
    const range = /^bytes=(\d+)-$/.exec(request.headers.range ?? '');
    const start = range ? Number(range[1]) : 0;
    if (range && start < body.length) {
      response.status(206).set('Content-Range', `bytes ${start}-${body.length - 1}/${body.length}`);
    }
    const part = start < body.length ? body.subarray(start) : body;
    stats.bytesToViewers += part.length;
    response.send(part);
  }
}

function responseHeaders(headers: UpstreamHeaders): Record<string, string> {
  return { 'Content-Type': headers.contentType, 'Cache-Control': headers.cacheControl, 'Access-Control-Allow-Origin': '*' };
}
