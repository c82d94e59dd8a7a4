// A track takes only segments that carry on from its end (services/packager/segment-placement.ts).
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { carriesOn } from '../../services/packager/segment-placement.ts';

const tolerance = 500;

describe('a track takes a segment only when it carries on from the track\'s end', () => {
  it('takes the first segment, and one starting at the end or a little before it', () => {
    assert.equal(carriesOn(-Infinity, { programDateTime: 1000, duration: 2 }, tolerance), true);
    assert.equal(carriesOn(10_000, { programDateTime: 10_000, duration: 2 }, tolerance), true);
    assert.equal(carriesOn(10_000, { programDateTime: 9_700, duration: 2 }, tolerance), true);
    assert.equal(carriesOn(10_000, { programDateTime: 15_000, duration: 2 }, tolerance), true, 'after a gap (an encoder away)');
  });

  it('takes a short last segment of its own (an encoder dropped mid-segment)', () => {
    assert.equal(carriesOn(32_500, { programDateTime: 32_500, duration: 0.233 }, tolerance), true);
  });

  it('refuses the same moment offered again: another track\'s short last segment, or the same segment twice', () => {
    // A rendition's own short last segment ends at 32.733; the source's, cut at the same drop, covers 32.500-32.731.
    assert.equal(carriesOn(32_733, { programDateTime: 32_500, duration: 0.231 }, tolerance), false);
    assert.equal(carriesOn(32_731, { programDateTime: 32_500, duration: 0.231 }, tolerance), false);
    assert.equal(carriesOn(12_000, { programDateTime: 10_000, duration: 2 }, tolerance), false);
  });

  it('refuses a segment that starts too early or is mostly old media', () => {
    assert.equal(carriesOn(10_000, { programDateTime: 9_000, duration: 2 }, tolerance), false);
    assert.equal(carriesOn(10_000, { programDateTime: 9_600, duration: 0.6 }, tolerance), false);
  });
});
