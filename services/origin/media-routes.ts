// The /live and /vod routes every tier answers (origin, relays): both URL shapes of each, the path
// checked by media-request.ts, and refused paths answered here, so each tier only says how it
// serves a file.
import { Router, type Request, type Response } from 'express';
import { sendError } from '../core/http-errors.ts';
import { notFoundCacheControl } from './cache-policy.ts';
import { isMediaRequestError, parseMediaRequest, type MediaRequest, type MediaSpace } from './media-request.ts';

export type MediaHandler = (request: Request, response: Response, media: MediaRequest) => void | Promise<void>;

/**
 * `onRequest` sees every request, refused ones included (a relay counts them); `spaces` are the
 * URL spaces answered (the origin serves each from its own directory, a relay both).
 */
export function mediaRoutes(handle: MediaHandler, onRequest: () => void = () => {}, spaces: readonly MediaSpace[] = ['live', 'vod']): Router {
  const router = Router();
  const route = (request: Request, response: Response, parts: string[], space: MediaSpace) => {
    onRequest();
    // Every answer, errors too: a player on another origin must read a 404 ("not yet") or 403 as
    // what it is, not as a network failure hidden by CORS.
    response.set('Access-Control-Allow-Origin', '*');
    const media = parseMediaRequest(parts, space);
    if (isMediaRequestError(media)) {
      response.set('Cache-Control', notFoundCacheControl);
      return sendError(response, media.status, media.message, media.hint);
    }
    return handle(request, response, media);
  };
  for (const space of spaces) {
    router.get(`/${space}/:id/:file`, (request, response) => route(request, response, [request.params.id, request.params.file], space));
    router.get(`/${space}/:id/:rendition/:file`, (request, response) =>
      route(request, response, [request.params.id, request.params.rendition, request.params.file], space),
    );
  }
  return router;
}
