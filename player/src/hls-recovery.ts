// What the watch page does when hls.js gives up on something: wait for a lesson that has not started,
// move to another relay (or reconnect to the only one) after a lost connection, rebuild the media
// pipeline once after a decoding error, and otherwise stop loading and say why.
import { Events } from 'hls.js';
import type Hls from 'hls.js';
import { noticeForHlsError } from './error-messages.ts';
import type { PlayerStatus } from './player-status.ts';
import { mediaRecoveryWindowMs, retryDelayMs } from './recovery-timing.ts';

/** `moveToNextRelay`: hands a lost connection to the relay failover (relay-failover.ts); false when there is no other relay. */
export function recoverFromHlsErrors(hls: Hls, status: PlayerStatus, hasPlayed: () => boolean, moveToNextRelay: () => boolean = () => false): void {
  let retryTimer: ReturnType<typeof setTimeout> | undefined;
  let lastMediaRecovery = -Infinity;

  hls.on(Events.ERROR, (_event, error) => {
    const notice = noticeForHlsError(error, hasPlayed());
    if (notice === null) return;
    if (notice === 'network-lost' && moveToNextRelay()) return;
    if (notice === 'lesson-not-started' || notice === 'network-lost') {
      status.show(notice);
      clearTimeout(retryTimer);
      retryTimer = setTimeout(() => loadAgain(hls), retryDelayMs);
      return;
    }
    if (notice === 'media-error' && performance.now() - lastMediaRecovery > mediaRecoveryWindowMs) {
      lastMediaRecovery = performance.now();
      hls.recoverMediaError();
      return;
    }
    hls.stopLoad();
    status.show(notice);
  });

  const recovered = () => status.recovered();
  hls.on(Events.MANIFEST_PARSED, recovered);
  hls.on(Events.LEVEL_LOADED, recovered);
  hls.on(Events.FRAG_BUFFERED, recovered);
  hls.on(Events.DESTROYING, () => clearTimeout(retryTimer));
}

function loadAgain(hls: Hls): void {
  // Until the master playlist has loaded, hls.js can only start over from its URL; after that,
  // startLoad() picks the live playlists up where they are now.
  if (hls.levels.length > 0) {
    hls.startLoad();
  } else if (hls.url) {
    hls.loadSource(hls.url);
  }
}
