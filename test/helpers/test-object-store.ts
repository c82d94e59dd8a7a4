// A relay's object store as the relay's unit tests open it: one upstream (a local server), a disk
// cache in `dir`, 10 MB in memory and on disk, 5 s first-byte and stall bounds.
import { createLogger } from '../../services/core/log.ts';
import { openDiskCache, type DiskCache } from '../../services/relay/disk-cache.ts';
import { createObjectStore, type ObjectStore } from '../../services/relay/object-store.ts';
import type { ObjectSizeLimits } from '../../services/relay/object-check.ts';
import { createRelayStats, type RelayStats } from '../../services/relay/relay-stats.ts';
import { createUpstreams, type Upstreams } from '../../services/relay/upstreams.ts';

export type TestObjectStore = { store: ObjectStore; stats: RelayStats; upstreams: Upstreams; disk: DiskCache };

export function openTestObjectStore(upstreamUrl: string, dir: string, sizeLimits?: ObjectSizeLimits): TestObjectStore {
  const stats = createRelayStats();
  const upstreams = createUpstreams([upstreamUrl], 60_000);
  const disk = openDiskCache(dir, 10 * 1024 ** 2);
  const store = createObjectStore({ upstreams, limits: { firstByteTimeoutMs: 5000, stallTimeoutMs: 5000 }, memoryBytes: 10 * 1024 ** 2, disk, stats, log: createLogger(), ...(sizeLimits ? { sizeLimits } : {}) });
  return { store, stats, upstreams, disk };
}
