// The node's thread reads only WebSocket frame headers on the way to the tracker thread, and refuses a
// frame over the limit (services/tracker/frame-gate.ts), however the bytes are split.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createFrameGate } from '../../services/tracker/frame-gate.ts';

/** A masked client frame of `length` payload bytes (the length field in its 7, 16 or 64-bit form). */
function frame(length: number): Buffer {
  const head = length < 126 ? [0x81, 0x80 | length] : length < 65536 ? [0x81, 0x80 | 126, length >> 8, length & 0xff] : [0x81, 0x80 | 127, 0, 0, 0, 0, (length >>> 24) & 0xff, (length >> 16) & 0xff, (length >> 8) & 0xff, length & 0xff];
  return Buffer.concat([Buffer.from(head), Buffer.from([1, 2, 3, 4]), Buffer.alloc(length, 0x61)]);
}

test('frames within the limit pass, in one chunk or byte by byte', () => {
  const stream = Buffer.concat([frame(10), frame(300), frame(64 * 1024), frame(0)]);
  assert.equal(createFrameGate(64 * 1024).feed(stream), 'ok');
  const gate = createFrameGate(64 * 1024);
  for (const byte of stream) assert.equal(gate.feed(Buffer.from([byte])), 'ok');
});

test('a frame announcing more than the limit is refused at its header, in 16 and 64-bit forms, and stays refused', () => {
  const gate = createFrameGate(64 * 1024);
  assert.equal(gate.feed(frame(100)), 'ok');
  assert.equal(gate.feed(frame(64 * 1024 + 1).subarray(0, 14)), 'too-big');
  assert.equal(gate.feed(frame(1)), 'too-big');
  assert.equal(createFrameGate(64 * 1024).feed(frame(200_000).subarray(0, 10)), 'too-big');
  const huge = Buffer.from([0x82, 0x80 | 127, 0, 0, 0, 1, 0, 0, 0, 0]);
  assert.equal(createFrameGate(64 * 1024).feed(huge), 'too-big');
});
