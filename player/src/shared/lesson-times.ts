// How the pages write lesson times, and how the lesson form's datetime-local inputs become the API's
// ISO times. Pure (the time zone is a parameter), so it is tested without a browser.

/** "Today 09:00–09:45", "Tomorrow 10:00–10:45", "Mon 24 Nov 10:00–10:45"; "…from 09:00" without an end. */
export function lessonTimeRange(startsAt: string, endsAt: string | null, now: Date, timeZone?: string): string {
  const start = new Date(startsAt);
  const clock = new Intl.DateTimeFormat('en-GB', { hour: '2-digit', minute: '2-digit', hourCycle: 'h23', timeZone });
  const day = dayLabel(start, now, timeZone);
  if (!endsAt) return `${day} from ${clock.format(start)}`;
  const end = new Date(endsAt);
  const endDay = calendarDay(end, timeZone) === calendarDay(start, timeZone) ? '' : `${dayLabel(end, now, timeZone)} `;
  return `${day} ${clock.format(start)}–${endDay}${clock.format(end)}`;
}

/** "in 5 min", "in 2 h 10 min", "5 min ago"; "now" within a minute. */
export function relativeTime(then: Date, now: Date): string {
  const minutes = Math.round((then.getTime() - now.getTime()) / 60_000);
  if (!Number.isFinite(minutes) || minutes === 0) return 'now';
  const size = Math.abs(minutes);
  const hours = Math.floor(size / 60);
  const rest = size % 60;
  const amount = hours === 0 ? `${size} min` : rest === 0 ? `${hours} h` : `${hours} h ${rest} min`;
  return minutes > 0 ? `in ${amount}` : `${amount} ago`;
}

/** The value a datetime-local input shows for `date`, in the browser's own time zone: "2026-11-22T09:05". */
export function toDateTimeLocal(date: Date): string {
  const two = (value: number) => String(value).padStart(2, '0');
  return `${date.getFullYear()}-${two(date.getMonth() + 1)}-${two(date.getDate())}T${two(date.getHours())}:${two(date.getMinutes())}`;
}

/** The ISO time a datetime-local value stands for (read in the browser's time zone), or null when it is not one. */
export function fromDateTimeLocal(value: string): string | null {
  if (!/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2})?$/.test(value)) return null;
  const date = new Date(value);
  return Number.isNaN(date.getTime()) ? null : date.toISOString();
}

/** A new lesson's default times: from now (to the minute, so it is live at once) for 45 minutes. */
export function defaultLessonTimes(now: Date): { startsAt: Date; endsAt: Date } {
  const startsAt = new Date(Math.floor(now.getTime() / 60_000) * 60_000);
  return { startsAt, endsAt: new Date(startsAt.getTime() + 45 * 60_000) };
}

function dayLabel(date: Date, now: Date, timeZone?: string): string {
  const days = Math.round((Date.parse(calendarDay(date, timeZone)) - Date.parse(calendarDay(now, timeZone))) / 86_400_000);
  if (days === 0) return 'Today';
  if (days === 1) return 'Tomorrow';
  if (days === -1) return 'Yesterday';
  return new Intl.DateTimeFormat('en-GB', { weekday: 'short', day: 'numeric', month: 'short', timeZone }).format(date);
}

/** "2026-11-22": the calendar day of `date` in `timeZone`. */
function calendarDay(date: Date, timeZone?: string): string {
  return new Intl.DateTimeFormat('en-CA', { year: 'numeric', month: '2-digit', day: '2-digit', timeZone }).format(date);
}
