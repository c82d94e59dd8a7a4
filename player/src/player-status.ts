// What the viewer is told over the player, and the page's `data-player-state`. Notices are shown with
// video.js's error display (`player.error(message)`), so they use its overlay, styling and ARIA.
import { isFinal, isProblem, isRetrying, noticeMessage, noticeStates, type Notice, type PlayerState } from './error-messages.ts';
import type { Player } from './videojs-types.ts';

export type PlayerStatus = {
  /** Every problem message shown to the viewer, oldest first (the end-of-lesson and relay-switch notices are none). */
  readonly errors: readonly string[];
  show(notice: Notice): void;
  /** The video is playing: take away any notice that is not final. */
  playing(): void;
  /** Media data flows again: take away a retrying notice, even if the video has not resumed yet. */
  recovered(): void;
  /** Calls `listener` for errors video.js raised itself (from the <video> element), not for our notices. */
  onOtherError(listener: () => void): void;
  /** Puts our notice (or nothing) back in place of an error video.js raised itself. */
  replaceOtherError(): void;
  /** Shows the current notice again: video.js clears its error display when a new source starts loading. */
  redisplay(): void;
};

const noticeClasses = ['cc-notice-retrying', 'cc-notice-ended'];

export function createPlayerStatus(player: Player, body: HTMLElement = document.body): PlayerStatus {
  const errors: string[] = [];
  let current: Notice | null = null;
  let displaying = false;

  const setState = (state: PlayerState) => {
    body.dataset.playerState = state;
  };

  const display = (notice: Notice) => {
    player.removeClass(...noticeClasses);
    if (isRetrying(notice)) player.addClass('cc-notice-retrying');
    if (notice === 'lesson-ended') player.addClass('cc-notice-ended');
    displaying = true;
    try {
      player.error(noticeMessage(notice));
    } finally {
      displaying = false;
    }
  };

  const clear = () => {
    current = null;
    player.removeClass(...noticeClasses);
    player.error(null);
  };

  setState('loading');
  return {
    errors,
    show(notice) {
      setState(noticeStates[notice]);
      if (notice !== current && isProblem(notice)) errors.push(noticeMessage(notice));
      current = notice;
      if (player.error()?.message !== noticeMessage(notice)) display(notice);
    },
    playing() {
      if (current && isFinal(current)) return;
      if (current) clear();
      setState('playing');
    },
    recovered() {
      if (!current || !isRetrying(current)) return;
      clear();
      const flowing = !player.paused() && player.readyState() >= HTMLMediaElement.HAVE_FUTURE_DATA;
      setState(flowing ? 'playing' : 'loading');
    },
    onOtherError(listener) {
      player.on('error', () => {
        if (!displaying) listener();
      });
    },
    replaceOtherError() {
      if (current) display(current);
      else player.error(null);
    },
    redisplay() {
      if (current) display(current);
    },
  };
}
