// GET /vod/<recording>/master.m3u8 and /vod/<recording>/<rendition>/<file>: a finished recording's
// replay from <dataDir>/vod, the same names and checks as /live (media-request.ts, media-path.ts).
// Only finished recordings have a folder there (replay-writer.ts writes it once, master last), so
// the files need no catalog lookup and are all immutable.
import type { Response, Router } from 'express';
import { resolveMediaPath } from '../core/media-path.ts';
import { sendError } from '../core/http-errors.ts';
import { contentTypeFor, notFoundCacheControl, replayCacheControl } from './cache-policy.ts';
import type { MediaRequest } from './media-request.ts';
import { mediaRoutes } from './media-routes.ts';

export function vodRoutes(vodDir: string): Router {
  return mediaRoutes((_request, response, media) => serve(response, media), undefined, ['vod']);

  function serve(response: Response, media: MediaRequest): void {
    response.set('Access-Control-Allow-Origin', '*');
    response.sendFile(
      resolveMediaPath(vodDir, media.parts),
      { dotfiles: 'deny', cacheControl: false, headers: { 'Content-Type': contentTypeFor(media.kind), 'Cache-Control': replayCacheControl } },
      (error) => {
        if (!error || response.headersSent) return;
        response.set('Cache-Control', notFoundCacheControl);
        sendError(response, 404, 'no such replay', 'a lesson becomes a replay when it ends; list replays at /api/v1/recordings');
      },
    );
  }
}
