// The /live routes every tier answers (origin, relays): both URL shapes, the path checked by
// media-request.ts, and refused paths answered here, so each tier only says how it serves a file.
import { Router, type Request, type Response } from 'express';
import { sendError } from '../core/http-errors.ts';
import { notFoundCacheControl } from './cache-policy.ts';
import { isMediaRequestError, parseMediaRequest, type MediaRequest } from './media-request.ts';

export type MediaHandler = (request: Request, response: Response, media: MediaRequest) => void | Promise<void>;

/** `onRequest` sees every request, refused ones included (a relay counts them). */
export function mediaRoutes(handle: MediaHandler, onRequest: () => void = () => {}): Router {
  const router = Router();
  const route = (request: Request, response: Response, parts: string[]) => {
    onRequest();
    const media = parseMediaRequest(parts);
    if (isMediaRequestError(media)) {
      response.set('Cache-Control', notFoundCacheControl);
      return sendError(response, media.status, media.message, media.hint);
    }
    return handle(request, response, media);
  };
  router.get('/live/:lesson/:file', (request, response) => route(request, response, [request.params.lesson, request.params.file]));
  router.get('/live/:lesson/:rendition/:file', (request, response) =>
    route(request, response, [request.params.lesson, request.params.rendition, request.params.file]),
  );
  return router;
}
