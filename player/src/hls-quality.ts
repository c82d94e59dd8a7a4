// The renditions hls.js offers and which one plays, as the quality menu and the test hooks see them.
import { Events } from 'hls.js';
import type Hls from 'hls.js';
import type { QualityLevel } from './quality-labels.ts';

/** Passed by reference into video.js components (video.js deep-copies plain option objects). */
export class HlsQuality {
  readonly #hls: Hls;
  readonly #listeners = new Set<() => void>();
  #chosen: number;

  /** `chosen`: the level the viewer chose before this instance (another relay's), -1 for Auto. */
  constructor(hls: Hls, chosen = -1) {
    this.#hls = hls;
    this.#chosen = chosen;
    const changed = () => this.#notify();
    hls.on(Events.MANIFEST_PARSED, changed);
    hls.on(Events.LEVELS_UPDATED, changed);
    hls.on(Events.LEVEL_SWITCHED, changed);
  }

  levels(): QualityLevel[] {
    return this.#hls.levels.map((level, index) => ({ index, height: level.height, bitrate: level.bitrate }));
  }

  /** The level whose picture is on screen now, or -1 before anything plays. */
  currentLevel(): number {
    return this.#hls.currentLevel;
  }

  /** The level the viewer chose, or -1 while hls.js picks (Auto). */
  selectedLevel(): number {
    return this.#hls.autoLevelEnabled ? -1 : this.#hls.manualLevel;
  }

  /**
   * The level the viewer last chose (-1: Auto). hls.js falls back to Auto itself when a level fails
   * to load, which a failing relay makes every level do; the viewer's choice outlives that.
   */
  chosenLevel(): number {
    return this.#chosen;
  }

  /** Switches to level `index` now; -1 hands the choice back to hls.js (Auto). */
  setLevel(index: number): void {
    if (!Number.isInteger(index) || index < -1 || index >= this.#hls.levels.length) {
      throw new RangeError(`no quality level ${index}: use -1 (Auto) or 0 to ${this.#hls.levels.length - 1}`);
    }
    this.#hls.currentLevel = index;
    this.#chosen = index;
    this.#notify();
  }

  /** Calls `listener` when the levels, the choice or the playing level change. */
  onChange(listener: () => void): () => void {
    this.#listeners.add(listener);
    return () => this.#listeners.delete(listener);
  }

  #notify(): void {
    for (const listener of this.#listeners) listener();
  }
}
