// What a viewer whose video stopped is told, in words, once it has been stuck for a few seconds: that
// it stopped, and what the player is doing about it (waiting for the next segment, loading again,
// moving to another relay, lowering the quality), read from the recovery the player already does
// (hls-recovery.ts, relay-failover.ts, hls.js's own retries and quality switches). A short box over
// the picture, not video.js's error display: that one is for the notices of player-status.ts, which
// say more and win when shown.
import { ErrorDetails, Events } from 'hls.js';
import type Hls from 'hls.js';
import { t } from './i18n/i18n.ts';
import type { Player } from './videojs-types.ts';

export type StallAction = { kind: 'waiting' } | { kind: 'retrying' } | { kind: 'switching-relay' } | { kind: 'lowering-quality'; height: number };

/** Stopped for this long while meant to play counts as a stall a viewer should be told about. */
export const stallNoticeAfterMs = 3000;
const checkEveryMs = 500;

export type StallNotice = {
  /** Follows an hls.js instance's retries and quality switches (a new one after each rebuild). */
  watch(hls: Hls): void;
  /** The page moves to another relay (relay-failover.ts). */
  switchingRelay(): void;
  /** Whether the message shows now (tests read it through the page). */
  shown(): boolean;
};

const networkRetries = new Set<string>([
  ErrorDetails.FRAG_LOAD_ERROR,
  ErrorDetails.FRAG_LOAD_TIMEOUT,
  ErrorDetails.LEVEL_LOAD_ERROR,
  ErrorDetails.LEVEL_LOAD_TIMEOUT,
  ErrorDetails.MANIFEST_LOAD_ERROR,
  ErrorDetails.MANIFEST_LOAD_TIMEOUT,
]);

const actionKeys = {
  waiting: 'player.stall.waiting',
  retrying: 'player.stall.retrying',
  'switching-relay': 'player.stall.switching-relay',
} as const;

export function actionText(action: StallAction): string {
  return action.kind === 'lowering-quality' ? t('player.stall.lowering-quality', { height: action.height }) : t(actionKeys[action.kind]);
}

export function createStallNotice(player: Player, video: HTMLVideoElement, now: () => number = () => performance.now()): StallNotice {
  const box = document.createElement('div');
  box.className = 'cc-stall';
  box.setAttribute('role', 'status');
  box.setAttribute('aria-live', 'polite');
  box.hidden = true;
  const title = document.createElement('strong');
  const doing = document.createElement('span');
  box.append(title, doing);
  player.el().appendChild(box);

  let action: StallAction = { kind: 'waiting' };
  let lastTime = video.currentTime;
  let movedAt = now();

  const render = () => {
    title.textContent = t('player.stalled');
    doing.textContent = actionText(action);
  };
  const note = (next: StallAction) => {
    action = next;
    if (!box.hidden) render();
  };

  setInterval(() => {
    const meantToPlay = !video.paused && !video.ended && !video.seeking && video.played.length > 0;
    if (video.currentTime !== lastTime || !meantToPlay) {
      lastTime = video.currentTime;
      movedAt = now();
      action = { kind: 'waiting' };
    }
    // A notice of player-status.ts (connection lost, lesson ended...) says it better.
    const stalled = meantToPlay && now() - movedAt >= stallNoticeAfterMs && !player.error();
    if (stalled && box.hidden) render();
    box.hidden = !stalled;
    document.body.dataset.stalled = stalled ? 'true' : 'false';
  }, checkEveryMs);

  return {
    watch(hls) {
      hls.on(Events.ERROR, (_event, error) => {
        if (networkRetries.has(error.details)) note({ kind: 'retrying' });
      });
      hls.on(Events.LEVEL_SWITCHING, (_event, data) => {
        const playing = hls.levels[hls.currentLevel];
        if (playing && data.height > 0 && data.height < playing.height) note({ kind: 'lowering-quality', height: data.height });
      });
    },
    switchingRelay: () => note({ kind: 'switching-relay' }),
    shown: () => !box.hidden,
  };
}
