// A token bucket: `burst` tokens at once, refilled at `perSecond`, never above `burst`. The one rate
// limiter behind the tracker's announces, login throttling, questions and votes, player reports,
// raised hands, MP4 downloads and the ingest API. Times are passed in, so the arithmetic is tested
// without waiting.

export type RateLimit = { burst: number; perSecond: number };

export type TokenBucket = { take(now: number, tokens?: number): boolean };

export function createTokenBucket(limit: RateLimit, now: number): TokenBucket {
  let tokens = limit.burst;
  let at = now;
  return {
    take(time, cost = 1) {
      tokens = Math.min(limit.burst, tokens + ((time - at) / 1000) * limit.perSecond);
      at = time;
      if (tokens < cost) return false;
      tokens -= cost;
      return true;
    },
  };
}
