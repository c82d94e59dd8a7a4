// How the pages write lesson times, and how the lesson form's datetime-local inputs (read as the
// province's wall clock, whatever the browser's own zone) become the API's ISO times. Pure (the
// time zone is a parameter, the province's by default), so it is tested without a browser.
import { i18n, t } from '../i18n/i18n.ts';
import { createTranslator, type Translator } from '../i18n/translate.ts';
import { instantOfWallClock, wallClockAt } from '../i18n/zoned-time.ts';

/** "Today 09:00–09:45", "Tomorrow 10:00–10:45", "Mon 24 Nov 10:00–10:45"; "…from 09:00" without an end. */
export function lessonTimeRange(startsAt: string, endsAt: string | null, now: Date, timeZone = i18n().timeZone): string {
  const zoned = inZone(timeZone);
  const start = new Date(startsAt);
  const day = dayLabel(start, now, zoned);
  if (!endsAt) return zoned.t('time.from', { day, start });
  const end = new Date(endsAt);
  if (zoned.calendarDay(end) === zoned.calendarDay(start)) return zoned.t('time.range', { day, start, end });
  return zoned.t('time.rangeAcrossDays', { day, start, end, endDay: dayLabel(end, now, zoned) });
}

/** "in 5 min", "in 2 h 10 min", "5 min ago"; "now" within a minute. */
export function relativeTime(then: Date, now: Date): string {
  const minutes = Math.round((then.getTime() - now.getTime()) / 60_000);
  if (!Number.isFinite(minutes) || minutes === 0) return t('time.now');
  const size = Math.abs(minutes);
  const hours = Math.floor(size / 60);
  const rest = size % 60;
  const amount = hours === 0 ? t('time.minutes', { minutes: size }) : rest === 0 ? t('time.hours', { hours }) : t('time.hoursMinutes', { hours, minutes: rest });
  return minutes > 0 ? t('time.in', { amount }) : t('time.ago', { amount });
}

/** The value a datetime-local input shows for `date` on the wall clock of `timeZone`: "2026-11-22T09:05". */
export function toDateTimeLocal(date: Date, timeZone = i18n().timeZone): string {
  const clock = wallClockAt(date, timeZone);
  const two = (value: number) => String(value).padStart(2, '0');
  return `${clock.year}-${two(clock.month)}-${two(clock.day)}T${two(clock.hour)}:${two(clock.minute)}`;
}

/** The ISO time a datetime-local value stands for on the wall clock of `timeZone`, or null when it is not one. */
export function fromDateTimeLocal(value: string, timeZone = i18n().timeZone): string | null {
  const match = /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2})(?::(\d{2}))?$/.exec(value);
  if (!match) return null;
  const [year, month, day, hour, minute, second] = match.slice(1).map((part) => Number(part ?? 0)) as [number, number, number, number, number, number];
  if (month < 1 || month > 12 || day < 1 || day > 31 || hour > 23 || minute > 59 || second > 59) return null;
  return instantOfWallClock({ year, month, day, hour, minute, second }, timeZone).toISOString();
}

/** A new lesson's default times: from now (to the minute, so it is live at once) for 45 minutes. */
export function defaultLessonTimes(now: Date): { startsAt: Date; endsAt: Date } {
  const startsAt = new Date(Math.floor(now.getTime() / 60_000) * 60_000);
  return { startsAt, endsAt: new Date(startsAt.getTime() + 45 * 60_000) };
}

/** The page's translator, or one for another zone (the tests ask for UTC). */
function inZone(timeZone: string): Translator {
  const page = i18n();
  return timeZone === page.timeZone ? page : createTranslator(page.locale, timeZone);
}

function dayLabel(date: Date, now: Date, zoned: Translator): string {
  const days = Math.round((Date.parse(zoned.calendarDay(date)) - Date.parse(zoned.calendarDay(now))) / 86_400_000);
  if (days === 0) return zoned.t('time.today');
  if (days === 1) return zoned.t('time.tomorrow');
  if (days === -1) return zoned.t('time.yesterday');
  return zoned.t('time.date', { at: date });
}
