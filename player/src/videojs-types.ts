// Narrow types for the parts of video.js 8 this player uses whose shipped declarations are missing or
// misleading: source handlers (not declared), `videojs.getTech` (declared to return an instance, it
// returns the class) and `videojs.getComponent` (declared to return plain Component).
// video.js's declarations are CommonJS-shaped: from an ES module, a class is `Module.default.default`.
import type * as PlayerModule from 'video.js/dist/types/player.js';
import type * as ButtonModule from 'video.js/dist/types/button.js';
import type * as MenuButtonModule from 'video.js/dist/types/menu/menu-button.js';
import type * as MenuItemModule from 'video.js/dist/types/menu/menu-item.js';

export type Player = PlayerModule.default;
export type ButtonClass = typeof ButtonModule.default.default;
export type MenuButtonClass = typeof MenuButtonModule.default.default;
export type MenuItemClass = typeof MenuItemModule.default.default;
export type MenuItem = MenuItemModule.default;

/** How sure a handler is that it can play a source, in HTMLMediaElement.canPlayType's words. */
export type CanPlay = '' | 'maybe' | 'probably';

/** A source as video.js passes it to source handlers: the `{ src, type }` given to `player.src()`. */
export type VideoSource = { src: string; type?: string };

/** The Html5 tech instance a source handler receives; `el()` is the `<video>` element. */
export type Html5Tech = { el(): Element };

/** Time ranges as the <video> element and video.js's `createTimeRanges` give them. */
export type TimeRanges = { readonly length: number; start(index: number): number; end(index: number): number };

/**
 * What `handleSource` returns. video.js calls `dispose()` when the source changes or the player goes,
 * and asks it for `seekable()` instead of the <video> element when it has one.
 */
export type SourceHandle = { dispose(): void; seekable?(): TimeRanges };

/** A video.js source handler (Tech~SourceHandler in video.js's docs). */
export type SourceHandler = {
  canPlayType(type: string): CanPlay;
  canHandleSource(source: VideoSource, options: unknown): CanPlay;
  handleSource(source: VideoSource, tech: Html5Tech, options: unknown): SourceHandle;
};

/** The Html5 tech class, which mixes in Tech.withSourceHandlers. */
export type TechWithSourceHandlers = {
  registerSourceHandler(handler: SourceHandler, index?: number): void;
};
