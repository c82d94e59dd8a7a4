// The dashboard's history as the page receives it ends at the snapshot's own instant: the history
// keeps a point at most every 10 s and averages points into buckets, so without this the charts'
// legends (their last values) could disagree with the tiles, rankings and tables, which are all of
// `now` ("Demo classroom 1: 3" beside "Viewers now 0"). The last point is replaced by, or followed
// with, `now` itself; a viewers series with no figure now is 0 (nobody watches it any more), other
// series null (not known now). Pure.
import type { HistoryWindow } from './history.ts';
import { historyPoint, type DashboardNow } from './dashboard-figures.ts';

export function endingAtNow(window: HistoryWindow, now: DashboardNow | null): HistoryWindow {
  if (!now) return window;
  const point = historyPoint(now);
  const last = window.times.length - 1;
  const replace = last >= 0 && window.times[last]! >= now.at;
  const times = replace ? window.times : [...window.times, now.at];
  const keys = new Set([...Object.keys(window.series), ...Object.keys(point)]);
  const series: Record<string, Array<number | null>> = {};
  for (const key of keys) {
    const values = window.series[key] ? [...window.series[key]!] : new Array<number | null>(window.times.length).fill(null);
    const value = point[key] ?? (key.startsWith('viewers') && now.viewers ? 0 : null);
    if (replace) values[last] = value;
    else values.push(value);
    series[key] = values;
  }
  return { times, series };
}
