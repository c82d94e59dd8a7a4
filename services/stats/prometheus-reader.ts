// The operator dashboard's figures read from Prometheus (or a store that answers its HTTP API:
// Thanos, VictoriaMetrics) instead of scraping the tiers itself, for a province whose hundreds of
// nodes Prometheus already scrapes: dashboard.prometheusUrl. The same metric names, read with PromQL:
// every classcast_ series at a time (an instant query), the targets' `up` for the tiers' state, and
// the same over a time range (a range query) for the history charts. Samples come back as if scraped
// from the tiers (the labels Prometheus adds, job and instance, left out; a metric label the target's
// own labels displaced, exported_city, given back its name), so the dashboard works them out as it
// does its own scrapes (dashboard-figures.ts).
import type { MetricSample } from './prom-text.ts';
import { metricPrefix } from './metric-names.ts';

export type PrometheusReader = {
  /** Every classcast_ sample at `atMs`, as the tiers' /metrics had it then (Prometheus's lookback: 5 min). */
  samplesAt(atMs: number): Promise<MetricSample[]>;
  /**
   * The scrape targets and whether Prometheus reaches them: its targets list (the scrape URL and the
   * last error, as the dashboard's own scraper names them), or where the store has none (Thanos),
   * the `up` series at `atMs`, named by instance.
   */
  targetsAt(atMs: number): Promise<Array<{ tier: string; url: string; ok: boolean; error?: string }>>;
  /** Every classcast_ sample at each step from `startMs` to `endMs`, by time (ms). */
  samplesOver(startMs: number, endMs: number, stepSeconds: number): Promise<Map<number, MetricSample[]>>;
};

const everyClasscastSeries = `{__name__=~"${metricPrefix}.+"}`;
/** Labels Prometheus adds to every series it scrapes; the tiers' own figures carry none of them. */
const addedLabels = new Set(['__name__', 'job', 'instance']);

type Series = { metric: Record<string, string> };
type InstantSeries = Series & { value: [number, string] };
type RangeSeries = Series & { values: Array<[number, string]> };

export function createPrometheusReader(baseUrl: string, timeoutMs = 5000): PrometheusReader {
  const api = async <T>(path: string, params: Record<string, string>): Promise<T> => {
    const url = `${baseUrl.replace(/\/+$/, '')}/api/v1/${path}?${new URLSearchParams(params)}`;
    const response = await fetch(url, { signal: AbortSignal.timeout(timeoutMs) });
    const body = (await response.json().catch(() => null)) as { status?: string; data?: { result?: T }; error?: string } | null;
    if (!response.ok || body?.status !== 'success' || body.data?.result === undefined) {
      throw new Error(`Prometheus at ${baseUrl} answered ${response.status} to ${path}: ${body?.error ?? 'no result'}`);
    }
    return body.data.result;
  };
  const seconds = (ms: number) => (ms / 1000).toFixed(3);
  return {
    async samplesAt(atMs) {
      const result = await api<InstantSeries[]>('query', { query: everyClasscastSeries, time: seconds(atMs) });
      return result.map((series) => sampleOf(series.metric, series.value[1]));
    },
    async targetsAt(atMs) {
      const listed = await targetList(baseUrl, timeoutMs).catch(() => undefined);
      if (listed) return listed;
      const result = await api<InstantSeries[]>('query', { query: 'up', time: seconds(atMs) });
      return result.map((series) => ({ tier: series.metric.role ?? series.metric.job ?? '', url: series.metric.instance ?? '', ok: series.value[1] === '1' }));
    },
    async samplesOver(startMs, endMs, stepSeconds) {
      const result = await api<RangeSeries[]>('query_range', { query: everyClasscastSeries, start: seconds(startMs), end: seconds(endMs), step: String(stepSeconds) });
      const byTime = new Map<number, MetricSample[]>();
      for (const series of result) {
        for (const [at, value] of series.values) {
          const time = Math.round(at * 1000);
          const samples = byTime.get(time) ?? [];
          samples.push(sampleOf(series.metric, value));
          byTime.set(time, samples);
        }
      }
      return new Map([...byTime].sort(([a], [b]) => a - b));
    },
  };
}

type Target = { scrapeUrl: string; health: string; lastError: string; labels: Record<string, string> };

async function targetList(baseUrl: string, timeoutMs: number): Promise<Array<{ tier: string; url: string; ok: boolean; error?: string }>> {
  const response = await fetch(`${baseUrl.replace(/\/+$/, '')}/api/v1/targets?state=active`, { signal: AbortSignal.timeout(timeoutMs) });
  const body = (await response.json()) as { status?: string; data?: { activeTargets?: Target[] } };
  if (!response.ok || body.status !== 'success' || !body.data?.activeTargets) throw new Error(`no target list (${response.status})`);
  return body.data.activeTargets.map((target) => {
    // 'unknown': not scraped yet, so not known to be down.
    const ok = target.health !== 'down';
    return { tier: target.labels.role ?? target.labels.job ?? '', url: target.scrapeUrl, ok, ...(ok ? {} : { error: target.lastError || 'down' }) };
  });
}

/** A Prometheus series as the tier's /metrics had it. */
export function sampleOf(metric: Record<string, string>, value: string): MetricSample {
  const labels: Record<string, string> = {};
  for (const [name, labelValue] of Object.entries(metric)) {
    if (addedLabels.has(name) || name.startsWith('exported_')) continue;
    labels[name] = labelValue;
  }
  // A target label of the same name (deploy/prometheus: city, role) displaced the metric's own.
  for (const [name, labelValue] of Object.entries(metric)) if (name.startsWith('exported_')) labels[name.slice('exported_'.length)] = labelValue;
  return { name: metric.__name__ ?? '', labels, value: Number(value) };
}
