// The P2P tracker's figures in Prometheus form, read from its stats() when scraped. The tracker is
// mounted after the HTTP server listens, so it is looked up each time.
import type { Registry } from 'prom-client';
import { registerStatsMetrics, type StatsMetric } from './metrics-registry.ts';
import type { Tracker, TrackerStats } from '../tracker/tracker-server.ts';

const gauges: StatsMetric<TrackerStats>[] = [
  ['swarms', 'classcast_tracker_swarms', 'Swarms (one per lesson rendition) with at least one peer.'],
  ['peers', 'classcast_tracker_peers', 'Peers listed across all swarms.'],
  ['connections', 'classcast_tracker_connections', 'Open WebSocket connections to the tracker.'],
];

const counters: StatsMetric<TrackerStats>[] = [
  ['announces', 'classcast_tracker_announces_total', 'Announces accepted.'],
  ['refusedAnnounces', 'classcast_tracker_refused_announces_total', 'Announces refused (a swarm of no lesson this node carries).'],
  ['limitedAnnounces', 'classcast_tracker_limited_announces_total', 'Announces over the rate limits.'],
  ['refusedConnections', 'classcast_tracker_refused_connections_total', 'Connections refused (too many from one address).'],
];

export function registerTrackerMetrics(register: Registry, tracker: () => Tracker | undefined): void {
  registerStatsMetrics(register, () => tracker()?.stats(), { gauges, counters });
}
