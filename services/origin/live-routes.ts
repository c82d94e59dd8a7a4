// GET /live/<lesson>/master.m3u8 and /live/<lesson>/<rendition>/<file>: the lesson's HLS files
// from the media root, with the headers from cache-policy.ts. Only the names the packager
// publishes are served (media-request.ts), and no path can leave the root (media-path.ts).
import { Router, type Response } from 'express';
import { resolveMediaPath } from '../core/media-path.ts';
import { sendError } from '../core/http-errors.ts';
import { cacheControlFor, contentTypeFor, notFoundCacheControl } from './cache-policy.ts';
import { isMediaRequestError, parseMediaRequest } from './media-request.ts';

export type LessonLookup = (lessonId: string) => { segmentSeconds: number; ended: boolean } | undefined;

export function liveRoutes(liveDir: string, lessonFor: LessonLookup): Router {
  const router = Router();
  router.get('/live/:lesson/:file', (request, response) => serve(response, [request.params.lesson, request.params.file]));
  router.get('/live/:lesson/:rendition/:file', (request, response) => serve(response, [request.params.lesson, request.params.rendition, request.params.file]));

  function serve(response: Response, parts: string[]): void {
    const media = parseMediaRequest(parts);
    if (isMediaRequestError(media)) {
      response.set('Cache-Control', notFoundCacheControl);
      return sendError(response, media.status, media.message, media.hint);
    }
    const lesson = lessonFor(media.lessonId);
    response.set('Access-Control-Allow-Origin', '*');
    response.sendFile(
      resolveMediaPath(liveDir, media.parts),
      {
        dotfiles: 'deny',
        cacheControl: false,
        headers: {
          'Content-Type': contentTypeFor(media.kind),
          'Cache-Control': cacheControlFor(media.kind, lesson?.segmentSeconds ?? 2, lesson ? lesson.ended : true),
        },
      },
      (error) => {
        if (!error || response.headersSent) return;
        response.set('Cache-Control', notFoundCacheControl);
        sendError(response, 404, lesson ? 'not available yet' : 'no such lesson', 'the lesson may not have started; retry in a second');
      },
    );
  }
  return router;
}
