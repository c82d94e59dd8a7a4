// The one place the watch page constructs hls.js. A peer-to-peer loader (p2p-media-loader-hlsjs) will
// plug in here later, by passing its loader in the config or by wrapping the Hls class.
import Hls, { type HlsConfig } from 'hls.js';

export type HlsFactory = (config: Partial<HlsConfig>) => Hls;

export const createHls: HlsFactory = (config) => new Hls(config);
