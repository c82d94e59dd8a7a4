// What the watch page does when the browser's own HLS (Safari, older iOS) fails. The <video> element
// does not say why, so the page tells the viewer it is waiting or reconnecting and loads the lesson
// again a little later, from the source as it is then (a protected lesson's with its newest token).
import { noticeForNativeError } from './error-messages.ts';
import type { PlayerStatus } from './player-status.ts';
import { retryDelayMs } from './recovery-timing.ts';
import type { Player, VideoSource } from './videojs-types.ts';

export function recoverFromNativeErrors(
  player: Player,
  status: PlayerStatus,
  source: () => VideoSource,
  hasPlayed: () => boolean,
): void {
  let retryTimer: ReturnType<typeof setTimeout> | undefined;
  status.onOtherError(() => {
    status.show(noticeForNativeError(hasPlayed()));
    clearTimeout(retryTimer);
    retryTimer = setTimeout(() => player.src(source()), retryDelayMs);
  });
}
