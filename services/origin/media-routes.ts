// The /live and /vod routes every tier answers (origin, relays): both URL shapes of each, also under
// a /t/<token>/ prefix (a native HLS player's path token: path-token.ts; the guard reads it from the
// original URL), the path checked by media-request.ts, and refused paths answered here, so each tier
// only says how it serves a file.
import { Router, type Request, type Response } from 'express';
import { sendError } from '../core/http-errors.ts';
import { notFoundCacheControl } from './cache-policy.ts';
import { isMediaRequestError, parseMediaRequest, type MediaRequest, type MediaSpace } from './media-request.ts';
import { pathTokenPrefix } from './path-token.ts';
import { tokenHeader } from './playback-guard.ts';

/**
 * The answer to a CORS preflight (OPTIONS with Access-Control-Request-*): a player on another
 * origin that sends a header outside the CORS safelist (Range, or the playback token as a header
 * instead of `?token=`) asks first, and without these its GET is never sent. Max-Age spares a
 * preflight per segment: browsers cap it (Chromium at 2 hours), so asking for longer gains nothing.
 */
export const preflightHeaders: Readonly<Record<string, string>> = {
  'Access-Control-Allow-Origin': '*',
  'Access-Control-Allow-Methods': 'GET, HEAD, OPTIONS',
  'Access-Control-Allow-Headers': `Range, ${tokenHeader}`,
  'Access-Control-Max-Age': '7200',
};

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
    const short = [`/${space}/:id/:file`, `${pathTokenPrefix}:token/${space}/:id/:file`];
    const long = [`/${space}/:id/:rendition/:file`, `${pathTokenPrefix}:token/${space}/:id/:rendition/:file`];
    // Any path of the two shapes, refused ones too: the GET that follows gets the refusal, readable.
    router.options([...short, ...long], (_request, response) => {
      onRequest();
      response.status(204).set(preflightHeaders).end();
    });
    // Both patterns of a shape name the same parameters (the token's is read from the URL by the guard).
    const param = (request: Request, name: string) => String(request.params[name]);
    router.get(short, (request, response) => route(request, response, [param(request, 'id'), param(request, 'file')], space));
    router.get(long, (request, response) => route(request, response, [param(request, 'id'), param(request, 'rendition'), param(request, 'file')], space));
  }
  return router;
}
