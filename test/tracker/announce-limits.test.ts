// The limit arithmetic, with the clock passed in (the buckets themselves: test/unit/token-bucket.test.ts):
// each address has its own share and connection cap, and an address's state goes with its last connection.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createAnnounceLimits } from '../../services/tracker/announce-limits.ts';

const takeMany = (take: () => boolean, times: number) => Array.from({ length: times }, take).filter(Boolean).length;

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
  assert.deepEqual(Array.from({ length: 4 }, () => first.admit(200, 0)), ['ok', 'ok', 'ok', 'rate']);
  // The address had 5: the first connection took 3, so the second gets 2 though its own bucket holds 3.
  assert.deepEqual(Array.from({ length: 3 }, () => second.admit(200, 0)), ['ok', 'ok', 'rate']);
  const other = limits.open('10.0.0.2', 0);
  assert.equal(other.admitPeerId('peer-c'), true);
  assert.equal(other.admitPeerId('peer-d'), true);
  assert.equal(other.admitPeerId('peer-e'), false);
  assert.equal(other.admitPeerId('peer-c'), true);
  assert.equal(limits.addresses(), 2);
  first.close();
  first.close();
  assert.equal(limits.hasRoom('10.0.0.1'), true);
  second.close();
  other.close();
  assert.equal(limits.addresses(), 0);
});

test('bytes are limited per connection and per address, beside the message count', () => {
  const limits = createAnnounceLimits({
    perConnection: { burst: 100, perSecond: 0 },
    perIp: { burst: 100, perSecond: 0 },
    bytesPerConnection: { burst: 100_000, perSecond: 10_000 },
    bytesPerIp: { burst: 150_000, perSecond: 0 },
    connectionsPerIp: 10,
    peerIdsPerConnection: 2,
  });
  const first = limits.open('10.0.0.1', 0);
  const second = limits.open('10.0.0.1', 0);
  assert.deepEqual(Array.from({ length: 3 }, () => first.admit(40_000, 0)), ['ok', 'ok', 'bytes']);
  // Small messages still fit what the connection has left.
  assert.equal(first.admit(10_000, 0), 'ok');
  // The address had 150,000: 90,000 went to the first connection, so the second gets 60,000.
  assert.deepEqual([second.admit(50_000, 0), second.admit(20_000, 0), second.admit(10_000, 0)], ['ok', 'address-bytes', 'ok']);
  assert.equal(first.admit(10_000, 1000), 'address-bytes', 'the connection refilled, its address did not');
  first.close();
  second.close();
});
