// A small page of its own for the raised hands, until the watch page and the teacher's console
// (/teach/<lesson>) host them: /hands/<lesson> is the student's "Raise hand" button and
// /hands/<lesson>/console the console's queue and calls. Each is the shared shell with the `hands`
// bundle, which mounts player/src/hands/raise-hand.ts or hands-panel.ts; the signalling's WebSocket
// is on this same server ('self' in the policy).
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { Router } from 'express';
import { sendError } from '../core/http-errors.ts';
import { isSafePathPart } from '../core/media-path.ts';
import { pageContentSecurityPolicy } from './page-csp.ts';
import { languageHeaders, localizedShells, requestLocale, type PageLanguage } from './page-language.ts';

const shellFile = fileURLToPath(new URL('../../player/pages/app.html', import.meta.url));

export function handsPageRoutes(language: PageLanguage): Router {
  const router = Router();
  const shell = readFileSync(shellFile, 'utf8');
  const student = localizedShells(shell, language, (translator) => ({ title: translator.t('page.title', { page: translator.t('hands.page.student') }), bundle: 'hands' }));
  const console = localizedShells(shell, language, (translator) => ({ title: translator.t('page.title', { page: translator.t('hands.page.console') }), bundle: 'hands' }));
  const policy = pageContentSecurityPolicy();
  for (const [path, shells] of [['/hands/:lesson', student], ['/hands/:lesson/console', console]] as const) {
    router.get(path, (request, response) => {
      if (!isSafePathPart(request.params.lesson)) return sendError(response, 400, 'not a lesson id', 'open a lesson from the timetable at /');
      const locale = requestLocale(request, language);
      response.set({ 'Cache-Control': 'no-cache', 'Content-Security-Policy': policy, ...languageHeaders(locale, request) }).type('html').send(shells(locale));
    });
  }
  return router;
}
