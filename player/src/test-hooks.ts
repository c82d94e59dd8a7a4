// `window.classcast`: what end-to-end tests (and a curious developer's console) read and drive.
import type Hls from 'hls.js';
import type { HlsJsP2PEngine } from 'p2p-media-loader-hlsjs';
import type { DeliveryStats } from './p2p/delivery-stats.ts';
import type { QualityLevel } from './quality-labels.ts';
import type { Player } from './videojs-types.ts';

export type ClasscastTestApi = {
  readonly player: Player;
  /** The hls.js instance; null while the browser plays HLS itself or before the source is loaded. */
  readonly hls: Hls | null;
  levels(): QualityLevel[];
  /** The level on screen now; -1 before anything plays or when the browser plays HLS itself. */
  currentLevel(): number;
  /** Switches to level `index` now; -1 is Auto. Throws RangeError for a level that does not exist. */
  setLevel(index: number): void;
  /** Every problem message shown to the viewer, oldest first. */
  readonly errors: readonly string[];
  /** Whether the stall message shows now (stall-notice.ts). */
  stalled(): boolean;
  /** Bytes over HTTP and from and to peers, peers, refused segments (updated as they happen). */
  readonly p2p: DeliveryStats;
  /** The peer-to-peer engine, while this viewer shares segments; null otherwise. */
  readonly p2pEngine: HlsJsP2PEngine | null;
};

declare global {
  interface Window {
    classcast?: ClasscastTestApi;
  }
}

export function exposeTestHooks(api: ClasscastTestApi): void {
  window.classcast = api;
}
