// How much one client may ask of the tracker, counted before a message is read: messages (announces,
// and answers, which travel as announces) and their bytes per connection and per IP address from
// token buckets (core/token-bucket.ts), so a client pays for a big message as for many small ones; a
// cap on peer ids per connection (a page announces one per stream it plays; a flood makes up new
// ones); and a cap on connections per IP address. Per-IP state lives only while that address has a connection open, so
// it stays bounded. Times are passed in, so the arithmetic is tested without waiting.
import { createTokenBucket, type RateLimit, type TokenBucket } from '../core/token-bucket.ts';

export type AnnounceLimitSettings = {
  /** Messages per connection. */
  perConnection: RateLimit;
  /** Messages per address. Generous: a school's students often share one address behind NAT. */
  perIp: RateLimit;
  /** Bytes of messages per connection; its burst must hold the largest message. Absent: not limited. */
  bytesPerConnection?: RateLimit;
  /** Bytes of messages per address. Absent: not limited. */
  bytesPerIp?: RateLimit;
  connectionsPerIp: number;
  peerIdsPerConnection: number;
};

const unlimited: TokenBucket = { take: () => true };

/**
 * Why a message was not let through: one message too many for now, on the connection or its address
 * (`rate`); more bytes than the connection's budget (`bytes`: more than any real page sends); or
 * than its address's, shared by everyone behind it (`address-bytes`).
 */
export type LimitVerdict = 'ok' | 'rate' | 'bytes' | 'address-bytes';

export type ConnectionLimits = {
  /** A message of `bytes` arriving at `now`, before it is read: within the connection's and its address's rates? */
  admit(bytes: number, now: number): LimitVerdict;
  /** Whether the connection may announce as `peerId`: one it used already, or a new one under the cap. */
  admitPeerId(peerId: string): boolean;
  close(): void;
};

export type AnnounceLimits = {
  /** Whether another connection from `ip` is allowed now (checked before the WebSocket handshake). */
  hasRoom(ip: string): boolean;
  /** Counts a new connection from `ip` until its close(). */
  open(ip: string, now: number): ConnectionLimits;
  /** Addresses with a connection open. */
  addresses(): number;
};

type AddressBuckets = { connections: number; messages: TokenBucket; bytes: TokenBucket };

export function createAnnounceLimits(settings: AnnounceLimitSettings): AnnounceLimits {
  const byIp = new Map<string, AddressBuckets>();
  const bytesBucket = (limit: RateLimit | undefined, now: number) => (limit ? createTokenBucket(limit, now) : unlimited);
  return {
    hasRoom: (ip) => (byIp.get(ip)?.connections ?? 0) < settings.connectionsPerIp,
    open(ip, now) {
      let address = byIp.get(ip);
      if (!address) {
        address = { connections: 0, messages: createTokenBucket(settings.perIp, now), bytes: bytesBucket(settings.bytesPerIp, now) };
        byIp.set(ip, address);
      }
      address.connections++;
      const shared = address;
      const messages = createTokenBucket(settings.perConnection, now);
      const bytes = bytesBucket(settings.bytesPerConnection, now);
      const peerIds = new Set<string>();
      let closed = false;
      return {
        admit(size, time) {
          // The connection's own buckets first, so one noisy page does not drain its school's share.
          if (!messages.take(time) || !shared.messages.take(time)) return 'rate';
          if (!bytes.take(time, size)) return 'bytes';
          return shared.bytes.take(time, size) ? 'ok' : 'address-bytes';
        },
        admitPeerId(peerId) {
          if (peerIds.has(peerId)) return true;
          if (peerIds.size >= settings.peerIdsPerConnection) return false;
          peerIds.add(peerId);
          return true;
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
