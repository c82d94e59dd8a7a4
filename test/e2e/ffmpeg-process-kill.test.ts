// A rung process that is replaced (a rung shed or restored) is killed at once, even when the kill
// comes before fluent-ffmpeg has spawned it, which on a loaded node can take many seconds: it must
// not start afterwards and wait forever for input that will not come (services/transcode/ffmpeg-process.ts).
// Real ffmpeg.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { findMediaTool } from '../../services/core/ffmpeg-binary.ts';
import { createLogger } from '../../services/core/log.ts';
import { buildLadderArgs } from '../../services/transcode/ffmpeg-args.ts';
import { startFfmpeg } from '../../services/transcode/ffmpeg-process.ts';
import { chooseLadder } from '../../services/transcode/ladder.ts';
import { waitFor } from '../helpers/wait-for.ts';

const ladder = chooseLadder({ width: 1280, height: 720, fps: 30 }, 3);

for (const when of ['before it has started', 'once it runs'] as const) {
  test(`a rung process killed ${when} exits, though its input is never ended`, async () => {
    const lessonDir = await mkdtemp(join(tmpdir(), 'classcast-kill-'));
    try {
      const invocation = buildLadderArgs({ rungs: [{ rendition: ladder[1]!, run: 1 }, { rendition: ladder[2]!, run: 2 }], hasAudio: true, segmentSeconds: 2, preset: 'ultrafast', audioKbps: 64, lessonDir, keyframes: 'source' });
      const ffmpeg = startFfmpeg(invocation, findMediaTool('ffmpeg'), createLogger({ test: 'kill' }));
      if (when === 'once it runs') await waitFor('ffmpeg spawned', () => ffmpeg.movement().spawnedAt !== undefined, 30_000);
      else assert.equal(ffmpeg.movement().spawnedAt, undefined, 'fluent-ffmpeg spawns asynchronously');
      ffmpeg.kill();
      // Nothing was written to its input and nothing ends it but the kill.
      const exit = await Promise.race([ffmpeg.exited, new Promise<'hung'>((resolve) => setTimeout(() => resolve('hung'), 60_000).unref())]);
      assert.notEqual(exit, 'hung', 'the killed ffmpeg never exited');
      assert.equal(exit === 'hung' ? undefined : exit.expected, false, 'a kill is not a finish');
    } finally {
      await rm(lessonDir, { recursive: true, force: true });
    }
  });
}
