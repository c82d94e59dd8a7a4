// The 404 page of the watch, time-shift and replay pages: a lesson or recording id that does not
// exist gets a page in words (in the viewer's language) with status 404, instead of a player that
// waits for a lesson that will never come or tells the viewer to sign in. Whether an id exists is
// asked of the catalog (PageCatalog); a server without one (an ingest node's own pages) does not ask.
// The page has no script, so its language switcher is a link per language (`?lang=en`), which the
// server answers in that language and remembers (page-language.ts).
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import type { Request, Response } from 'express';
import { defaultPageLanguage, languageHeaders, localizedShells, requestLocale, type PageLanguage } from './page-language.ts';
import { pageContentSecurityPolicy } from './page-csp.ts';
import { localeNames, locales } from '../../player/src/i18n/locales.ts';
import type { Translator } from '../../player/src/i18n/translate.ts';

/** What the watch page's server needs to know of a lesson: whether anyone may fetch its media without a token, and whether it is live. */
export type PageLesson = { visibility: 'public' | 'school' | 'protected'; state: 'scheduled' | 'live' | 'ended' };

/**
 * What the pages may ask the catalog: a lesson (null: it does not exist), whoever may see it, and
 * whether a recording exists.
 */
export type PageCatalog = { lesson(id: string): Promise<PageLesson | null>; recordingExists(id: string): Promise<boolean> };

export type MissingThing = 'lesson' | 'recording';

const shellPath = fileURLToPath(new URL('../../player/pages/not-found.html', import.meta.url));

/** Sends the 404 page for a missing lesson or recording, in the request's language. */
export type SendNotFound = (request: Request, response: Response, what: MissingThing) => void;

export function notFoundPages(language: PageLanguage = defaultPageLanguage): SendNotFound {
  const shell = readFileSync(shellPath, 'utf8');
  const shells = {
    lesson: localizedShells(shell, language, (translator) => ({
      ...languageLinks(translator),
      what: 'lesson',
      title: translator.t('page.title', { page: translator.t('notFound.lesson.heading') }),
      heading: translator.t('notFound.lesson.heading'),
      message: translator.t('notFound.lesson.message'),
    })),
    recording: localizedShells(shell, language, (translator) => ({
      ...languageLinks(translator),
      what: 'recording',
      title: translator.t('page.title', { page: translator.t('notFound.recording.heading') }),
      heading: translator.t('notFound.recording.heading'),
      message: translator.t('notFound.recording.message'),
    })),
  };
  const policy = pageContentSecurityPolicy({});
  return (request, response, what) => {
    const locale = requestLocale(request, language);
    response.status(404).set({ 'Cache-Control': 'no-cache', 'Content-Security-Policy': policy, ...languageHeaders(locale, request) }).type('html').send(shells[what](locale));
  };
}

/** Each language's name in itself (`{{language:en}}`) and whether the page speaks it (`{{current:en}}`, for aria-current). */
function languageLinks(translator: Translator): Record<string, string> {
  return Object.fromEntries(locales.flatMap((locale) => [[`language:${locale}`, localeNames[locale]], [`current:${locale}`, String(locale === translator.locale)]]));
}
