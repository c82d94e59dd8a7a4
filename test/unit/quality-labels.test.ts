import { test } from 'node:test';
import assert from 'node:assert/strict';
import { autoLabel, levelLabel, menuOrder } from '../../player/src/quality-labels.ts';

const ladder = [
  { index: 0, height: 360, bitrate: 796_000 },
  { index: 1, height: 480, bitrate: 1_396_000 },
  { index: 2, height: 720, bitrate: 3_096_000 },
];

test('renditions are named by height and listed best first', () => {
  assert.deepEqual(menuOrder(ladder).map((level) => levelLabel(level, ladder)), ['720p', '480p', '360p']);
});

test('renditions sharing a height are told apart by bitrate', () => {
  const twins = [...ladder, { index: 3, height: 720, bitrate: 1_800_000 }];
  assert.deepEqual(menuOrder(twins).map((level) => levelLabel(level, twins)), ['720p · 3096 kb/s', '720p · 1800 kb/s', '480p', '360p']);
});

test('a rendition without a known height is named by bitrate', () => {
  assert.equal(levelLabel({ index: 0, height: 0, bitrate: 64_000 }, []), '64 kb/s');
});

test('Auto names the rendition playing once there is one', () => {
  assert.equal(autoLabel(undefined, ladder), 'Auto');
  assert.equal(autoLabel(ladder[1], ladder), 'Auto (480p)');
});
