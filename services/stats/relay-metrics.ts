// The relay's figures in Prometheus form. relay-stats.ts stays the one place the relay counts
// (requests, hits, misses, bytes...); these metrics read it when scraped, as do the upstream
// states and the cache sizes, so nothing is counted twice.
import { Gauge, type Registry } from 'prom-client';
import { mirroredCounter } from './metrics-registry.ts';
import type { Relay } from '../relay/start-relay.ts';
import type { RelayStats } from '../relay/relay-stats.ts';
import { metricNames, type MetricName } from './metric-names.ts';

/** Each RelayStats counter, the metric it becomes, and what it means. */
const counters: Array<[keyof RelayStats, MetricName, string]> = [
  ['requests', metricNames.relayRequestsTotal, 'Media requests viewers made to this relay.'],
  ['hits', metricNames.relayCacheHitsTotal, 'Requests answered from the cache.'],
  ['misses', metricNames.relayCacheMissesTotal, 'Requests that needed an upstream fetch.'],
  ['joined', metricNames.relayJoinedFlightsTotal, 'Misses that joined a fetch already under way (single flight).'],
  ['bytesToViewers', metricNames.relayBytesToViewersTotal, 'Bytes sent to viewers (and downstream relays).'],
  ['bytesFromUpstream', metricNames.relayBytesFromUpstreamTotal, 'Bytes received from upstreams.'],
  ['upstreamRequests', metricNames.relayUpstreamRequestsTotal, 'Fetches made to upstreams.'],
  ['upstreamFailures', metricNames.relayUpstreamFailuresTotal, 'Upstream fetches that failed or stalled.'],
  ['upstreamNotFound', metricNames.relayUpstreamNotFoundTotal, 'Upstream 404s after which the relay asked its next upstream (the lesson may be carried by another).'],
  ['rejected', metricNames.relayRejectedObjectsTotal, 'Objects refused as broken (bad status, truncated, sequence going back).'],
  ['oversized', metricNames.relayOversizedObjectsTotal, 'Objects refused and not cached for exceeding the size bound of their kind (relay.maxPlaylistKb, maxInitKb, maxSegmentMb).'],
  ['prefetched', metricNames.relayPrefetchedTotal, 'Segments fetched ahead of viewers.'],
  ['refused', metricNames.relayRefusedPlaybackTotal, 'Requests for protected lessons refused for want of a good playback token.'],
];

export function registerRelayMetrics(register: Registry, relay: Pick<Relay, 'stats' | 'upstreams' | 'store' | 'disk'>): void {
  for (const [field, name, help] of counters) mirroredCounter(register, name, help, () => relay.stats[field]);
  new Gauge({
    name: metricNames.relayUpstreamUp,
    help: 'Whether each configured upstream is in use (1) or set aside after a failure (0).',
    labelNames: ['upstream'],
    registers: [register],
    collect() {
      this.reset();
      // The configured list: a handful of URLs, fixed at start, so a bounded label.
      for (const state of relay.upstreams.states()) this.set({ upstream: state.url }, state.up ? 1 : 0);
    },
  });
  new Gauge({
    name: metricNames.relayCacheBytes,
    help: 'Bytes held in the relay cache, by where.',
    labelNames: ['store'],
    registers: [register],
    collect() {
      this.set({ store: 'memory' }, relay.store.memoryBytes());
      this.set({ store: 'disk' }, relay.disk.size());
    },
  });
  new Gauge({
    name: metricNames.relayDiskCacheObjects,
    help: 'Objects held in the relay disk cache.',
    registers: [register],
    collect() {
      this.set(relay.disk.count());
    },
  });
}
