// Moving the watch page to the next relay when the one it plays from fails: on a fatal network error
// (hls-recovery.ts hands those over), on a few playlist or segment loads in a row that got no
// answer, or on one such load while the viewer's buffer has run dry. The page rebuilds its source on
// the new relay (watch.ts); the viewer sees "Switching relay…" for as long as that takes, and
// "Connection lost" only once every relay failed in turn.
import Hls, { ErrorDetails, Events, type HlsConfig, type LoaderConfig } from 'hls.js';
import type { PlayerStatus } from './player-status.ts';
import { retryDelayMs } from './recovery-timing.ts';
import { createFailureStreak, isRelayFailure, nextRelayIndex, type Relay } from './relay-list.ts';

/**
 * hls.js retries a failed load twice before it gives up; three failures within 15 s mean the relay
 * is gone (a viewer's buffer holds 4 to 12 s), while one slow segment is not. Once the buffer has
 * run dry, one failure is enough (relay-list.ts, createFailureStreak).
 */
const failuresInARow = 3;
const failureWindowMs = 15_000;

/**
 * How long hls.js waits for a relay's first byte before a load counts as failed. A relay that is
 * gone refuses the connection (status 0 at once: hls.js does not retry that, so the failures come
 * within milliseconds), but one that accepts connections and never answers (hung, or cut off behind
 * a load balancer) is only seen through timeouts: at hls.js's 10 s, three in a row took 30 s, long
 * after the viewer's buffer (5.5 s behind the live edge at most, p2p-profile.ts) ran dry. A healthy
 * relay answers a live playlist from memory within milliseconds and starts sending a segment within
 * a second even from its upstream; with 2.5 s and 4 s the first comes about when the buffer runs
 * dry, and the three within about 8 s. One slow answer is still only a retry (hls.js's retry counts
 * and delays are kept). Measured in test/e2e/relay-failover.test.ts ("stops answering").
 */
export const relayLoadPolicies: Pick<HlsConfig, 'playlistLoadPolicy' | 'fragLoadPolicy'> = {
  playlistLoadPolicy: { default: withFirstByteWithin(Hls.DefaultConfig.playlistLoadPolicy.default, 2500) },
  fragLoadPolicy: { default: withFirstByteWithin(Hls.DefaultConfig.fragLoadPolicy.default, 4000) },
};

function withFirstByteWithin(policy: LoaderConfig, ms: number): LoaderConfig {
  return { ...policy, maxTimeToFirstByteMs: ms };
}

export type RelayFailover = {
  /** The relay the page plays from now. */
  current(): Relay;
  /** Watches an hls.js instance playing from the current relay: failures in a row move to the next. */
  watch(hls: Hls): void;
  /** The current relay failed: moves to the next. False when there is no other (the caller retries). */
  moveOn(): boolean;
};

export type RelayFailoverOptions = {
  relays: readonly Relay[];
  status: PlayerStatus;
  /** Plays the lesson again from `relay`, where the viewer was, at the quality they chose. */
  rebuild(relay: Relay): void;
};

export function createRelayFailover({ relays, status, rebuild }: RelayFailoverOptions): RelayFailover {
  if (relays.length === 0) throw new RangeError('a relay failover needs at least one relay');
  let index = 0;
  // Relays that failed since media last loaded: once it is all of them, none answers.
  let failedInTurn = 0;
  let pending: ReturnType<typeof setTimeout> | undefined;

  const moveOn = () => {
    if (relays.length < 2) return false;
    if (pending !== undefined) return true;
    failedInTurn++;
    const noneAnswers = failedInTurn >= relays.length;
    status.show(noneAnswers ? 'network-lost' : 'switching-relay');
    // Round the list again, but not in a tight loop while every relay is down.
    pending = setTimeout(
      () => {
        pending = undefined;
        index = nextRelayIndex(index, relays.length);
        rebuild(relays[index]!);
      },
      noneAnswers ? retryDelayMs : 0,
    );
    return true;
  };

  return {
    current: () => relays[index]!,
    moveOn,
    watch(hls) {
      const streak = createFailureStreak(failuresInARow, failureWindowMs);
      hls.on(Events.ERROR, (_event, error) => {
        // Fatal errors come through hls-recovery.ts, which knows a lesson that has not started.
        if (error.fatal) return;
        const now = performance.now();
        if (isRelayFailure(error) ? streak.failed(now) : error.details === ErrorDetails.BUFFER_STALLED_ERROR && streak.stalled(now)) moveOn();
      });
      hls.on(Events.FRAG_BUFFERED, () => streak.buffered());
      const loaded = () => {
        streak.succeeded();
        failedInTurn = 0;
      };
      hls.on(Events.MANIFEST_LOADED, loaded);
      hls.on(Events.LEVEL_LOADED, loaded);
      hls.on(Events.FRAG_LOADED, loaded);
    },
  };
}
