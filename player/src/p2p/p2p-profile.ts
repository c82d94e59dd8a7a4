// How far behind the live edge a peer-to-peer viewer plays while it has peers and how long it waits
// for a new segment from them, per latency mode. Without peers it plays as close as a viewer over
// HTTP only (live-distance-policy.ts). docs/p2p.md ("Tuning for live") explains the figures and how
// they were measured (scripts/bench/p2p-swarm.ts).
import type { LatencyMode } from '../shared/catalog-types.ts';

export type P2pProfile = {
  /**
   * Segments between the playhead and the playlist's edge while peers are connected (as hls.js's
   * liveSyncDurationCount, times the target duration, so a fraction works). What goes beyond the
   * segment playing and the next is time in which a new segment can travel from its seeder to the
   * other viewers. With no peer the viewer plays at the watch page's own distance (latency-profile.ts).
   */
  liveSyncDurationCount: number;
  /**
   * p2p-media-loader's highDemandTimeWindow for a viewer that does not seed a segment: it waits for
   * the segment from peers until it is due within this many seconds, then fetches it over HTTP.
   */
  waitUntilDueSeconds: number;
  /** Viewers per seeder: a swarm of n viewers has ceil(n / viewersPerSeeder) seeders per segment. */
  viewersPerSeeder: number;
};

/**
 * `low` (1 s segments) plays 2 s behind the edge: a segment is due about a second after it is
 * listed, too little to pass it on, so those lessons play over HTTP (choose-delivery.ts).
 */
export const p2pProfiles: Record<Exclude<LatencyMode, 'low'>, P2pProfile> = {
  // 2 s segments, 5.5 s behind the edge with peers (4 s alone): a new segment is listed about 3 s
  // before it is due (less the time the viewer takes to reload its playlist). A viewer that does not seed it waits for it
  // from peers until it is due within 1.5 s, then fetches it over HTTP: p2p-media-loader re-examines
  // its queue about once a second while playing, so the fetch may start up to a second later. With
  // 2 s (measured at 6 s behind) nearly every segment is already due when listed and nothing comes
  // from peers. 6 s behind measured 83.8 % from peers with 8 viewers but a glass-to-glass p50 of
  // 8.06 s; 5.5 s trades a little of that share for half a second.
  normal: { liveSyncDurationCount: 2.75, waitUntilDueSeconds: 1.5, viewersPerSeeder: 10 },
  // 4 s segments, 12 s behind with peers (8 s alone): about 8 s to share each segment, 3 s kept for HTTP.
  high: { liveSyncDurationCount: 3, waitUntilDueSeconds: 3, viewersPerSeeder: 16 },
};

/**
 * Replays: viewers are anywhere in the recording and hls.js keeps up to 10 s buffered, so a segment
 * nobody has yet is waited for until it is due within 4 s.
 */
export const replayP2pProfile: P2pProfile = { liveSyncDurationCount: 3, waitUntilDueSeconds: 4, viewersPerSeeder: 10 };

export function p2pProfileFor(mode: LatencyMode | undefined): P2pProfile | null {
  if (mode === 'low') return null;
  return p2pProfiles[mode ?? 'normal'];
}
