// How p2p-media-loader is tuned for lessons watched peer to peer. The per-mode figures are in
// p2p-profile.ts, the choice of who fetches each new segment over HTTP in live-seeding.ts, the
// distance from the live edge with and without peers in live-distance-policy.ts; docs/p2p.md
// ("Tuning for live") explains them and how they were measured.
import type { CoreConfig } from 'p2p-media-loader-core';
import { seedWindows } from './live-seeding.ts';
import type { P2pSettings } from './p2p-settings.ts';

/** `peerId` is this viewer's: p2p-media-loader takes it whole as its "version prefix" (20 characters). */
export function p2pCoreConfig(settings: P2pSettings, peerId: string): Partial<CoreConfig> {
  return {
    ...seedWindows,
    announceTrackers: [settings.trackerUrl],
    rtcConfig: { iceServers: settings.iceServers },
    swarmId: settings.swarmId,
    trackerClientVersionPrefix: peerId,
    // Two HTTP downloads at once (the default): the segment due and one more when catching up.
    simultaneousHttpDownloads: 2,
    // A viewer waiting for a segment may ask three peers at once for different segments (the default).
    simultaneousP2PDownloads: 3,
    // A peer that sends nothing for 1.5 s is left for this segment, in time for HTTP.
    p2pNotReceivingBytesTimeoutMs: 1500,
    // p2p-media-loader 2.3.1 closes a peer for good (no reconnect while both stay in the swarm) after
    // this many such timeouts over the connection's whole life, not in a row: at 3 (the default) a
    // busy phone or a CPU-starved test machine lost its peers within minutes and seeded everything.
    p2pErrorRetries: 10,
  };
}
