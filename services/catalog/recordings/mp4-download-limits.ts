// How often MP4 downloads may be asked for. Preparing one runs ffmpeg over the whole replay (a copy,
// no re-encoding, but still minutes of disk reads on a long lesson), so asking is limited twice:
// per viewer (their account, else their address), a token bucket over every "prepare" request;
// and per node, a token bucket over the preparations this catalog actually starts (asking for a
// recording that is already prepared or being prepared costs the node nothing: one preparation per
// recording however many ask, claimMp4 in queries/recordings.ts). Both answer how long to wait.
import { LRUCache } from 'lru-cache';
import { createTokenBucket, type RateLimit, type TokenBucket } from '../../tracker/announce-limits.ts';

export type Mp4DownloadLimits = { perViewer: RateLimit; perNode: RateLimit };

/** Viewers remembered at once (least recently seen forgotten first), so a flood of addresses costs a fixed amount. */
const rememberedViewers = 10_000;

export type Mp4Throttle = {
  /** One more request from `viewer`: 0 when allowed, else the seconds to wait. */
  viewerAsks(viewer: string, now: number): number;
  /** One more preparation started on this node: 0 when allowed, else the seconds to wait. */
  nodeStarts(now: number): number;
};

/** `limits`: catalog.mp4Downloads of the configuration. */
export function createMp4Throttle(limits: Mp4DownloadLimits): Mp4Throttle {
  const viewers = new LRUCache<string, TokenBucket>({ max: rememberedViewers });
  let node: TokenBucket | undefined;
  const waitFor = (limit: RateLimit) => Math.max(1, Math.ceil(1 / limit.perSecond));
  return {
    viewerAsks(viewer, now) {
      let bucket = viewers.get(viewer);
      if (!bucket) viewers.set(viewer, (bucket = createTokenBucket(limits.perViewer, now)));
      return bucket.take(now) ? 0 : waitFor(limits.perViewer);
    },
    nodeStarts(now) {
      node ??= createTokenBucket(limits.perNode, now);
      return node.take(now) ? 0 : waitFor(limits.perNode);
    },
  };
}
