// The web pages: the timetable at /, sign-in (/login), first start (/setup), the school page
// (/school), the operator pages (/admin), the watch page at /watch/<lesson>, and the player's bundled
// assets at /assets. Pages are static shells; they read everything else from the JSON API.
import { existsSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import express, { Router, type Request } from 'express';
import { isSafePathPart } from '../core/media-path.ts';
import { sendError } from '../core/http-errors.ts';
import { pageBundles, type PageBundle } from '../../player/page-bundles.ts';

const playerDir = fileURLToPath(new URL('../../player/', import.meta.url));
export const playerDistDir = `${playerDir}dist`;

/** Where viewers fetch media: a relay's base URL for this request, or undefined for this origin. */
export type MediaBase = (request: Request) => string | undefined;

/** The pages drawn by a bundle in the shared shell (player/pages/app.html): path, title, bundle. */
const appPages: Array<[string, string, PageBundle]> = [
  ['/', 'Timetable', 'timetable'],
  ['/login', 'Sign in', 'login'],
  ['/setup', 'Set up', 'setup'],
  ['/school', 'School', 'school'],
  ['/admin', 'Admin', 'admin'],
];

export function pageRoutes(mediaBase: MediaBase = () => undefined): Router {
  const router = Router();
  const page = (name: string) => readFileSync(`${playerDir}pages/${name}`, 'utf8');
  const shell = page('app.html');
  const watchPage = page('watch.html');
  for (const [path, title, bundle] of appPages) {
    const html = shell.replace('{{title}}', title).replace('{{bundle}}', bundle);
    router.get(path, (_request, response) => response.set('Cache-Control', 'no-cache').type('html').send(html));
  }
  router.get('/watch/:lesson', (request, response) => {
    if (!isSafePathPart(request.params.lesson)) return sendError(response, 400, 'not a lesson id', 'open a lesson from the timetable at /');
    const base = mediaBase(request) ?? '';
    response
      .set('Cache-Control', 'no-cache')
      .type('html')
      .send(watchPage.replace('<meta name="classcast-media-base" content="">', `<meta name="classcast-media-base" content="${escapeAttribute(base)}">`));
  });
  router.use('/assets', express.static(playerDistDir, { maxAge: '5m', fallthrough: true, index: false, dotfiles: 'ignore' }));
  return router;
}

/** Whether every page's bundle is in player/dist (a build from before a page was added is not enough). */
export function playerIsBuilt(): boolean {
  return Object.keys(pageBundles).every((name) => existsSync(`${playerDistDir}/${name}.js`));
}

function escapeAttribute(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/"/g, '&quot;').replace(/</g, '&lt;');
}
