// The language menu on the watch, time-shift and replay pages, whose header is static HTML (the
// preact pages draw theirs with LanguageSwitcher): the same <select>, built with the DOM.
import { i18n, t } from './i18n.ts';
import { chooseLanguage } from './language-choice.ts';
import { isLocale, localeNames, locales } from './locales.ts';

export function mountLanguageSelect(header: Element | null): void {
  if (!header) return;
  const select = document.createElement('select');
  select.className = 'language-switcher';
  select.name = 'language';
  select.setAttribute('aria-label', t('header.language'));
  for (const locale of locales) {
    const option = new Option(localeNames[locale], locale, false, locale === i18n().locale);
    option.lang = locale;
    select.append(option);
  }
  select.addEventListener('change', () => {
    if (isLocale(select.value)) void chooseLanguage(select.value);
  });
  const holder = document.createElement('div');
  holder.className = 'site-account';
  holder.append(select);
  header.append(holder);
}
