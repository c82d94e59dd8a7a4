// The tiers a catalog on its own reads for the operator dashboard, from the configuration's
// `dashboard.tiers`: each one's /metrics, as a Prometheus would scrape it.
import type { DashboardConfig } from '../core/config/schema.ts';
import type { MetricsSource } from './scrape-metrics.ts';

export function configuredTiers(config: DashboardConfig): MetricsSource[] {
  return config.tiers.map((tier) => {
    const url = new URL('metrics', tier.url.endsWith('/') ? tier.url : `${tier.url}/`).href;
    return { tier: tier.kind, url: () => url };
  });
}
