// Slows password guessing down: each address gets a bucket of login attempts that refills slowly,
// and a username with too many wrong passwords in a row is locked for a while, whoever tries it
// (guessing one account from many addresses is the attack a per-address limit misses). A success
// clears the username's count. Both tables are bounded LRUs, so a flood of made-up names or
// addresses costs a fixed amount of memory.
import { LRUCache } from 'lru-cache';
import { createTokenBucket, type TokenBucket } from '../../tracker/announce-limits.ts';

export type LoginThrottleSettings = {
  perIp: { burst: number; perSecond: number };
  /** Wrong passwords in a row before the username is locked. */
  failuresBeforeLock: number;
  lockSeconds: number;
};

export const defaultLoginThrottle: LoginThrottleSettings = { perIp: { burst: 30, perSecond: 0.5 }, failuresBeforeLock: 10, lockSeconds: 300 };

/** 'ok', or how many seconds to wait before trying again. */
export type LoginVerdict = { ok: true } | { ok: false; retryAfterSeconds: number; reason: 'address' | 'username' };

export type LoginThrottle = {
  check(ip: string, username: string, now: number): LoginVerdict;
  failed(username: string, now: number): void;
  succeeded(username: string): void;
};

const tableSize = 10_000;

export function createLoginThrottle(settings: LoginThrottleSettings = defaultLoginThrottle): LoginThrottle {
  const addresses = new LRUCache<string, TokenBucket>({ max: tableSize });
  const names = new LRUCache<string, { failures: number; lockedUntil: number }>({ max: tableSize });
  const key = (username: string) => username.normalize('NFC').toLowerCase();
  return {
    check(ip, username, now) {
      const locked = names.get(key(username));
      if (locked && locked.lockedUntil > now) return { ok: false, retryAfterSeconds: Math.ceil((locked.lockedUntil - now) / 1000), reason: 'username' };
      let bucket = addresses.get(ip);
      if (!bucket) addresses.set(ip, (bucket = createTokenBucket(settings.perIp, now)));
      if (!bucket.take(now)) return { ok: false, retryAfterSeconds: Math.ceil(1 / settings.perIp.perSecond), reason: 'address' };
      return { ok: true };
    },
    failed(username, now) {
      const entry = names.get(key(username)) ?? { failures: 0, lockedUntil: 0 };
      entry.failures++;
      if (entry.failures >= settings.failuresBeforeLock) {
        entry.lockedUntil = now + settings.lockSeconds * 1000;
        entry.failures = 0;
      }
      names.set(key(username), entry);
    },
    succeeded: (username) => void names.delete(key(username)),
  };
}
