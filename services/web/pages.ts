// The web pages: the live lesson list at /, the watch page at /watch/<lesson>, and the player's
// bundled assets at /assets. Pages are static; they read everything else from the JSON API.
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import express, { Router } from 'express';
import { isSafePathPart } from '../core/media-path.ts';
import { sendError } from '../core/http-errors.ts';

const playerDir = fileURLToPath(new URL('../../player/', import.meta.url));
export const playerDistDir = `${playerDir}dist`;

export function pageRoutes(): Router {
  const router = Router();
  const page = (name: string) => `${playerDir}pages/${name}`;
  router.get('/', (_request, response) => response.set('Cache-Control', 'no-cache').sendFile(page('index.html')));
  router.get('/watch/:lesson', (request, response) => {
    if (!isSafePathPart(request.params.lesson)) return sendError(response, 400, 'not a lesson id', 'open a lesson from the list at /');
    response.set('Cache-Control', 'no-cache').sendFile(page('watch.html'));
  });
  router.use('/assets', express.static(playerDistDir, { maxAge: '5m', fallthrough: true, index: false, dotfiles: 'ignore' }));
  return router;
}

export function playerIsBuilt(): boolean {
  return existsSync(`${playerDistDir}/watch.js`);
}
