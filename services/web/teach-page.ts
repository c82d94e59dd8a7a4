// The teacher's console at /teach/<lesson> (player/pages/teach.html, player/src/teach/): a static
// shell like the watch page, told where to play the live picture from (the first relay) in
// <meta name="classcast-media-base">; who may use it is decided by the API it calls, which answers
// anyone else 401 or 403 and the page says so in words.
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { Router } from 'express';
import { isSafePathPart } from '../core/media-path.ts';
import { sendError } from '../core/http-errors.ts';
import { pageContentSecurityPolicy } from './page-csp.ts';
import { mediaBasesFor, type MediaBase } from './page-relays.ts';
import { defaultPageLanguage, languageHeaders, localizedShells, requestLocale, type PageLanguage } from './page-language.ts';

const teachPagePath = fileURLToPath(new URL('../../player/pages/teach.html', import.meta.url));
const mediaBaseMeta = '<meta name="classcast-media-base" content="">';

export function teachPageRoutes(mediaBase: MediaBase = () => undefined, language: PageLanguage = defaultPageLanguage): Router {
  const router = Router();
  const page = readFileSync(teachPagePath, 'utf8');
  if (!page.includes(mediaBaseMeta)) throw new Error(`${teachPagePath} has no ${mediaBaseMeta} to fill in`);
  const pages = localizedShells(page, language);
  router.get('/teach/:lesson', (request, response) => {
    if (!isSafePathPart(request.params.lesson)) return sendError(response, 400, 'not a lesson id', 'open the console from the school page at /school');
    const bases = mediaBasesFor(request, mediaBase);
    const locale = requestLocale(request, language);
    const html = pages(locale).replace(mediaBaseMeta, `<meta name="classcast-media-base" content="${(bases[0] ?? '').replace(/&/g, '&amp;').replace(/"/g, '&quot;').replace(/</g, '&lt;')}">`);
    response.set({ 'Cache-Control': 'no-cache', 'Content-Security-Policy': pageContentSecurityPolicy({ media: bases }), ...languageHeaders(locale, request) }).type('html').send(html);
  });
  return router;
}
