-- The language an account chose for the pages ('zh-CN' or 'en'; player/src/i18n/locales.ts), so
-- the choice follows the person to any browser they sign in on. Null: not chosen, the browser's
-- remembered choice or Accept-Language decides, then the platform's web.defaultLocale.
alter table accounts add column locale text null;
