// The language menu in every page's header: 简体中文 or English, each named in itself.
import { chooseLanguage } from '../i18n/language-choice.ts';
import { i18n, t } from '../i18n/i18n.ts';
import { isLocale, localeNames, locales } from '../i18n/locales.ts';

export function LanguageSwitcher() {
  return (
    <select
      class="language-switcher"
      name="language"
      aria-label={t('header.language')}
      value={i18n().locale}
      onChange={(event) => {
        const chosen = event.currentTarget.value;
        if (isLocale(chosen)) void chooseLanguage(chosen);
      }}
    >
      {locales.map((locale) => (
        <option key={locale} value={locale} lang={locale}>
          {localeNames[locale]}
        </option>
      ))}
    </select>
  );
}
