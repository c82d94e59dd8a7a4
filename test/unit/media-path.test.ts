import { test } from 'node:test';
import assert from 'node:assert/strict';
import { resolveMediaPath, UnsafePathError } from '../../services/core/media-path.ts';

test('plain names resolve under the media root', () => {
  assert.equal(resolveMediaPath('/data/live', ['room-1-20261121-090000', '720p', 'r1-0.m4s']), '/data/live/room-1-20261121-090000/720p/r1-0.m4s');
});

test('anything that could leave the root or name a hidden file is refused', () => {
  for (const part of ['..', '.', '', '../etc', '..%2f', 'a/b', 'a\\b', '/etc', 'a\0b', '.ffmpeg-r1.m3u8', 'x'.repeat(200), 'a..b', '%2e%2e']) {
    assert.throws(() => resolveMediaPath('/data/live', ['lesson', part]), UnsafePathError, `part ${JSON.stringify(part)}`);
  }
});
