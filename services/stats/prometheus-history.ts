// The dashboard's charts from Prometheus (dashboard.prometheusUrl): one range query over every
// classcast_ series, then at each step the figures worked out as the figures of now are
// (dashboard-figures.ts), rates over the step before and quality over the 5 minutes before, and the
// history point they make. So the charts reach back as far as Prometheus keeps (the page asks for a
// day) at a step of a 360th of the window (at least 10 s), not the few hours the process keeps.
import { counterTotals, dashboardNow, historyPoint, type CatalogLesson, type CounterSnapshot, type DashboardNow } from './dashboard-figures.ts';
import type { HistoryWindow } from './history.ts';
import type { PrometheusReader } from './prometheus-reader.ts';
import { metricNames } from './metric-names.ts';

const longWindowMs = 5 * 60_000;
const maxPoints = 360;

export type PrometheusHistoryInput = {
  reader: PrometheusReader;
  at: number;
  minutes: number;
  lessons: readonly CatalogLesson[];
  /** Names of the cities and schools the viewer labels name (catalog ids). */
  placeNames(cityIds: number[], schoolIds: number[]): Promise<{ cities: Map<number, string>; schools: Map<number, string> }>;
};

export async function prometheusHistory(input: PrometheusHistoryInput): Promise<{ window: HistoryWindow; figures: DashboardNow[] }> {
  const stepSeconds = Math.max(10, Math.ceil((input.minutes * 60) / maxPoints));
  const start = input.at - input.minutes * 60_000;
  const byTime = await input.reader.samplesOver(start - longWindowMs, input.at, stepSeconds);
  const ids = (label: 'city' | 'school') =>
    [...new Set([...byTime.values()].flatMap((samples) => samples.filter((sample) => sample.name === metricNames.viewers).map((sample) => Number(sample.labels[label]))))].filter(Number.isInteger);
  const places = await input.placeNames(ids('city'), ids('school'));

  const counters: CounterSnapshot[] = [];
  const figures: DashboardNow[] = [];
  const points: Array<Record<string, number | null>> = [];
  const times: number[] = [];
  for (const [at, samples] of byTime) {
    const snapshot = counterTotals(at, samples);
    const short = counters[counters.length - 1];
    const long = [...counters].reverse().find((earlier) => earlier.at <= at - longWindowMs) ?? counters[0];
    counters.push(snapshot);
    if (at < start) continue;
    const now = dashboardNow({ at, samples, counters: snapshot, windows: { short, long }, lessons: input.lessons, cityNames: places.cities, schoolNames: places.schools });
    figures.push(now);
    points.push(historyPoint(now));
    times.push(at);
  }
  const keys = [...new Set(points.flatMap((point) => Object.keys(point)))];
  const series = Object.fromEntries(keys.map((key) => [key, points.map((point) => (point[key] ?? null) as number | null)]));
  return { window: { times, series }, figures };
}
