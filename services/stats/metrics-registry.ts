// One prom-client registry per role process, never prom-client's global one: `all` and the tests run
// several roles in one process, and each role's /metrics must show its own figures only. Every
// series carries the role's tier and node as default labels; process metrics come with it.
import { collectDefaultMetrics, Counter, Registry } from 'prom-client';

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
export function mirroredCounter(register: Registry, name: string, help: string, read: () => number): void {
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
