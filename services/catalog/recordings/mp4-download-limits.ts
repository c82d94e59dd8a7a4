// How often MP4 downloads may be asked for. Preparing one runs ffmpeg over the whole replay (a copy,
// no re-encoding, but still minutes of disk reads on a long lesson), so asking is limited twice:
// per viewer (their account, else their address), a token bucket over every "prepare" request;
// and per node, a token bucket over the preparations this catalog actually starts (asking for a
// recording that is already prepared or being prepared costs the node nothing: one preparation per
// recording however many ask, claimMp4 in queries/recordings.ts; and many asking for the same one at
// once pay once between them, counted before any of them reaches the database). Both answer how
// long to wait.
import { LRUCache } from 'lru-cache';
import { createTokenBucket, type RateLimit, type TokenBucket } from '../../core/token-bucket.ts';

export type Mp4DownloadLimits = { perViewer: RateLimit; perNode: RateLimit };

/** Viewers remembered at once (least recently seen forgotten first), so a flood of addresses costs a fixed amount. */
const rememberedViewers = 10_000;

export type Mp4Throttle = {
  /** One more request from `viewer`: 0 when allowed, else the seconds to wait. */
  viewerAsks(viewer: string, now: number): number;
  /** A preparation of `recordingId` started on this node: 0 when allowed (or already paid for lately), else the seconds to wait. */
  nodeStarts(recordingId: string, now: number): number;
};

/** How long a recording's preparation stays paid for: as long as a claim holds (claimMp4's 2 minutes). */
const paidForMs = 120_000;

/** `limits`: catalog.mp4Downloads of the configuration. */
export function createMp4Throttle(limits: Mp4DownloadLimits): Mp4Throttle {
  const viewers = new LRUCache<string, TokenBucket>({ max: rememberedViewers });
  let node: TokenBucket | undefined;
  const paid = new LRUCache<string, number>({ max: rememberedViewers });
  const waitFor = (limit: RateLimit) => Math.max(1, Math.ceil(1 / limit.perSecond));
  return {
    viewerAsks(viewer, now) {
      let bucket = viewers.get(viewer);
      if (!bucket) viewers.set(viewer, (bucket = createTokenBucket(limits.perViewer, now)));
      return bucket.take(now) ? 0 : waitFor(limits.perViewer);
    },
    nodeStarts(recordingId, now) {
      const paidAt = paid.get(recordingId);
      if (paidAt !== undefined && now - paidAt < paidForMs) return 0;
      node ??= createTokenBucket(limits.perNode, now);
      if (!node.take(now)) return waitFor(limits.perNode);
      paid.set(recordingId, now);
      return 0;
    },
  };
}
