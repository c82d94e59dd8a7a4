// How often one viewer, and one address, may report: token buckets, kept in bounded LRU maps so a
// flood of made-up viewer ids or addresses cannot grow memory. A page reports every 10 s; an address
// is a whole school behind NAT, so its limit is far larger. Times are passed in for the tests.
import { LRUCache } from 'lru-cache';
import { createTokenBucket, type RateLimit, type TokenBucket } from '../core/token-bucket.ts';

/**
 * `viewersPerIp`: distinct viewer ids one address may report as within `viewerWindowMs` (a whole
 * school's pages behind NAT, not the thousand a script makes up); `maxIps`: addresses whose viewer
 * ids are remembered at once, a bound on that memory (viewersPerIp each).
 */
export type ReportLimitSettings = { perViewer: RateLimit; perIp: RateLimit; maxKeys: number; viewersPerIp: number; viewerWindowMs: number; maxIps: number };

export const defaultReportLimits: ReportLimitSettings = {
  perViewer: { burst: 5, perSecond: 0.5 },
  perIp: { burst: 500, perSecond: 100 },
  maxKeys: 100_000,
  viewersPerIp: 300,
  viewerWindowMs: 60_000,
  maxIps: 5_000,
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

export type DistinctLimiter = {
  /** Whether `member` may report from `key`: already seen there lately, or room for one more. */
  admit(key: string, member: string, now: number): boolean;
};

/** At most `maxPerKey` distinct members per key seen within `windowMs`; members silent longer make room. */
export function createDistinctLimiter(maxPerKey: number, windowMs: number, maxKeys: number): DistinctLimiter {
  const seen = new LRUCache<string, Map<string, number>>({ max: maxKeys });
  return {
    admit(key, member, now) {
      let members = seen.get(key);
      if (!members) {
        members = new Map();
        seen.set(key, members);
      }
      if (!members.has(member) && members.size >= maxPerKey) {
        for (const [other, lastAt] of members) if (now - lastAt > windowMs) members.delete(other);
        if (members.size >= maxPerKey) return false;
      }
      // Re-inserted so the map stays in order of last report.
      members.delete(member);
      members.set(member, now);
      return true;
    },
  };
}
