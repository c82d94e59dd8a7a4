// Taking a forward jump out of an encoder's timestamps (pure): both tracks continue from where they
// were, in step with each other, and a pause in one track alone is not a jump.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { readFlvTag, withFlvTimestamp } from '../../services/ingest/flv-tag.ts';
import { createTimestampRebase } from '../../services/ingest/timestamp-rebase.ts';

type Tag = { track: 'audio' | 'video'; timestamp: number };

/** 30 fps video and 44.1 kHz AAC (1024 samples a frame) from `fromMs` to `toMs`, interleaved by time, shifted by `shiftMs`. */
function stream(fromMs: number, toMs: number, shiftMs = 0): Tag[] {
  const tags: Tag[] = [];
  for (let frame = Math.ceil((fromMs * 30) / 1000); (frame * 1000) / 30 < toMs; frame++) tags.push({ track: 'video', timestamp: Math.round((frame * 1000) / 30) + shiftMs });
  for (let frame = Math.ceil((fromMs * 44100) / 1024 / 1000); (frame * 1024 * 1000) / 44100 < toMs; frame++) tags.push({ track: 'audio', timestamp: Math.round((frame * 1024 * 1000) / 44100) + shiftMs });
  return tags.sort((a, b) => a.timestamp - b.timestamp);
}

const rebaseAll = (tags: Tag[], jumpMs?: number) => {
  const rebase = createTimestampRebase(jumpMs);
  return { out: tags.map((tag) => ({ ...tag, timestamp: rebase.rebase(tag.track, tag.timestamp) })), jumps: rebase.jumps() };
};

const largestStep = (tags: Tag[], track: Tag['track']) => {
  const times = tags.filter((tag) => tag.track === track).map((tag) => tag.timestamp);
  return Math.max(...times.slice(1).map((time, index) => time - times[index]!));
};

test('a stream without a jump keeps its timestamps', () => {
  const tags = stream(0, 30_000);
  const { out, jumps } = rebaseAll(tags);
  assert.deepEqual(out, tags);
  assert.deepEqual(jumps, []);
});

test('a 10 s forward jump in both tracks is taken out: each track continues one step on, audio in step with video', () => {
  // The encoder: `setpts=if(gte(T,20),PTS+10/TB,PTS)` on both tracks.
  const tags = [...stream(0, 20_000), ...stream(20_000, 40_000, 10_000)];
  const { out, jumps } = rebaseAll(tags);
  assert.equal(jumps.length, 1);
  assert.ok(Math.abs(jumps[0]!.amountMs - 10_000) <= 2, `amount ${jumps[0]!.amountMs}`);
  // A frame (33 or 34 ms) and an AAC frame (23 or 24 ms), give or take the 2 ms FLV's whole
  // milliseconds can put between the two tracks' steps.
  assert.ok(largestStep(out, 'video') <= 36, `video steps at most a frame: ${largestStep(out, 'video')}`);
  assert.ok(largestStep(out, 'audio') <= 26, `audio steps at most an AAC frame: ${largestStep(out, 'audio')}`);
  // Every tag after the jump moved by the same amount, so the tracks keep their distance.
  const moved = tags.map((tag, index) => tag.timestamp - out[index]!.timestamp).filter((shift) => shift !== 0);
  assert.equal(new Set(moved).size, 1);
  assert.equal(moved.length, stream(20_000, 40_000).length);
  assert.equal(out.at(-1)!.timestamp, tags.at(-1)!.timestamp - jumps[0]!.amountMs);
});

test('a tag of the other track from before the jump, arriving after it, keeps its own time', () => {
  const rebase = createTimestampRebase();
  for (const tag of stream(0, 5_000)) rebase.rebase(tag.track, tag.timestamp);
  // The last video frames were at 4933 and 4967: the next comes a step of 34 ms on.
  assert.equal(rebase.rebase('video', 15_000), 5_001);
  assert.equal(rebase.rebase('audio', 4_994), 4_994, 'the last audio frame of before, interleaved late');
  assert.equal(rebase.rebase('audio', 15_017), 5_018);
});

test('a pause in one track alone is not a jump', () => {
  // Audio stops for 8 s (a muted encoder that sends nothing) while the video goes on.
  const tags = [...stream(0, 10_000), ...stream(10_000, 18_000).filter((tag) => tag.track === 'video'), ...stream(18_000, 25_000)].sort((a, b) => a.timestamp - b.timestamp);
  const { out, jumps } = rebaseAll(tags);
  assert.deepEqual(jumps, []);
  assert.deepEqual(out, tags);
});

test('several jumps add up; a backward jump is left as it is', () => {
  const tags = [...stream(0, 5_000), ...stream(5_000, 10_000, 3_000), ...stream(10_000, 15_000, 10_000)];
  const { out, jumps } = rebaseAll(tags);
  assert.equal(jumps.length, 2);
  assert.ok(largestStep(out, 'video') <= 36);
  const back = rebaseAll([...stream(0, 5_000, 20_000), ...stream(5_000, 10_000)]);
  assert.deepEqual(back.jumps, []);
});

test('an FLV tag takes a new timestamp, extension byte included, in a copy', () => {
  const tag = Buffer.from([9, 0, 0, 5, 0x12, 0x34, 0x56, 0x01, 0, 0, 0, 0x17, 1, 0, 0, 0, 0, 0, 0, 16]);
  const moved = withFlvTimestamp(tag, 0x02abcdef);
  assert.equal(readFlvTag(moved).timestamp, 0x02abcdef);
  assert.equal(readFlvTag(tag).timestamp, 0x01123456, 'the tag handed over is left as it was');
  assert.deepEqual(moved.subarray(8), tag.subarray(8));
});
