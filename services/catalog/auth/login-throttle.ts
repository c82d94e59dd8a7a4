// Slows password guessing down without locking the rightful user out. Wrong passwords are counted
// per username and address together: after a few, each further try from that address for that
// username waits, twice as long after each wrong one, up to a minute; other addresses (the
// rightful user at home, at school) are not slowed by it. Guessing one username from many
// addresses is caught by a count per username across addresses: past it, addresses that have not
// signed in to that username lately wait too, up to half a minute, while the addresses it signs in
// from keep signing in. Each address also gets a bucket of attempts that refills slowly. A success
// clears the username's counts. Every table is a bounded LRU, so a flood of made-up names or
// addresses costs a fixed amount of memory.
import { LRUCache } from 'lru-cache';
import { createTokenBucket, type TokenBucket } from '../../core/token-bucket.ts';

export type LoginThrottleSettings = {
  perIp: { burst: number; perSecond: number };
  /** Wrong passwords in a row for one username from one address before each further try there waits. */
  freeFailures: number;
  /** The first wait; each further wrong password doubles it, up to maxDelaySeconds. */
  firstDelaySeconds: number;
  maxDelaySeconds: number;
  /** Wrong passwords in a row for one username from all addresses before addresses it has not signed in from wait too. */
  usernameFreeFailures: number;
  /** The longest of those waits (they double like the others, from firstDelaySeconds). */
  usernameMaxDelaySeconds: number;
  /** How long an address the username signed in from skips the wait across addresses. */
  knownAddressDays: number;
};

export const defaultLoginThrottle: LoginThrottleSettings = {
  perIp: { burst: 30, perSecond: 0.5 },
  freeFailures: 5,
  firstDelaySeconds: 1,
  maxDelaySeconds: 60,
  usernameFreeFailures: 50,
  usernameMaxDelaySeconds: 30,
  knownAddressDays: 30,
};

/**
 * 'ok', or how many seconds to wait before trying again and why: 'address' (this address tries too
 * fast), 'username' (wrong passwords for this username from this address), 'username-everywhere'
 * (wrong passwords for this username from many addresses).
 */
export type LoginVerdict = { ok: true } | { ok: false; retryAfterSeconds: number; reason: 'address' | 'username' | 'username-everywhere' };

export type LoginThrottle = {
  check(ip: string, username: string, now: number): LoginVerdict;
  failed(ip: string, username: string, now: number): void;
  succeeded(ip: string, username: string): void;
};

/** Wrong passwords in a row and when the last one was. */
type Failures = { count: number; lastAt: number };

const tableSize = 10_000;

export function createLoginThrottle(settings: LoginThrottleSettings = defaultLoginThrottle): LoginThrottle {
  const addresses = new LRUCache<string, TokenBucket>({ max: tableSize });
  const pairs = new LRUCache<string, Failures>({ max: tableSize });
  const names = new LRUCache<string, Failures>({ max: tableSize });
  const knownAddresses = new LRUCache<string, true>({ max: tableSize, ttl: settings.knownAddressDays * 86_400_000 });
  const name = (username: string) => username.normalize('NFC').toLowerCase();
  const pair = (ip: string, username: string) => `${name(username)}\u0000${ip}`;
  /** Milliseconds still to wait after `failures`, of which the first `free` cost nothing. */
  const waitMs = (failures: Failures | undefined, free: number, maxSeconds: number, now: number) => {
    if (!failures || failures.count < free) return 0;
    const delaySeconds = Math.min(maxSeconds, settings.firstDelaySeconds * 2 ** (failures.count - free));
    return Math.max(0, failures.lastAt + delaySeconds * 1000 - now);
  };
  const count = (table: LRUCache<string, Failures>, key: string, now: number) => {
    const failures = table.get(key) ?? { count: 0, lastAt: 0 };
    table.set(key, { count: failures.count + 1, lastAt: now });
  };
  const refused = (ms: number, reason: 'username' | 'username-everywhere'): LoginVerdict => ({ ok: false, retryAfterSeconds: Math.ceil(ms / 1000), reason });
  return {
    check(ip, username, now) {
      const here = waitMs(pairs.get(pair(ip, username)), settings.freeFailures, settings.maxDelaySeconds, now);
      if (here > 0) return refused(here, 'username');
      if (!knownAddresses.has(pair(ip, username))) {
        const everywhere = waitMs(names.get(name(username)), settings.usernameFreeFailures, settings.usernameMaxDelaySeconds, now);
        if (everywhere > 0) return refused(everywhere, 'username-everywhere');
      }
      let bucket = addresses.get(ip);
      if (!bucket) addresses.set(ip, (bucket = createTokenBucket(settings.perIp, now)));
      if (!bucket.take(now)) return { ok: false, retryAfterSeconds: Math.ceil(1 / settings.perIp.perSecond), reason: 'address' };
      return { ok: true };
    },
    failed(ip, username, now) {
      count(pairs, pair(ip, username), now);
      count(names, name(username), now);
    },
    succeeded(ip, username) {
      pairs.delete(pair(ip, username));
      names.delete(name(username));
      knownAddresses.set(pair(ip, username), true);
    },
  };
}
