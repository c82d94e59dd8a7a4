// A benchmark names a missing program in one line with how to install it (scripts/bench/bench-tools.ts).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { missingBenchTools } from '../../scripts/bench/bench-tools.ts';

test('a program missing from PATH is named with how to install it; one that is there is not', () => {
  const path = process.env.PATH;
  try {
    process.env.PATH = '/nonexistent-classcast-bench-dir';
    assert.deepEqual(missingBenchTools(['wrk']), ['wrk not found: apt-get install wrk']);
  } finally {
    process.env.PATH = path;
  }
  // The suite drives ffmpeg for real, so it is installed wherever this runs.
  assert.deepEqual(missingBenchTools(['ffmpeg']), []);
});
