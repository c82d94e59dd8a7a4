// How much one client may ask of the tracker: announces (and answers, which travel as announces)
// per connection and per IP address from token buckets, a cap on peer ids per connection (a page
// announces one per stream it plays; a flood makes up new ones), and a cap on connections per IP
// address. Per-IP state lives only while that address has a connection open, so it stays bounded.
// Times are passed in, so the arithmetic is tested without waiting.

export type RateLimit = { burst: number; perSecond: number };

export type AnnounceLimitSettings = {
  perConnection: RateLimit;
  /** Generous: a school's students often share one address behind NAT. */
  perIp: RateLimit;
  connectionsPerIp: number;
  peerIdsPerConnection: number;
};

export type TokenBucket = { take(now: number): boolean };

export function createTokenBucket(limit: RateLimit, now: number): TokenBucket {
  let tokens = limit.burst;
  let at = now;
  return {
    take(time) {
      tokens = Math.min(limit.burst, tokens + ((time - at) / 1000) * limit.perSecond);
      at = time;
      if (tokens < 1) return false;
      tokens -= 1;
      return true;
    },
  };
}

/** Why a message was not let through: over a rate, or one peer id too many on this connection. */
export type LimitVerdict = 'ok' | 'rate' | 'peer-ids';

export type ConnectionLimits = { admit(peerId: string | undefined, now: number): LimitVerdict; close(): void };

export type AnnounceLimits = {
  /** Whether another connection from `ip` is allowed now (checked before the WebSocket handshake). */
  hasRoom(ip: string): boolean;
  /** Counts a new connection from `ip` until its close(). */
  open(ip: string, now: number): ConnectionLimits;
  /** Addresses with a connection open. */
  addresses(): number;
};

export function createAnnounceLimits(settings: AnnounceLimitSettings): AnnounceLimits {
  const byIp = new Map<string, { connections: number; bucket: TokenBucket }>();
  return {
    hasRoom: (ip) => (byIp.get(ip)?.connections ?? 0) < settings.connectionsPerIp,
    open(ip, now) {
      let address = byIp.get(ip);
      if (!address) {
        address = { connections: 0, bucket: createTokenBucket(settings.perIp, now) };
        byIp.set(ip, address);
      }
      address.connections++;
      const ipBucket = address.bucket;
      const bucket = createTokenBucket(settings.perConnection, now);
      const peerIds = new Set<string>();
      let closed = false;
      return {
        admit(peerId, time) {
          if (peerId !== undefined && !peerIds.has(peerId)) {
            if (peerIds.size >= settings.peerIdsPerConnection) return 'peer-ids';
            peerIds.add(peerId);
          }
          // The connection's own bucket first, so one noisy page does not drain its school's share.
          return bucket.take(time) && ipBucket.take(time) ? 'ok' : 'rate';
        },
        close() {
          if (closed) return;
          closed = true;
          const current = byIp.get(ip);
          if (current && --current.connections <= 0) byIp.delete(ip);
        },
      };
    },
    addresses: () => byIp.size,
  };
}
