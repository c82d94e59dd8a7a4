// The timetable's week view as a calendar grid: the seven days of the province's week (Monday to
// Sunday) across, the periods down. A period is a time of day lessons start at that week (schools
// ring the bell at the same times every day), numbered from the first; each cell holds the lessons
// of that day starting at that time. Pure (the time zone is a parameter), so it is tested without a browser.
import { instantOfWallClock, startOfDayIn, wallClockAt } from '../i18n/zoned-time.ts';

export type WeekDay = { day: string; start: Date; isToday: boolean };
export type WeekPeriod<T> = { number: number; time: string; cells: T[][] };
export type WeekGrid<T> = { days: WeekDay[]; periods: Array<WeekPeriod<T>> };

const two = (value: number) => String(value).padStart(2, '0');

/** Monday 00:00 of the week `now` falls in, and the Monday after, on the wall clock of `timeZone`. */
export function weekBounds(now: Date, timeZone: string): { from: Date; to: Date } {
  const clock = wallClockAt(now, timeZone);
  const weekday = new Date(Date.UTC(clock.year, clock.month - 1, clock.day)).getUTCDay();
  const sinceMonday = (weekday + 6) % 7;
  return { from: startOfDayIn(now, timeZone, -sinceMonday), to: startOfDayIn(now, timeZone, 7 - sinceMonday) };
}

/** The grid of `lessons` (those of the week `now` is in) in `timeZone`. */
export function weekGrid<T extends { startsAt: string }>(lessons: readonly T[], now: Date, timeZone: string): WeekGrid<T> {
  const { from } = weekBounds(now, timeZone);
  const first = wallClockAt(from, timeZone);
  const dayKey = (at: Date) => {
    const clock = wallClockAt(at, timeZone);
    return `${clock.year}-${two(clock.month)}-${two(clock.day)}`;
  };
  const today = dayKey(now);
  const days: WeekDay[] = Array.from({ length: 7 }, (_, index) => {
    const start = instantOfWallClock({ ...first, day: first.day + index, hour: 0, minute: 0, second: 0 }, timeZone);
    const day = dayKey(start);
    return { day, start, isToday: day === today };
  });
  const dayIndex = new Map(days.map((day, index) => [day.day, index]));
  const byTime = new Map<string, T[][]>();
  for (const lesson of lessons) {
    const startsAt = new Date(lesson.startsAt);
    const index = dayIndex.get(dayKey(startsAt));
    if (index === undefined) continue;
    const clock = wallClockAt(startsAt, timeZone);
    const time = `${two(clock.hour)}:${two(clock.minute)}`;
    let cells = byTime.get(time);
    if (!cells) byTime.set(time, (cells = days.map(() => [])));
    cells[index]!.push(lesson);
  }
  const periods = [...byTime.entries()]
    .sort(([a], [b]) => a.localeCompare(b))
    .map(([time, cells], index) => ({ number: index + 1, time, cells: cells.map((cell) => [...cell].sort((a, b) => Date.parse(a.startsAt) - Date.parse(b.startsAt))) }));
  return { days, periods };
}
