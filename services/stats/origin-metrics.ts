// The province origin's own egress, by URL space: what the dashboard and Prometheus use for the
// province's bandwidth (services/origin/egress-meter.ts counts it).
import { Counter, type Registry } from 'prom-client';
import type { MediaSpace } from '../origin/media-request.ts';
import { metricNames } from './metric-names.ts';

export function registerOriginMetrics(register: Registry, totals: () => Record<MediaSpace, number>): void {
  new Counter({
    name: metricNames.originBytesSentTotal,
    help: 'Bytes the province origin sent for /live and /vod (headers included), by URL space.',
    labelNames: ['space'],
    registers: [register],
    collect() {
      this.reset();
      for (const [space, bytes] of Object.entries(totals())) this.inc({ space }, bytes);
    },
  });
}
