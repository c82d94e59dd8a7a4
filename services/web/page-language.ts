// The language a page is drawn in and the words of its static HTML. The page shells
// (player/pages/*.html) carry {{lang}}, {{timeZone}} and {{t:<message key>}} placeholders; each is
// filled once per language and time zone (an operator may change the zone while the platform runs),
// and each request gets the shell of its language: the one a link asked for with `?lang=<locale>`
// (the switcher of a page without script, the 404 page's), which the answer then remembers in the
// browser's cookie; else the choice remembered there (the switcher's, or the signed-in account's,
// which the pages copy there); else the browser's Accept-Language when it names a language we have;
// else the platform's web.defaultLocale.
import type { Request } from 'express';
import { configSchema } from '../core/config/schema.ts';
import { chooseLocale, isLocale, localeCookie, locales, type Locale } from '../../player/src/i18n/locales.ts';
import type { MessageKey } from '../../player/src/i18n/messages/catalogs.ts';
import { createTranslator, type Translator } from '../../player/src/i18n/translate.ts';

/** `timeZone`: the province's, now (province-time-zone.ts). */
export type PageLanguage = { defaultLocale: Locale; timeZone(): string };

const webDefaults = configSchema.shape.web.parse(undefined);

/** The configuration's defaults (schema.ts, the `web` section), for pages given no language. */
export const defaultPageLanguage: PageLanguage = { defaultLocale: webDefaults.defaultLocale, timeZone: () => webDefaults.timeZone };

/** How long a language asked for by link is remembered: as long as the switcher's (language-choice.ts). */
const rememberSeconds = 365 * 24 * 3600;

/** The page's language for this request. */
export function requestLocale(request: Request, language: PageLanguage): Locale {
  return linkedLocale(request) ?? chooseLocale({ cookie: request.get('cookie'), acceptLanguage: request.get('accept-language') }, language.defaultLocale);
}

/**
 * The headers of a page that differs by language: caches keep one copy per cookie and language
 * asked (a `?lang=` link is its own URL). A language asked for by link is remembered in the cookie
 * the switcher sets, so the pages the viewer goes on to speak it too.
 */
export function languageHeaders(locale: Locale, request?: Request): Record<string, string> {
  const headers: Record<string, string> = { 'Content-Language': locale, Vary: 'Cookie, Accept-Language' };
  if (request && linkedLocale(request) === locale) headers['Set-Cookie'] = `${localeCookie}=${encodeURIComponent(locale)}; Path=/; Max-Age=${rememberSeconds}; SameSite=Lax`;
  return headers;
}

/** The language a link asked for (`?lang=en`), when it is one we have. */
function linkedLocale(request: Request): Locale | undefined {
  const asked = request.query.lang;
  return isLocale(asked) ? asked : undefined;
}

/** `shell` filled in for a language and the province's current time zone (each made once, then kept). */
export function localizedShells(shell: string, language: PageLanguage, extra: (translator: Translator) => Record<string, string> = () => ({})): (locale: Locale) => string {
  const made = new Map<string, string>();
  const shellFor = (locale: Locale) => {
    const zone = language.timeZone();
    const key = `${locale} ${zone}`;
    let html = made.get(key);
    if (html === undefined) made.set(key, (html = localizeShell(shell, createTranslator(locale, zone), extra)));
    return html;
  };
  // Made now, so a shell naming a placeholder or message nothing fills in stops start-up, not a request.
  for (const locale of locales) shellFor(locale);
  return shellFor;
}

function localizeShell(shell: string, translator: Translator, extra: (translator: Translator) => Record<string, string>): string {
  const values: Record<string, string> = { lang: translator.locale, timeZone: translator.timeZone, ...extra(translator) };
  return shell.replace(/\{\{([\w:.-]+)\}\}/g, (whole, name: string) => {
    if (name.startsWith('t:')) return escapeHtml(translator.t(name.slice(2) as MessageKey));
    const value = values[name];
    if (value === undefined) throw new Error(`a page shell names {{${name}}}, which nothing fills in`);
    return escapeHtml(value);
  });
}

function escapeHtml(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/"/g, '&quot;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
}
