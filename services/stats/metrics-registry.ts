// One prom-client registry per role process, never prom-client's global one: `all` and the tests run
// several roles in one process, and each role's /metrics must show its own figures only. Every
// series carries the role's tier and node as default labels; process metrics come with it.
import { collectDefaultMetrics, Counter, Gauge, Registry } from 'prom-client';
import type { MetricName } from './metric-names.ts';

export type Tier = 'ingest' | 'relay' | 'catalog';

export function createMetricsRegistry(tier: Tier, node: string): Registry {
  const register = new Registry();
  register.setDefaultLabels({ tier, node });
  collectDefaultMetrics({ register });
  return register;
}


/**
 * A counter whose value is kept elsewhere (the relay's or the tracker's own stats) and read when
 * scraped, so the count has one source and is never counted twice.
 */
export function mirroredCounter(register: Registry, name: MetricName, help: string, read: () => number): void {
  new Counter({
    name,
    help,
    registers: [register],
    collect() {
      this.reset();
      this.inc(read());
    },
  });
}

/** A metric read from one field of a part's stats(): [field, metric name, help]. */
export type StatsMetric<S> = [keyof S, MetricName, string];

/**
 * Gauges and counters read from a part's stats() when scraped (the tracker, the raised hands). The
 * part is looked up each time, since it may be mounted after the registry is made; absent, 0.
 */
export function registerStatsMetrics<S extends Record<string, number>>(
  register: Registry,
  stats: () => S | undefined,
  metrics: { gauges: StatsMetric<S>[]; counters: StatsMetric<S>[] },
): void {
  for (const [field, name, help] of metrics.gauges) {
    new Gauge({
      name,
      help,
      registers: [register],
      collect() {
        this.set(stats()?.[field] ?? 0);
      },
    });
  }
  for (const [field, name, help] of metrics.counters) mirroredCounter(register, name, help, () => stats()?.[field] ?? 0);
}
