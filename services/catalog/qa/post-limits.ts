// How fast viewers may post and vote in the live classroom: a token bucket per viewer (their
// account, or their address when anonymous), per address and per lesson (all its viewers), each a
// bounded LRU so a flood of made-up names costs a fixed amount of memory. Times are passed in, so
// the arithmetic is tested without waiting. The buckets are core/token-bucket.ts's.
import { LRUCache } from 'lru-cache';
import type { QaConfig } from '../../core/config/schema.ts';
import { createTokenBucket, type RateLimit, type TokenBucket } from '../../core/token-bucket.ts';

export type PostVerdict = { ok: true } | { ok: false; scope: 'viewer' | 'address' | 'lesson'; retryAfterSeconds: number };

export type PostLimits = { take(input: { viewerKey: string; address: string; lessonId: string }, now: number): PostVerdict };

const tableSize = 20_000;

export function createPostLimits(settings: Pick<QaConfig, 'perViewer' | 'perAddress' | 'perLesson'>): PostLimits {
  const table = (limit: RateLimit) => {
    const buckets = new LRUCache<string, TokenBucket>({ max: tableSize });
    return (key: string, now: number) => {
      let bucket = buckets.get(key);
      if (!bucket) buckets.set(key, (bucket = createTokenBucket(limit, now)));
      return bucket;
    };
  };
  const viewers = table(settings.perViewer);
  const addresses = table(settings.perAddress);
  const lessons = table(settings.perLesson);
  const wait = (limit: RateLimit) => Math.max(1, Math.ceil(1 / limit.perSecond));
  return {
    take({ viewerKey, address, lessonId }, now) {
      // The narrowest first, so one noisy viewer does not spend their address's or lesson's tokens.
      if (!viewers(`${lessonId}\u0000${viewerKey}`, now).take(now)) return { ok: false, scope: 'viewer', retryAfterSeconds: wait(settings.perViewer) };
      if (!addresses(address, now).take(now)) return { ok: false, scope: 'address', retryAfterSeconds: wait(settings.perAddress) };
      if (!lessons(lessonId, now).take(now)) return { ok: false, scope: 'lesson', retryAfterSeconds: wait(settings.perLesson) };
      return { ok: true };
    },
  };
}
