// GET /live/<lesson>/master.m3u8 and /live/<lesson>/<rendition>/<file>: the lesson's HLS files
// from the media root, with the headers from cache-policy.ts. Only the names the packager
// publishes are served (media-request.ts), and no path can leave the root (media-path.ts). A
// protected lesson's files go only to requests with a good playback token (playback-guard.ts), and
// so does its viewer count (/live/<lesson>/viewers.json, from the dashboard's figures).
// /live/<lesson>/qa.json, the lesson's questions and comments, comes from the catalog through
// `qaFeed` (services/catalog/qa/qa-feed-source.ts) under the same guard and the same headers rules.
import { readFile } from 'node:fs/promises';
import type { Request, Response, Router } from 'express';
import { resolveMediaPath } from '../core/media-path.ts';
import { sendError } from '../core/http-errors.ts';
import { asksForDelta, deltaUpdate } from '../media-http/delta-playlist.ts';
import { cacheControlFor, contentTypeFor, notFoundCacheControl } from '../media-http/cache-policy.ts';
import type { MediaRequest } from '../media-http/media-request.ts';
import { mediaRoutes } from '../media-http/media-routes.ts';
import { protectedHeader, refusedHint, type PlaybackGuard } from '../media-http/playback-guard.ts';
import { viewersDocument, type ViewerFiguresSource } from '../stats/lesson-viewers.ts';

/**
 * `protected`: the lesson's files need a playback token (from the ingest registry: no catalog call
 * per request). `classroomId` finds a lesson that is not public in the viewer figures (lesson-label.ts).
 */
export type LessonLookup = (lessonId: string) => { segmentSeconds: number; ended: boolean; protected?: boolean; classroomId?: string } | undefined;

/** The bytes of a lesson's questions feed (qa.json), or undefined when there is no such lesson. */
export type QaFeedLookup = (lessonId: string) => Promise<Buffer | undefined>;

/**
 * `qaFeed`: where /live/<lesson>/qa.json comes from; `viewers`: where /live/<lesson>/viewers.json
 * takes its count (services/stats/lesson-viewers.ts). Either missing: that file answers 404.
 */
export function liveRoutes(liveDir: string, lessonFor: LessonLookup, guard: PlaybackGuard, qaFeed?: QaFeedLookup, viewers?: ViewerFiguresSource): Router {
  return mediaRoutes((request, response, media) => serve(request, response, media), undefined, ['live']);

  function serve(request: Request, response: Response, media: MediaRequest): void {
    const lesson = lessonFor(media.lessonId);
    response.set('Access-Control-Allow-Origin', '*');
    if (lesson?.protected) {
      const verdict = guard.check('live', media.lessonId, request.originalUrl, request.headers);
      if (!verdict.ok) {
        response.set('Cache-Control', 'no-store');
        return sendError(response, 403, `playback refused: ${verdict.reason}`, refusedHint);
      }
      response.set(protectedHeader, '1');
    }
    const cacheControl = cacheControlFor(media.kind, lesson?.segmentSeconds ?? 2, lesson ? lesson.ended : true);
    const missing = () => {
      response.set('Cache-Control', notFoundCacheControl);
      sendError(response, 404, lesson ? 'not available yet' : 'no such lesson', 'the lesson may not have started; retry in a second');
    };
    if (media.kind === 'viewers') {
      if (!lesson || !viewers) return missing();
      const place = { id: media.lessonId, classroomId: lesson.classroomId ?? '' };
      viewers().then(
        (figures) => {
          if (!figures) {
            response.set('Cache-Control', notFoundCacheControl);
            return sendError(response, 503, 'viewer figures not readable now', 'retry in a few seconds');
          }
          response.set({ 'Content-Type': contentTypeFor('viewers'), 'Cache-Control': cacheControl }).send(JSON.stringify(viewersDocument(figures, place)));
        },
        () => sendError(response, 503, 'viewer figures not readable now', 'retry in a few seconds'),
      );
      return;
    }
    if (media.kind === 'qa-feed') {
      // Only for a lesson this node carries, like its media: another node answers for the others.
      if (!lesson || !qaFeed) return missing();
      qaFeed(media.lessonId).then(
        (body) => (body ? void response.set({ 'Content-Type': contentTypeFor(media.kind), 'Cache-Control': cacheControl }).send(body) : missing()),
        () => {
          response.set('Cache-Control', 'no-store');
          sendError(response, 503, 'questions are not readable now', 'retry in a second');
        },
      );
      return;
    }
    const path = resolveMediaPath(liveDir, media.parts);
    if (media.kind !== 'init' && media.kind !== 'segment' && media.kind !== 'sprite') {
      // Playlists, hash lists, the poster and the thumbnail track are replaced (by rename). sendFile takes the size
      // from one file and may then open its successor, sending a cut-off copy; one read is one file.
      // express's send still answers conditional requests (ETag) with 304.
      // A player holding the time-shift playlist asks for its newest part only (delta-playlist.ts).
      const delta = asksForDelta(media.kind, request.originalUrl);
      readFile(path).then(
        (body) => void response.set({ 'Content-Type': contentTypeFor(media.kind), 'Cache-Control': cacheControl }).send((delta && deltaUpdate(body.toString('utf8'))) || body),
        missing,
      );
      return;
    }
    response.sendFile(
      path,
      {
        dotfiles: 'deny',
        cacheControl: false,
        headers: {
          'Content-Type': contentTypeFor(media.kind),
          'Cache-Control': cacheControl,
        },
      },
      (error) => {
        if (!error || response.headersSent) return;
        missing();
      },
    );
  }
}
