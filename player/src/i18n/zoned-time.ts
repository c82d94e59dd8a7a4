// Wall-clock time in a named time zone (the province's), for the lesson form's datetime-local
// values and the timetable's days: which instant "2026-11-22 00:00 in Asia/Shanghai" is. Pure, and
// shared by the pages and the catalog API (its `today` and `week` ranges).

/** Whether Intl knows `zone` (an IANA name such as Asia/Shanghai). */
export function isTimeZone(zone: string): boolean {
  try {
    new Intl.DateTimeFormat('en', { timeZone: zone });
    return true;
  } catch {
    return false;
  }
}

export type WallClock = { year: number; month: number; day: number; hour: number; minute: number; second: number };

/** The wall clock of `timeZone` at `at`. */
export function wallClockAt(at: Date | number, timeZone: string): WallClock {
  const parts = new Intl.DateTimeFormat('en-CA', { year: 'numeric', month: '2-digit', day: '2-digit', hour: '2-digit', minute: '2-digit', second: '2-digit', hourCycle: 'h23', timeZone }).formatToParts(at);
  const part = (type: Intl.DateTimeFormatPartTypes) => Number(parts.find((entry) => entry.type === type)?.value ?? 0);
  return { year: part('year'), month: part('month'), day: part('day'), hour: part('hour'), minute: part('minute'), second: part('second') };
}

/** The instant the wall clock of `timeZone` shows `clock` (month 1-12; days past the month's end roll over). */
export function instantOfWallClock(clock: WallClock, timeZone: string): Date {
  const asUtc = Date.UTC(clock.year, clock.month - 1, clock.day, clock.hour, clock.minute, clock.second);
  // The zone's offset at that moment, asked twice so a time next to a daylight-saving change lands right.
  let at = asUtc - offsetMs(asUtc, timeZone);
  at = asUtc - offsetMs(at, timeZone);
  return new Date(at);
}

/** Midnight of the day `at` falls on in `timeZone`, `days` days later (0: that day's). */
export function startOfDayIn(at: Date, timeZone: string, days = 0): Date {
  const clock = wallClockAt(at, timeZone);
  return instantOfWallClock({ year: clock.year, month: clock.month, day: clock.day + days, hour: 0, minute: 0, second: 0 }, timeZone);
}

/** How far `timeZone`'s wall clock is ahead of UTC at `at`, in milliseconds. */
function offsetMs(at: number, timeZone: string): number {
  const clock = wallClockAt(at, timeZone);
  return Date.UTC(clock.year, clock.month - 1, clock.day, clock.hour, clock.minute, clock.second) - Math.floor(at / 1000) * 1000;
}
