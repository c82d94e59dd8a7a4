// How often one viewer, and one address, may report: token buckets, kept in bounded LRU maps so a
// flood of made-up viewer ids or addresses cannot grow memory. A page reports every 10 s; an address
// is a whole school behind NAT, so its limit is far larger. Times are passed in for the tests.
import { LRUCache } from 'lru-cache';
import { createTokenBucket, type RateLimit, type TokenBucket } from '../tracker/announce-limits.ts';

export type ReportLimitSettings = { perViewer: RateLimit; perIp: RateLimit; maxKeys: number };

export const defaultReportLimits: ReportLimitSettings = {
  perViewer: { burst: 5, perSecond: 0.5 },
  perIp: { burst: 500, perSecond: 100 },
  maxKeys: 100_000,
};

export type KeyedLimiter = { take(key: string, now: number): boolean };

export function createKeyedLimiter(limit: RateLimit, maxKeys: number): KeyedLimiter {
  const buckets = new LRUCache<string, TokenBucket>({ max: maxKeys });
  return {
    take(key, now) {
      let bucket = buckets.get(key);
      if (!bucket) {
        bucket = createTokenBucket(limit, now);
        buckets.set(key, bucket);
      }
      return bucket.take(now);
    },
  };
}
