// The relay's HTTP face: the same /live and /vod URL spaces as the province origin, answered from cache or
// from one shared upstream fetch, with the upstream's own headers so a CDN or another relay can
// cache it in turn. A viewer asking for a media playlist makes the relay follow it (prefetch).
// Objects upstream marked protected go only to viewers with a good playback token; the token is not
// part of the cache key, so one cached copy serves every viewer allowed to watch.
import type { Request, Response, Router } from 'express';
import { sendError } from '../core/http-errors.ts';
import { notFoundCacheControl } from '../media-http/cache-policy.ts';
import { asksForDelta } from '../media-http/delta-playlist.ts';
import { followedPlaylist, type MediaRequest } from '../media-http/media-request.ts';
import { mediaRoutes } from '../media-http/media-routes.ts';
import { protectedHeader, refusedHint, type PlaybackGuard } from '../media-http/playback-guard.ts';
import { deltaObject } from './cached-delta.ts';
import type { UpstreamHeaders } from './upstream-fetch.ts';
import { etagOf, type CachedObject, type ObjectStore } from './object-store.ts';
import type { Prefetcher } from './prefetch.ts';
import type { RelayStats } from './relay-stats.ts';

export function relayRoutes(store: ObjectStore, prefetcher: Prefetcher, stats: RelayStats, guard: PlaybackGuard): Router {
  return mediaRoutes(serve, () => stats.requests++);

  /** Answers 403 and returns true when the object is protected and the request has no good token for it. */
  function refused(request: Request, response: Response, media: MediaRequest, headers: UpstreamHeaders): boolean {
    if (!headers.protected) return false;
    const verdict = guard.check(media.space, media.lessonId, request.originalUrl, request.headers);
    if (verdict.ok) return false;
    stats.refused++;
    response.set('Cache-Control', 'no-store').set('Access-Control-Allow-Origin', '*');
    sendError(response, 403, `playback refused: ${verdict.reason}`, refusedHint);
    return true;
  }

  async function serve(request: Request, response: Response, media: MediaRequest): Promise<void> {
    // A player holding a live playlist asks for its newest part only (cached-delta.ts).
    const delta = asksForDelta(media.kind, request.originalUrl);
    const answer = (whole: CachedObject) => (delta && deltaObject(whole)) || whole;
    const cached = await store.lookup(media.path, media.kind);
    if (cached) {
      stats.hits++;
      if (refused(request, response, media, cached.headers)) return;
      follow(prefetcher, media);
      return sendWhole(request, response, answer(cached));
    }
    stats.misses++;
    const { flight, joined } = store.fetch(media.path, media.kind);
    if (joined) stats.joined++;
    let started = false;
    let denied = false;
    const leave = flight.join({
      onHeaders(headers) {
        if (refused(request, response, media, headers)) {
          denied = true;
          return;
        }
        follow(prefetcher, media);
        // A delta is made of the whole playlist, so it waits until that has arrived (a playlist is small).
        if (delta) return;
        started = true;
        response.status(200).set(responseHeaders(headers));
        if (headers.contentLength !== undefined) response.set('Content-Length', String(headers.contentLength));
        response.flushHeaders();
      },
      onChunk(chunk) {
        if (denied || delta) return;
        stats.bytesToViewers += chunk.length;
        response.write(chunk);
      },
      onEnd(result) {
        if (denied) return;
        if (result.status === 'complete') {
          if (!delta) return void response.end();
          return sendWhole(request, response, deltaObject(result) ?? { headers: result.headers, body: result.body, etag: etagOf(result.body), expiresAt: 0 });
        }
        // Bytes already went out: cut the response so the viewer sees it incomplete and retries.
        if (started) return void response.destroy();
        const stale = store.stale(media.path);
        if (stale && media.kind !== 'segment' && media.kind !== 'init') {
          if (refused(request, response, media, stale.headers)) return;
          return sendWhole(request, response, answer(stale));
        }
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

/** A viewer asking for a live media playlist keeps the relay following the lesson's sliding window (prefetch.ts). */
export function follow(prefetcher: Prefetcher, media: MediaRequest): void {
  const playlist = followedPlaylist(media);
  if (playlist) prefetcher.viewed(playlist);
}

/** Protected objects say so downstream too, so a relay below this one guards them in turn. */
export function responseHeaders(headers: UpstreamHeaders): Record<string, string> {
  return {
    'Content-Type': headers.contentType,
    'Cache-Control': headers.cacheControl,
    'Access-Control-Allow-Origin': '*',
    ...(headers.protected ? { [protectedHeader]: '1' } : {}),
  };
}
