// GET /live/<lesson>/master.m3u8 and /live/<lesson>/<rendition>/<file>: the lesson's HLS files
// from the media root, with the headers from cache-policy.ts. Only the names the packager and the
// segmenter publish are served; anything else, and any path that tries to leave the root, is refused.
import { Router, type Request, type Response } from 'express';
import { resolveMediaPath, UnsafePathError } from '../core/media-path.ts';
import { cacheControlFor, contentTypeFor, mediaFileKind, notFoundCacheControl } from './cache-policy.ts';
import { sendError } from '../core/http-errors.ts';

export type LessonLookup = (lessonId: string) => { segmentSeconds: number; ended: boolean } | undefined;

export function liveRoutes(liveDir: string, lessonFor: LessonLookup): Router {
  const router = Router();
  router.get('/live/:lesson/:file', (request, response) => serve(request, response, [request.params.lesson, request.params.file]));
  router.get('/live/:lesson/:rendition/:file', (request, response) =>
    serve(request, response, [request.params.lesson, request.params.rendition, request.params.file]),
  );

  function serve(_request: Request, response: Response, parts: string[]): void {
    const file = parts[parts.length - 1]!;
    const kind = mediaFileKind(file);
    let path: string;
    try {
      path = resolveMediaPath(liveDir, parts);
    } catch (error) {
      if (error instanceof UnsafePathError) return sendError(response, 400, error.message, 'use /live/<lesson>/master.m3u8');
      throw error;
    }
    const isMaster = parts.length === 2 && kind === 'master';
    const isRenditionFile = parts.length === 3 && kind !== undefined && kind !== 'master';
    const lesson = lessonFor(parts[0]!);
    if ((!isMaster && !isRenditionFile) || !kind) {
      response.set('Cache-Control', notFoundCacheControl);
      return sendError(response, 404, 'no such media file', 'use /live/<lesson>/master.m3u8');
    }
    response.set('Access-Control-Allow-Origin', '*');
    response.sendFile(
      path,
      {
        dotfiles: 'deny',
        cacheControl: false,
        headers: {
          'Content-Type': contentTypeFor(kind),
          'Cache-Control': cacheControlFor(kind, lesson?.segmentSeconds ?? 2, lesson ? lesson.ended : true),
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
