// Reads one role's /metrics over HTTP for the dashboard: the figures a Prometheus would scrape, with
// a short timeout so a tier that hangs costs the dashboard one missing source, not a stuck loop.
import { parsePromText, type MetricSample } from './prom-text.ts';

export type MetricsSource = {
  /** What the figures are of, as the dashboard names it: 'relay', 'ingest'. */
  tier: string;
  /** The /metrics URL. */
  url: () => string;
};

export type Scrape = { source: MetricsSource; ok: true; samples: MetricSample[] } | { source: MetricsSource; ok: false; error: string };

export async function scrapeMetrics(source: MetricsSource, timeoutMs = 3000): Promise<Scrape> {
  try {
    const response = await fetch(source.url(), { signal: AbortSignal.timeout(timeoutMs) });
    if (!response.ok) return { source, ok: false, error: `HTTP ${response.status}` };
    return { source, ok: true, samples: parsePromText(await response.text()) };
  } catch (error) {
    // fetch says only "fetch failed"; the reason (ECONNREFUSED, ENOTFOUND...) is in its cause.
    const cause = (error as Error & { cause?: { code?: unknown } }).cause?.code;
    return { source, ok: false, error: typeof cause === 'string' ? `${(error as Error).message} (${cause})` : (error as Error).message };
  }
}
