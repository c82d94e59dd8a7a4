// The storage policy's figures for Prometheus (docs/deploy.md "Storage policy"): bytes it freed,
// renditions it dropped and MP4s it removed (made from a dropped rendition), by where the replays
// rest ('local' or 'bucket'). Read from the process's counts when scraped.
import { Counter, type Registry } from 'prom-client';
import { renditionPolicyCounts } from '../catalog/recordings/rendition-policy-counts.ts';
import { metricNames, type MetricName } from './metric-names.ts';

export function registerRenditionPolicyMetrics(register: Registry): void {
  const byLocation = (name: MetricName, help: string, read: () => Record<string, number>) =>
    new Counter({
      name,
      help,
      labelNames: ['location'],
      registers: [register],
      collect() {
        this.reset();
        for (const [location, count] of Object.entries(read())) this.inc({ location }, count);
      },
    });
  byLocation(metricNames.storagePolicyFreedBytesTotal, 'Bytes of replay files the storage policy removed (dropped renditions and MP4s made from them).', () => renditionPolicyCounts.freedBytes);
  byLocation(metricNames.storagePolicyRenditionsDroppedTotal, "Renditions the storage policy removed from replays (their files, after the grace).", () => renditionPolicyCounts.renditionsDropped);
  byLocation(metricNames.storagePolicyMp4sRemovedTotal, 'Prepared MP4s removed because the rendition they were made from was dropped.', () => renditionPolicyCounts.mp4sRemoved);
}
