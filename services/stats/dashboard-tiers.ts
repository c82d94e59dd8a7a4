// The tiers a catalog on its own reads for the operator dashboard, from the configuration's
// `dashboard.tiers`: each one's /metrics, as a Prometheus would scrape it; or, with
// `dashboard.prometheusUrl`, none: every figure is read from that Prometheus (prometheus-reader.ts).
import type { DashboardConfig } from '../core/config/schema.ts';
import type { MetricsSource } from './scrape-metrics.ts';
import { createPrometheusReader, type PrometheusReader } from './prometheus-reader.ts';

/** Where the dashboard reads the tiers' figures: `scraped` (this process's own tiers, say) and the configured tiers, or Prometheus. */
export function dashboardSources(config: DashboardConfig, scraped: MetricsSource[] = []): { metrics: MetricsSource[] } | { prometheus: { reader: PrometheusReader; url: string } } {
  if (config.prometheusUrl) return { prometheus: { reader: createPrometheusReader(config.prometheusUrl, config.scrapeTimeoutSeconds * 1000), url: config.prometheusUrl } };
  return { metrics: [...scraped, ...configuredTiers(config)] };
}

export function configuredTiers(config: DashboardConfig): MetricsSource[] {
  return config.tiers.map((tier) => {
    const url = new URL('metrics', tier.url.endsWith('/') ? tier.url : `${tier.url}/`).href;
    return { tier: tier.kind, url: () => url };
  });
}
