// hls.js instances for viewers who play over HTTP only, counting the media bytes they fetch into the
// delivery stats like the peer-to-peer ones do (p2p-hls.ts).
import Hls, { type FragmentLoaderConstructor } from 'hls.js';
import type { HlsFactory } from '../hls-factory.ts';
import type { DeliveryStats } from './delivery-stats.ts';
import { mediaFragmentLoader } from './media-fragment-loader.ts';

export function httpHlsFactory(stats: DeliveryStats): HlsFactory {
  const onHttpFragment = (bytes: number) => (stats.httpBytes += bytes);
  // hls.js fetches fragments with `loader` when no fLoader is given.
  const ownLoader = Hls.DefaultConfig.loader as unknown as FragmentLoaderConstructor;
  return (config) => new Hls({ ...config, fLoader: mediaFragmentLoader(ownLoader, onHttpFragment) });
}
