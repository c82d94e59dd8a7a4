// A change of language: remembered in this browser (a cookie the server reads to draw the next page
// in it) and, for a signed-in account, in the account, so it follows the person to other browsers.
// The page then reloads in the new language. A page whose account chose another language than the
// one it was drawn in takes the account's (followAccountLocale).
import { i18n } from './i18n.ts';
import { isLocale, localeCookie, localeFromCookieHeader, type Locale } from './locales.ts';

const cookieSeconds = 365 * 24 * 3600;

export async function chooseLanguage(locale: Locale): Promise<void> {
  rememberLocale(locale);
  // Nobody signed in answers 401, and the choice stays with this browser alone.
  await fetch('/api/v1/auth/me', {
    method: 'PATCH',
    credentials: 'same-origin',
    headers: { 'Content-Type': 'application/json', Accept: 'application/json' },
    body: JSON.stringify({ locale }),
  }).catch(() => undefined);
  location.reload();
}

/** Redraws the page in the signed-in account's language when it was drawn in another. */
export function followAccountLocale(accountLocale: string | null | undefined): void {
  if (!isLocale(accountLocale) || accountLocale === i18n().locale) return;
  rememberLocale(accountLocale);
  // A browser that keeps no cookies would be drawn in the old language again: no reload loop.
  if (localeFromCookieHeader(document.cookie) === accountLocale) location.reload();
}

export function rememberLocale(locale: Locale): void {
  document.cookie = `${localeCookie}=${encodeURIComponent(locale)}; path=/; max-age=${cookieSeconds}; samesite=lax`;
}
