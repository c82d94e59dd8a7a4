// The encoder meter measures by media time: a frame adds the step from the frame before it, unless
// the step is no frame step at all (a jump, a clock restarted, the first frame).
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { frameStepMs } from '../../services/ingest/encoder-meter.ts';

describe('a video frame adds its step from the one before it to the media time measured', () => {
  it('counts a 30 fps step, whether the frame arrived on time or in a burst', () => {
    assert.equal(frameStepMs(1000, 1033), 33);
    // 150 frames of a 5 s backlog delivered in one second still add 5 s of media, not 1.
    let media = 0;
    for (let frame = 1; frame <= 150; frame++) media += frameStepMs((frame - 1) * (100 / 3), frame * (100 / 3));
    assert.ok(Math.abs(media - 5000) < 1, `${media} ms`);
  });

  it('adds nothing for the first frame, a timestamp going back or a jump over a second', () => {
    assert.equal(frameStepMs(undefined, 5000), 0);
    assert.equal(frameStepMs(5000, 100), 0);
    assert.equal(frameStepMs(5000, 15_000), 0);
    assert.equal(frameStepMs(5000, 5000), 0);
  });
});
