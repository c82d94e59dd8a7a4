// How p2p-media-loader and hls.js are tuned for live lessons watched peer to peer (normal latency
// mode: 2 s segments). A first setting, to be measured and tuned toward the goal of 70 % of bytes
// from peers at no more than 8 s behind the teacher; docs/p2p.md explains the choices.
import type { HlsConfig } from 'hls.js';
import type { CoreConfig, DynamicCoreConfig } from 'p2p-media-loader-core';
import { liveLessonHlsConfig } from '../latency-profile.ts';
import type { P2pSettings } from './p2p-settings.ts';

/**
 * Play 3 segments (6 s) behind the live edge instead of 2: a new segment then has about one segment's
 * time between appearing in the playlist and being due, in which a peer that fetched it over HTTP
 * can pass it on. At 2 segments behind, it is due (high demand) the moment it appears.
 */
export const p2pLiveLessonHlsConfig: Partial<HlsConfig> = { ...liveLessonHlsConfig, liveSyncDurationCount: 3 };

/**
 * With peers: a segment due within 2 s (the one playing and the next) is fetched over HTTP at once;
 * later ones are asked of peers first, and each viewer fetches a random share of them over HTTP to
 * seed the swarm. Peers are asked for segments up to 16 s ahead, HTTP seeding looks 8 s ahead
 * (in a live lesson the playlist rarely reaches that far; replays will).
 */
export const windowsWithPeers: DynamicCoreConfig = { highDemandTimeWindow: 2, httpDownloadTimeWindow: 8, p2pDownloadTimeWindow: 16 };

/** Without peers, everything the player will need soon comes over HTTP at once, as plain hls.js does. */
export const windowsWithoutPeers: DynamicCoreConfig = { highDemandTimeWindow: 30, httpDownloadTimeWindow: 30, p2pDownloadTimeWindow: 30 };

export function p2pCoreConfig(settings: P2pSettings): Partial<CoreConfig> {
  return {
    ...windowsWithoutPeers,
    announceTrackers: [settings.trackerUrl],
    rtcConfig: { iceServers: settings.iceServers },
    swarmId: settings.swarmId,
    simultaneousHttpDownloads: 2,
    simultaneousP2PDownloads: 3,
    // A peer that sends nothing for 1.5 s is dropped for this segment, leaving time for HTTP.
    p2pNotReceivingBytesTimeoutMs: 1500,
  };
}
