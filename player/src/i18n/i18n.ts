// The page's language and the province's time zone, read once from the page the server drew
// (<html lang> and <meta name="classcast-time-zone">), and `t` for every component. The server
// chose the language (locales.ts: the account's or the switcher's choice, the browser's, the
// platform's); a change of language reloads the page, so this never changes while a page lives.
// Outside a browser (unit tests) it is English in UTC unless a test sets another.
import { isLocale, type Locale } from './locales.ts';
import type { MessageKey } from './messages/catalogs.ts';
import { createTranslator, type MessageValues, type Translator } from './translate.ts';

export const defaultTimeZone = 'Asia/Shanghai';

let active: Translator | undefined;

export function i18n(): Translator {
  return (active ??= fromDocument());
}

export function t(key: MessageKey, values?: MessageValues): string {
  return i18n().t(key, values);
}

/** For unit tests: format as `locale` in `timeZone` from now on. */
export function useTranslator(locale: Locale, timeZone: string): void {
  active = createTranslator(locale, timeZone);
}

function fromDocument(): Translator {
  if (typeof document === 'undefined') return createTranslator('en', 'UTC');
  const lang = document.documentElement.lang;
  const zone = document.querySelector<HTMLMetaElement>('meta[name="classcast-time-zone"]')?.content;
  return createTranslator(isLocale(lang) ? lang : 'zh-CN', zone || defaultTimeZone);
}
