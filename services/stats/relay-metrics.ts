// The relay's figures in Prometheus form. relay-stats.ts stays the one place the relay counts
// (requests, hits, misses, bytes...); these metrics read it when scraped, as do the upstream
// states and the cache sizes, so nothing is counted twice.
import { Gauge, type Registry } from 'prom-client';
import { mirroredCounter } from './metrics-registry.ts';
import type { Relay } from '../relay/start-relay.ts';
import type { RelayStats } from '../relay/relay-stats.ts';

/** Each RelayStats counter, the metric it becomes, and what it means. */
const counters: Array<[keyof RelayStats, string, string]> = [
  ['requests', 'classcast_relay_requests_total', 'Media requests viewers made to this relay.'],
  ['hits', 'classcast_relay_cache_hits_total', 'Requests answered from the cache.'],
  ['misses', 'classcast_relay_cache_misses_total', 'Requests that needed an upstream fetch.'],
  ['joined', 'classcast_relay_joined_flights_total', 'Misses that joined a fetch already under way (single flight).'],
  ['bytesToViewers', 'classcast_relay_bytes_to_viewers_total', 'Bytes sent to viewers (and downstream relays).'],
  ['bytesFromUpstream', 'classcast_relay_bytes_from_upstream_total', 'Bytes received from upstreams.'],
  ['upstreamRequests', 'classcast_relay_upstream_requests_total', 'Fetches made to upstreams.'],
  ['upstreamFailures', 'classcast_relay_upstream_failures_total', 'Upstream fetches that failed or stalled.'],
  ['upstreamNotFound', 'classcast_relay_upstream_not_found_total', 'Upstream 404s after which the relay asked its next upstream (the lesson may be carried by another).'],
  ['rejected', 'classcast_relay_rejected_objects_total', 'Objects refused as broken (bad status, truncated, sequence going back).'],
  ['oversized', 'classcast_relay_oversized_objects_total', 'Objects refused and not cached for exceeding the size bound of their kind (relay.maxPlaylistKb, maxInitKb, maxSegmentMb).'],
  ['prefetched', 'classcast_relay_prefetched_total', 'Segments fetched ahead of viewers.'],
  ['refused', 'classcast_relay_refused_playback_total', 'Requests for protected lessons refused for want of a good playback token.'],
];

export function registerRelayMetrics(register: Registry, relay: Pick<Relay, 'stats' | 'upstreams' | 'store' | 'disk'>): void {
  for (const [field, name, help] of counters) mirroredCounter(register, name, help, () => relay.stats[field]);
  new Gauge({
    name: 'classcast_relay_upstream_up',
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
    name: 'classcast_relay_cache_bytes',
    help: 'Bytes held in the relay cache, by where.',
    labelNames: ['store'],
    registers: [register],
    collect() {
      this.set({ store: 'memory' }, relay.store.memoryBytes());
      this.set({ store: 'disk' }, relay.disk.size());
    },
  });
  new Gauge({
    name: 'classcast_relay_disk_cache_objects',
    help: 'Objects held in the relay disk cache.',
    registers: [register],
    collect() {
      this.set(relay.disk.count());
    },
  });
}
