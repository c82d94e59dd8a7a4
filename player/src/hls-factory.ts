// How the watch page makes its hls.js instances: the source handler calls a factory, so the page
// chooses plain hls.js or hls.js with the peer-to-peer loader (p2p/p2p-hls.ts) in one place.
import type Hls from 'hls.js';
import type { HlsConfig } from 'hls.js';

export type HlsFactory = (config: Partial<HlsConfig>) => Hls;
