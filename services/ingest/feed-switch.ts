// Which of a classroom's encoders carries its lesson. A classroom may push the same lesson from its
// primary key and its backup key at once; one of them feeds the transcoder, the other stands by.
// The primary is preferred. When the encoder carrying the lesson drops, or sends nothing for the
// switch bound, the other takes over; the primary takes the lesson back from the backup once it
// has sent media steadily for a while (so a flapping primary does not bounce the lesson to and fro),
// just after a keyframe of its own.
// Pure: the session (publish-session.ts) asks on every check and does the switching.
import type { KeyKind } from './catalog-port.ts';

export type FeedHealth = {
  kind: KeyKind;
  /** Its first keyframe has arrived: a transcoder can start on it. */
  ready: boolean;
  lastTagAt: number;
  /** When the keyframe a run started now would begin with arrived (0 before the first). */
  keyframeAt: number;
  /** Since when it has sent media with no pause longer than the switch bound; undefined while paused or not ready. */
  steadySince: number | undefined;
};

export type SwitchPolicy = {
  /** A carrying encoder that sends nothing for this long is switched away from (when the other can take over). */
  switchAfterMs: number;
  /** How long the primary must have been steady before it takes the lesson back from the backup. */
  returnAfterMs: number;
  /**
   * The primary takes the lesson back only just after one of its keyframes (one this recent), so
   * its run starts with little media the backup has already sent. At least the check interval.
   */
  keyframeWithinMs: number;
};

/** Why the lesson moves to the other encoder. */
export type SwitchReason = 'dropped' | 'stalled' | 'primary back';
export type FeedChoice = { kind: KeyKind; reason: SwitchReason };

/** The feed's `steadySince` after a check at `now`, given what it was. */
export function steadySince(previous: number | undefined, feed: Pick<FeedHealth, 'ready' | 'lastTagAt'>, now: number, policy: SwitchPolicy): number | undefined {
  if (!feed.ready || now - feed.lastTagAt > policy.switchAfterMs) return undefined;
  return previous ?? now;
}

const fresh = (feed: FeedHealth | undefined, now: number, policy: SwitchPolicy): feed is FeedHealth =>
  feed !== undefined && feed.ready && now - feed.lastTagAt <= policy.switchAfterMs;

/** The feed a new run starts on: a sending one before a paused one that has a keyframe, primary before backup. */
export function chooseFeed(feeds: readonly FeedHealth[], now: number, policy: SwitchPolicy): KeyKind | undefined {
  const byPreference = [...feeds].sort((a, b) => (a.kind === b.kind ? 0 : a.kind === 'primary' ? -1 : 1));
  return (byPreference.find((feed) => fresh(feed, now, policy)) ?? byPreference.find((feed) => feed.ready))?.kind;
}

/**
 * Whether the lesson should move off `active` (the kind carrying it, which may have gone from
 * `feeds`) now, and to which feed; undefined to stay.
 */
export function switchFrom(feeds: readonly FeedHealth[], active: KeyKind, now: number, policy: SwitchPolicy): FeedChoice | undefined {
  const current = feeds.find((feed) => feed.kind === active);
  const other = feeds.find((feed) => feed.kind !== active);
  // Gone: a standby that is itself paused still beats no media at all.
  if (!current) return other?.ready ? { kind: other.kind, reason: 'dropped' } : undefined;
  if (!fresh(current, now, policy)) return fresh(other, now, policy) ? { kind: other.kind, reason: 'stalled' } : undefined;
  const steady = (feed: FeedHealth) => feed.steadySince !== undefined && now - feed.steadySince >= policy.returnAfterMs;
  if (active === 'backup' && fresh(other, now, policy) && steady(other) && now - other.keyframeAt <= policy.keyframeWithinMs) {
    return { kind: 'primary', reason: 'primary back' };
  }
  return undefined;
}
