// The BANDWIDTH a variant advertises is never below what its segments reach (RFC 8216 §4.3.4.2):
// neither the rate control's worst case nor any segment measured so far.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { advertisedBandwidth, containerOverhead } from '../../services/packager/advertised-bandwidth.ts';
import { chooseLadder } from '../../services/transcode/ladder.ts';

const rendition720 = { videoKbps: 2500, maxKbps: 3000, bufferKbps: 5000 };
const overhead = 1 + containerOverhead;

test('with nothing measured yet, BANDWIDTH is the VBV worst case for a segment plus audio and container overhead', () => {
  const twoSeconds = advertisedBandwidth({ rateControl: rendition720, audioKbps: 128, segmentSeconds: 2, segments: [] });
  // maxrate + bufsize / T = 3000 + 2500 kb/s, plus 128 kb/s of audio, plus overhead.
  assert.equal(twoSeconds.bandwidth, Math.ceil((3000 + 5000 / 2 + 128) * 1000 * overhead));
  assert.equal(twoSeconds.averageBandwidth, Math.ceil((2500 + 128) * 1000 * overhead));
  // Shorter segments let the buffer show more: the bound rises as segments shorten.
  const one = advertisedBandwidth({ rateControl: rendition720, audioKbps: 128, segmentSeconds: 1, segments: [] });
  const four = advertisedBandwidth({ rateControl: rendition720, audioKbps: 128, segmentSeconds: 4, segments: [] });
  assert.ok(one.bandwidth > twoSeconds.bandwidth && twoSeconds.bandwidth > four.bandwidth);
  assert.equal(one.averageBandwidth, four.averageBandwidth, 'the average does not depend on segment length');
  // Always above what the master playlist used to say (maxrate plus audio).
  assert.ok(four.bandwidth > (3000 + 128) * 1000);
});

test('BANDWIDTH covers every measured segment, however far above the rate control it went', () => {
  const segments = [
    { bytes: 600_000, duration: 2 }, // 2.4 Mb/s
    { bytes: 2_000_000, duration: 2 }, // 8 Mb/s: a scene cut the encoder did not keep in bounds
    { bytes: 100_000, duration: 0.4 }, // 2 Mb/s, cut short by an encoder drop
  ];
  const result = advertisedBandwidth({ rateControl: rendition720, audioKbps: 128, segmentSeconds: 2, segments });
  for (const segment of segments) assert.ok(result.bandwidth >= (segment.bytes * 8) / segment.duration);
  assert.equal(result.bandwidth, 8_000_000);
  const average = (2_700_000 * 8) / 4.4;
  assert.ok(result.averageBandwidth >= average);
  assert.equal(result.averageBandwidth, Math.ceil(average));
  assert.ok(result.averageBandwidth <= result.bandwidth);
});

test('AVERAGE-BANDWIDTH covers the busiest live window, not only the lesson so far', () => {
  // Ten quiet 2 s segments at 2 Mb/s, then three at 4 Mb/s: the lesson averages 2.46 Mb/s, the
  // newest window of three 4 Mb/s, and any window of three at most that.
  const segments = [...Array.from({ length: 10 }, () => ({ bytes: 500_000, duration: 2 })), ...Array.from({ length: 3 }, () => ({ bytes: 1_000_000, duration: 2 }))];
  const lesson = advertisedBandwidth({ rateControl: rendition720, audioKbps: 128, segmentSeconds: 2, segments });
  const windowed = advertisedBandwidth({ rateControl: rendition720, audioKbps: 128, segmentSeconds: 2, segments, windowSegments: 3 });
  assert.equal(lesson.averageBandwidth, Math.ceil(Math.max((2500 + 128) * 1000 * overhead, (8_000_000 * 8) / 26)));
  assert.equal(windowed.averageBandwidth, 4_000_000);
  // A window over two busy and one quiet segment, before the newest: (2 x 8 + 4) Mb over 6 s.
  const earlier = advertisedBandwidth({ rateControl: rendition720, audioKbps: 128, segmentSeconds: 2, segments: segments.slice(0, 12), windowSegments: 3 });
  assert.equal(earlier.averageBandwidth, Math.ceil(20_000_000 / 6));
  // A window longer than the segments so far is the lesson's average.
  assert.equal(advertisedBandwidth({ rateControl: rendition720, audioKbps: 128, segmentSeconds: 2, segments, windowSegments: 100 }).averageBandwidth, lesson.averageBandwidth);
});

test('segments within the rate control leave the a-priori figures as they were', () => {
  const apriori = advertisedBandwidth({ rateControl: rendition720, audioKbps: 128, segmentSeconds: 2, segments: [] });
  const segments = Array.from({ length: 30 }, (_, index) => ({ bytes: 600_000 + (index % 5) * 40_000, duration: 2 + (index % 3) * 0.02 }));
  assert.deepEqual(advertisedBandwidth({ rateControl: rendition720, audioKbps: 128, segmentSeconds: 2, segments }), apriori);
});

test('a ladder rendition is taken as it is; no audio means no audio share; a segment without duration is ignored', () => {
  for (const rendition of chooseLadder({ width: 1280, height: 720, fps: 30 }, 3)) {
    const result = advertisedBandwidth({ rateControl: rendition, audioKbps: 0, segmentSeconds: 2, segments: [{ bytes: 1000, duration: 0 }] });
    assert.equal(result.bandwidth, Math.ceil((rendition.maxKbps + rendition.bufferKbps / 2) * 1000 * overhead));
    assert.equal(result.averageBandwidth, Math.ceil(rendition.videoKbps * 1000 * overhead));
  }
});

test('nonsense input is refused, saying which', () => {
  assert.throws(() => advertisedBandwidth({ rateControl: rendition720, audioKbps: 128, segmentSeconds: 0, segments: [] }), /segmentSeconds/);
  assert.throws(() => advertisedBandwidth({ rateControl: { ...rendition720, bufferKbps: Number.NaN }, audioKbps: 128, segmentSeconds: 2, segments: [] }), /bufferKbps/);
  assert.throws(() => advertisedBandwidth({ rateControl: rendition720, audioKbps: -1, segmentSeconds: 2, segments: [] }), /audioKbps/);
});
