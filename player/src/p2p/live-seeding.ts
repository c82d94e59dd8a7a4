// Makes p2p-media-loader fetch each new segment over HTTP in a few viewers only (its seeders, see
// seeder-choice.ts) and have the others wait for it from peers until it is nearly due.
//
// p2p-media-loader 2.3.1 fetches over HTTP whatever falls in its high-demand window and asks peers
// only for segments some peer already has; a live player near the edge finds every new segment in
// its high-demand window with no peer holding it, so out of the box everyone fetches everything over
// HTTP. Its own answer, fetching random segments over HTTP from a timer (1 s + up to 1 s per peer),
// is too slow for segments that are due 4 s after they are listed. So, just before hls.js asks for
// a segment (this loader wraps p2p-media-loader's), the viewer decides whether it seeds that segment
// and sets its windows: a seeder's high-demand window covers everything (HTTP at once), the others'
// is `waitUntilDueSeconds` (peers first, HTTP when the segment is that close to being played).
// hls.js asks for one segment at a time, so the windows set for a segment hold while it loads.
import type { FragmentLoaderConstructor, FragmentLoaderContext, LoaderCallbacks, LoaderConfiguration } from 'hls.js';
import type { HlsJsP2PEngine } from 'p2p-media-loader-hlsjs';
import type { DynamicCoreConfig } from 'p2p-media-loader-core';
import type { MainStreamPeers } from './main-stream-peers.ts';
import type { P2pProfile } from './p2p-profile.ts';
import { seedersFor, seedsSegment } from './seeder-choice.ts';

/** Alone, or seeding: everything the player will need soon comes over HTTP at once, as plain hls.js does. */
export const seedWindows: DynamicCoreConfig = { highDemandTimeWindow: 30, httpDownloadTimeWindow: 30, p2pDownloadTimeWindow: 30 };

/** Not seeding: peers first; HTTP (hls.js's pick or p2p-media-loader's random seeding) only once the segment is nearly due. */
export function waitWindows(profile: P2pProfile): DynamicCoreConfig {
  return { highDemandTimeWindow: profile.waitUntilDueSeconds, httpDownloadTimeWindow: profile.waitUntilDueSeconds, p2pDownloadTimeWindow: 30 };
}

/** Segments this viewer chose to seed and to wait for from peers (delivery-stats.ts). */
export type SeedingCounts = { segmentsSeeded: number; segmentsWaited: number };

export type Seeding = {
  /** Called with each fragment hls.js is about to ask p2p-media-loader for. */
  beforeLoad(context: FragmentLoaderContext): void;
};

/** `selfId` is this viewer's peer id (given to p2p-media-loader as its whole trackerClientVersionPrefix). */
export function createSeeding(engine: HlsJsP2PEngine, peers: MainStreamPeers, profile: P2pProfile, selfId: string, counts: SeedingCounts): Seeding {
  const waiting = waitWindows(profile);
  let applied: DynamicCoreConfig | null = null;
  const apply = (windows: DynamicCoreConfig) => {
    if (applied === windows) return;
    engine.applyDynamicConfig({ core: windows });
    applied = windows;
  };
  // Nobody left to wait for (the last peer went, or was dropped for a bad segment): the segment
  // under way comes over HTTP now, not when it is nearly due.
  peers.onChange(() => {
    if (peers.ids.size === 0) apply(seedWindows);
  });
  apply(seedWindows);
  return {
    beforeLoad(context) {
      const { sn, level } = context.frag;
      if (sn === 'initSegment') return;
      const seeds = peers.ids.size === 0 || seedsSegment(selfId, peers.ids, `${level}-${sn}`, seedersFor(peers.ids.size + 1, profile.viewersPerSeeder));
      counts[seeds ? 'segmentsSeeded' : 'segmentsWaited']++;
      apply(seeds ? seedWindows : waiting);
    },
  };
}

/** Wraps a fragment loader so `beforeLoad` runs just before each fragment is asked for. */
export function seedingFragmentLoader(Base: FragmentLoaderConstructor, beforeLoad: (context: FragmentLoaderContext) => void): FragmentLoaderConstructor {
  return class SeedingFragmentLoader extends Base {
    override load(context: FragmentLoaderContext, config: LoaderConfiguration, callbacks: LoaderCallbacks<FragmentLoaderContext>): void {
      beforeLoad(context);
      super.load(context, config, callbacks);
    }
  };
}
