// The web pages: the live lesson list at /, the watch page at /watch/<lesson>, and the player's
// bundled assets at /assets. Pages are static; they read everything else from the JSON API.
import { existsSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import express, { Router, type Request } from 'express';
import { isSafePathPart } from '../core/media-path.ts';
import { sendError } from '../core/http-errors.ts';

const playerDir = fileURLToPath(new URL('../../player/', import.meta.url));
export const playerDistDir = `${playerDir}dist`;

/** Where viewers fetch media: a relay's base URL for this request, or undefined for this origin. */
export type MediaBase = (request: Request) => string | undefined;

export function pageRoutes(mediaBase: MediaBase = () => undefined): Router {
  const router = Router();
  const page = (name: string) => `${playerDir}pages/${name}`;
  const watchPage = readFileSync(page('watch.html'), 'utf8');
  router.get('/', (_request, response) => response.set('Cache-Control', 'no-cache').sendFile(page('index.html')));
  router.get('/watch/:lesson', (request, response) => {
    if (!isSafePathPart(request.params.lesson)) return sendError(response, 400, 'not a lesson id', 'open a lesson from the list at /');
    const base = mediaBase(request) ?? '';
    response
      .set('Cache-Control', 'no-cache')
      .type('html')
      .send(watchPage.replace('<meta name="classcast-media-base" content="">', `<meta name="classcast-media-base" content="${escapeAttribute(base)}">`));
  });
  router.use('/assets', express.static(playerDistDir, { maxAge: '5m', fallthrough: true, index: false, dotfiles: 'ignore' }));
  return router;
}

export function playerIsBuilt(): boolean {
  return existsSync(`${playerDistDir}/watch.js`);
}

function escapeAttribute(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/"/g, '&quot;').replace(/</g, '&lt;');
}
