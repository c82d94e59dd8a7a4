// `window.classcast`: what end-to-end tests (and a curious developer's console) read and drive.
import type Hls from 'hls.js';
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
};

declare global {
  interface Window {
    classcast?: ClasscastTestApi;
  }
}

export function exposeTestHooks(api: ClasscastTestApi): void {
  window.classcast = api;
}
