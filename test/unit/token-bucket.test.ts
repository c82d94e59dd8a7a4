// The token bucket's arithmetic, with the clock passed in: it gives its burst, then its rate, never
// more than its burst, and takes a cost of several tokens only when it holds them all.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createTokenBucket } from '../../services/core/token-bucket.ts';

const takeMany = (take: () => boolean, times: number) => Array.from({ length: times }, take).filter(Boolean).length;

test('a token bucket gives its burst, then its rate, never more than its burst', () => {
  const bucket = createTokenBucket({ burst: 5, perSecond: 2 }, 0);
  assert.equal(takeMany(() => bucket.take(0), 20), 5);
  assert.equal(takeMany(() => bucket.take(1000), 20), 2);
  assert.equal(takeMany(() => bucket.take(1_000_000), 20), 5);
});

test('a token bucket takes a cost of several tokens only when it holds them all', () => {
  const bucket = createTokenBucket({ burst: 100, perSecond: 10 }, 0);
  assert.equal(bucket.take(0, 60), true);
  assert.equal(bucket.take(0, 60), false);
  assert.equal(bucket.take(0, 40), true);
  assert.equal(bucket.take(2000, 21), false);
  assert.equal(bucket.take(2000, 20), true);
});
