// The P2P tracker's figures in Prometheus form, read from its stats() when scraped. The tracker is
// mounted after the HTTP server listens, so it is looked up each time.
import type { Registry } from 'prom-client';
import { registerStatsMetrics, type StatsMetric } from './metrics-registry.ts';
import type { Tracker, TrackerStats } from '../tracker/tracker-server.ts';
import { metricNames } from './metric-names.ts';

const gauges: StatsMetric<TrackerStats>[] = [
  ['swarms', metricNames.trackerSwarms, 'Swarms (one per lesson rendition) with at least one peer.'],
  ['peers', metricNames.trackerPeers, 'Peers listed across all swarms.'],
  ['connections', metricNames.trackerConnections, 'Open WebSocket connections to the tracker.'],
];

const counters: StatsMetric<TrackerStats>[] = [
  ['announces', metricNames.trackerAnnouncesTotal, 'Announces accepted.'],
  ['refusedAnnounces', metricNames.trackerRefusedAnnouncesTotal, 'Announces refused (a swarm of no lesson this node carries).'],
  ['limitedAnnounces', metricNames.trackerLimitedAnnouncesTotal, 'Announces over the rate limits.'],
  ['refusedConnections', metricNames.trackerRefusedConnectionsTotal, 'Connections refused (too many from one address).'],
];

export function registerTrackerMetrics(register: Registry, tracker: () => Tracker | undefined): void {
  registerStatsMetrics(register, () => tracker()?.stats(), { gauges, counters });
}
