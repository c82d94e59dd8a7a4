// The report rate limits and the watch page's playback clock, with times passed in.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { createKeyedLimiter } from '../../services/stats/report-limits.ts';
import { createPlaybackClock } from '../../player/src/qoe/playback-clock.ts';

describe('createKeyedLimiter', () => {
  it('lets a burst through per key, then refills at the rate', () => {
    const limiter = createKeyedLimiter({ burst: 2, perSecond: 0.5 }, 100);
    assert.deepEqual([limiter.take('a', 0), limiter.take('a', 0), limiter.take('a', 0)], [true, true, false]);
    assert.equal(limiter.take('b', 0), true, 'another key has its own bucket');
    assert.equal(limiter.take('a', 1000), false, 'half a token after 1 s');
    assert.equal(limiter.take('a', 2000), true, 'a whole token after 2 s');
  });

  it('keeps at most maxKeys buckets', () => {
    const limiter = createKeyedLimiter({ burst: 1, perSecond: 0 }, 2);
    limiter.take('a', 0);
    limiter.take('b', 0);
    limiter.take('c', 0);
    // 'a' was evicted, so it starts with a fresh bucket; 'c' is still spent.
    assert.equal(limiter.take('a', 0), true);
    assert.equal(limiter.take('c', 0), false);
  });
});

describe('createPlaybackClock', () => {
  it('measures startup from the play request to the first picture, then playing and stalled time', () => {
    const clock = createPlaybackClock();
    clock.note('play', 1000);
    clock.note('waiting', 1200);
    clock.note('playing', 2500);
    clock.note('waiting', 12_500);
    clock.note('playing', 14_500);
    assert.deepEqual(clock.totals(20_500), { startupMs: 1500, playingSeconds: 16, stalledSeconds: 2, stallCount: 1 });
  });

  it('counts neither pauses nor seeks as stalls', () => {
    const clock = createPlaybackClock(0);
    clock.note('playing', 1000);
    clock.note('pause', 3000);
    clock.note('play', 10_000);
    clock.note('playing', 10_000);
    clock.note('seeking', 11_000);
    clock.note('waiting', 11_000, true);
    clock.note('playing', 13_000);
    assert.deepEqual(clock.totals(14_000), { startupMs: 1000, playingSeconds: 4, stalledSeconds: 0, stallCount: 0 });
  });
});
