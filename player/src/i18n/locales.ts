// The languages the pages speak, and how a request's language is chosen when nobody has picked one:
// the browser's Accept-Language when it names one we have, else the platform's default. Pure and
// shared by the server (which sets <html lang>) and the pages (the switcher).

export const locales = ['zh-CN', 'en'] as const;
export type Locale = (typeof locales)[number];

/** The cookie that remembers a choice made with the switcher (and copies a signed-in account's). */
export const localeCookie = 'classcast_locale';

/** Each language named in itself, for the switcher. */
export const localeNames: Record<Locale, string> = { 'zh-CN': '简体中文', en: 'English' };

export function isLocale(value: unknown): value is Locale {
  return typeof value === 'string' && (locales as readonly string[]).includes(value);
}

/** The locale a BCP 47 tag falls under: any Chinese but Traditional-only tags is zh-CN, any English is en. */
export function localeOfTag(tag: string): Locale | undefined {
  const lower = tag.trim().toLowerCase();
  if (lower === 'zh' || lower === 'zh-cn' || lower === 'zh-sg' || lower === 'zh-hans' || lower.startsWith('zh-hans-')) return 'zh-CN';
  if (lower === 'en' || lower.startsWith('en-')) return 'en';
  return undefined;
}

/** The first language of an Accept-Language header (by q, then order) that we have. */
export function localeFromAcceptLanguage(header: string | undefined): Locale | undefined {
  if (!header) return undefined;
  const ranked = header
    .split(',')
    .map((part, index) => {
      const [tag = '', ...params] = part.split(';');
      const q = params.map((param) => /^\s*q=([\d.]+)\s*$/.exec(param)?.[1]).find((value) => value !== undefined);
      return { tag, q: q === undefined ? 1 : Number(q), index };
    })
    .filter((entry) => entry.q > 0)
    .sort((a, b) => b.q - a.q || a.index - b.index);
  for (const entry of ranked) {
    const locale = localeOfTag(entry.tag);
    if (locale) return locale;
  }
  return undefined;
}

/** The value of the locale cookie in a Cookie header, when it names a locale we have. */
export function localeFromCookieHeader(header: string | undefined): Locale | undefined {
  for (const part of (header ?? '').split(';')) {
    const [name, value] = part.trim().split('=');
    if (name === localeCookie && value !== undefined) {
      const decoded = decodeURIComponent(value);
      if (isLocale(decoded)) return decoded;
    }
  }
  return undefined;
}

/** A page's language: the remembered choice, else the browser's, else the platform's. */
export function chooseLocale(request: { cookie?: string | undefined; acceptLanguage?: string | undefined }, platformDefault: Locale): Locale {
  return localeFromCookieHeader(request.cookie) ?? localeFromAcceptLanguage(request.acceptLanguage) ?? platformDefault;
}
