// hls.js instances that fetch segments through p2p-media-loader, for viewers who share segments with
// other viewers of the lesson. The watch page loads this module (and the engine, about 160 kB) only
// for them; http-hls.ts makes the plain ones.
import Hls, { type FragmentLoaderConstructor, type PlaylistLoaderConstructor } from 'hls.js';
import { HlsJsP2PEngine } from 'p2p-media-loader-hlsjs';
import type { HlsFactory } from '../hls-factory.ts';
import { tokenHttpRequestSetup, withToken } from '../playback-token.ts';
import type { DeliveryStats } from './delivery-stats.ts';
import { mediaFragmentLoader } from './media-fragment-loader.ts';
import { followLiveDistance } from './live-distance.ts';
import { createSeeding, seedingFragmentLoader } from './live-seeding.ts';
import { watchMainStreamPeers } from './main-stream-peers.ts';
import { makePeerId } from './seeder-choice.ts';
import { p2pCoreConfig } from './p2p-tuning.ts';
import { keepPlaylistUrlsPlain } from './plain-playlist-urls.ts';
import type { P2pSettings } from './p2p-settings.ts';
import type { SegmentValidator } from './segment-integrity.ts';

export type P2pHlsOptions = {
  settings: P2pSettings;
  stats: DeliveryStats;
  validate: SegmentValidator;
  /** Called with each engine made (one per hls.js instance), for the test hooks. */
  onEngine(engine: HlsJsP2PEngine): void;
  /** A protected lesson's playback token: sent with HTTP segment requests and to the tracker. */
  token?: string | undefined;
  /** The tracker beside the relay in use, read for each engine: it follows the page to another relay. */
  trackerUrl?: () => string;
};

/** hls.js fetching segments through p2p-media-loader: from peers where it can, over HTTP where not. */
export function p2pHlsFactory({ settings, stats, validate, onEngine, token, trackerUrl = () => settings.trackerUrl }: P2pHlsOptions): HlsFactory {
  // One peer id for the page, made here so the seeding choice knows this viewer's own id
  // (p2p-media-loader keeps the id of a swarm for the page's lifetime anyway).
  const peerId = makePeerId('-PM0203-');
  const coreFor = (tracker: string) =>
    token
      ? { ...p2pCoreConfig({ ...settings, trackerUrl: withToken(tracker, token) }, peerId), httpRequestSetup: tokenHttpRequestSetup(token) }
      : p2pCoreConfig({ ...settings, trackerUrl: tracker }, peerId);
  return (config) => {
    // The swarm stays the lesson's: viewers on every relay share its segments wherever they meet.
    const core = coreFor(trackerUrl());
    const engine = new HlsJsP2PEngine({ core: { ...core, validateP2PSegment: validate } });
    const peers = watchMainStreamPeers(engine);
    const seeding = createSeeding(engine, peers, settings.profile, peerId, stats);
    // getConfigForHlsJs types its loaders as unknown; they are hls.js loader classes.
    const loaders = engine.getConfigForHlsJs() as { fLoader: FragmentLoaderConstructor; pLoader: PlaylistLoaderConstructor };
    const hls = new Hls({
      ...config,
      pLoader: loaders.pLoader,
      fLoader: mediaFragmentLoader(seedingFragmentLoader(loaders.fLoader, seeding.beforeLoad), (bytes) => (stats.httpBytes += bytes)),
    });
    keepPlaylistUrlsPlain(hls);
    engine.bindHls(hls);
    // It starts where a viewer over HTTP only would, and moves back only while it has peers.
    followLiveDistance(hls, peers, {
      aloneSegments: config.liveSyncDurationCount ?? Hls.DefaultConfig.liveSyncDurationCount,
      sharingSegments: settings.profile.liveSyncDurationCount,
    });
    countPeerTraffic(engine, stats);
    onEngine(engine);
    return hls;
  };
}

function countPeerTraffic(engine: HlsJsP2PEngine, stats: DeliveryStats): void {
  const peers = new Set<string>();
  const setPeers = () => (stats.peers = peers.size);
  engine.addEventListener('onChunkDownloaded', (bytes, source) => {
    if (source === 'p2p') stats.p2pBytesDown += bytes;
    else stats.httpBytes += bytes;
  });
  engine.addEventListener('onChunkUploaded', (bytes) => (stats.p2pBytesUp += bytes));
  engine.addEventListener('onPeerConnect', ({ peerId, streamType }) => {
    peers.add(`${streamType}:${peerId}`);
    setPeers();
  });
  engine.addEventListener('onPeerClose', ({ peerId, streamType }) => {
    peers.delete(`${streamType}:${peerId}`);
    setPeers();
  });
}
