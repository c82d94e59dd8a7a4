// The limit arithmetic, with the clock passed in: buckets refill at their rate up to their burst,
// each address has its own share and connection cap, and an address's state goes with its last connection.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createAnnounceLimits, createTokenBucket } from '../../services/tracker/announce-limits.ts';

const takeMany = (take: () => boolean, times: number) => Array.from({ length: times }, take).filter(Boolean).length;

test('a token bucket gives its burst, then its rate, never more than its burst', () => {
  const bucket = createTokenBucket({ burst: 5, perSecond: 2 }, 0);
  assert.equal(takeMany(() => bucket.take(0), 20), 5);
  assert.equal(takeMany(() => bucket.take(1000), 20), 2);
  assert.equal(takeMany(() => bucket.take(1_000_000), 20), 5);
});

test('connections are limited alone and together per address, and capped in number', () => {
  const limits = createAnnounceLimits({
    perConnection: { burst: 3, perSecond: 0 },
    perIp: { burst: 5, perSecond: 0 },
    connectionsPerIp: 2,
    peerIdsPerConnection: 2,
  });
  const first = limits.open('10.0.0.1', 0);
  const second = limits.open('10.0.0.1', 0);
  assert.equal(limits.hasRoom('10.0.0.1'), false);
  assert.equal(limits.hasRoom('10.0.0.2'), true);
  assert.deepEqual(Array.from({ length: 4 }, () => first.admit('peer-a', 0)), ['ok', 'ok', 'ok', 'rate']);
  // The address had 5: the first connection took 3, so the second gets 2 though its own bucket holds 3.
  assert.deepEqual(Array.from({ length: 3 }, () => second.admit('peer-b', 0)), ['ok', 'ok', 'rate']);
  const other = limits.open('10.0.0.2', 0);
  assert.equal(other.admit('peer-c', 0), 'ok');
  assert.equal(other.admit('peer-d', 0), 'ok');
  assert.equal(other.admit('peer-e', 0), 'peer-ids');
  assert.equal(other.admit('peer-c', 0), 'ok');
  assert.equal(limits.addresses(), 2);
  first.close();
  first.close();
  assert.equal(limits.hasRoom('10.0.0.1'), true);
  second.close();
  other.close();
  assert.equal(limits.addresses(), 0);
});
