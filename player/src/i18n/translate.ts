// One language's messages as functions: ICU MessageFormat through FormatJS's intl-messageformat, so
// plurals, numbers, dates and times come from Intl and never from string concatenation. Times are
// always written in the province's time zone on a 24-hour clock. Pure apart from the compiled-message
// cache, so the server (titles of pages) and the unit tests use it as the pages do.
import { IntlMessageFormat, type Formats } from 'intl-messageformat';
import type { Locale } from './locales.ts';
import { catalogs, type MessageKey } from './messages/catalogs.ts';

export type MessageValues = Record<string, string | number | Date | boolean | null | undefined>;

export type Translator = {
  readonly locale: Locale;
  readonly timeZone: string;
  /** The message `key` with its arguments filled in. */
  t(key: MessageKey, values?: MessageValues): string;
  /** "09:05": a time of day in the province's zone. */
  clock(at: Date | number, withSeconds?: boolean): string;
  /** "2026-11-22": the calendar day of `at` in the province's zone (for comparing days). */
  calendarDay(at: Date | number): string;
  number(value: number, options?: Intl.NumberFormatOptions): string;
  /** "a, b and c" / "a、b和c". */
  list(items: readonly string[]): string;
  /** Sorts names the way a reader of this language expects (pinyin order for Chinese). */
  compare(a: string, b: string): number;
};

/** The Intl locale each page language formats with: British English keeps day-month order and the 24-hour clock. */
const intlLocales: Record<Locale, string> = { 'zh-CN': 'zh-CN', en: 'en-GB' };

/** The named date and time styles messages use (`{at, time, hm}`, `{at, date, day}`). */
function formatsFor(timeZone: string): Partial<Formats> {
  return {
    time: {
      hm: { hour: '2-digit', minute: '2-digit', hourCycle: 'h23', timeZone },
      hms: { hour: '2-digit', minute: '2-digit', second: '2-digit', hourCycle: 'h23', timeZone },
    },
    date: {
      day: { weekday: 'short', month: 'short', day: 'numeric', timeZone },
      dateTime: { year: 'numeric', month: '2-digit', day: '2-digit', hour: '2-digit', minute: '2-digit', second: '2-digit', hourCycle: 'h23', timeZone },
    },
  };
}

export function createTranslator(locale: Locale, timeZone: string): Translator {
  const intlLocale = intlLocales[locale];
  const formats = formatsFor(timeZone);
  const compiled = new Map<MessageKey, IntlMessageFormat>();
  const clockFormats = [false, true].map(
    (seconds) => new Intl.DateTimeFormat(intlLocale, { hour: '2-digit', minute: '2-digit', ...(seconds ? { second: '2-digit' } : {}), hourCycle: 'h23', timeZone }),
  );
  const dayFormat = new Intl.DateTimeFormat('en-CA', { year: 'numeric', month: '2-digit', day: '2-digit', timeZone });
  const collator = new Intl.Collator(intlLocale, { numeric: true });
  const listFormat = new Intl.ListFormat(intlLocale, { type: 'conjunction' });
  return {
    locale,
    timeZone,
    t(key, values) {
      let message = compiled.get(key);
      if (!message) {
        message = new IntlMessageFormat(catalogs[locale][key], intlLocale, formats, { ignoreTag: true });
        compiled.set(key, message);
      }
      return String(message.format(values));
    },
    clock: (at, withSeconds = false) => clockFormats[withSeconds ? 1 : 0]!.format(at),
    calendarDay: (at) => dayFormat.format(at),
    number: (value, options) => new Intl.NumberFormat(intlLocale, options).format(value),
    list: (items) => listFormat.format(items),
    compare: (a, b) => collator.compare(a, b),
  };
}
