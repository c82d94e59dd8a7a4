// On a province origin the tracker knows the ingest registry's lessons by the master playlist the
// packager wrote: a lesson without a ladder or without a master yet names no swarm, and a lesson that
// leaves the registry is forgotten.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { LiveLesson } from '../../services/ingest/lessons.ts';
import { originLessons } from '../../services/tracker/origin-lessons.ts';
import { lessonMaster } from '../helpers/tracker-relay-helper.ts';

test('origin lessons are the registry lessons whose master playlist is written', async () => {
  const liveDir = await mkdtemp(join(tmpdir(), 'classcast-origin-lessons-'));
  try {
    const lesson = (id: string, ladder: boolean) => ({ id, dir: join(liveDir, id), ...(ladder ? { format: { ladder: [] } } : {}) }) as unknown as LiveLesson;
    let registry = [lesson('live', true), lesson('starting', true), lesson('no-ladder', false)];
    await mkdir(join(liveDir, 'live'), { recursive: true });
    await writeFile(join(liveDir, 'live', 'master.m3u8'), lessonMaster);
    const known = originLessons(() => registry);
    assert.deepEqual([...known()], [{ lessonId: 'live', masterPlaylist: lessonMaster }]);

    await mkdir(join(liveDir, 'starting'), { recursive: true });
    await writeFile(join(liveDir, 'starting', 'master.m3u8'), lessonMaster);
    assert.deepEqual([...known()].map((entry) => entry.lessonId), ['live', 'starting']);

    registry = [lesson('starting', true)];
    assert.deepEqual([...known()].map((entry) => entry.lessonId), ['starting']);
  } finally {
    await rm(liveDir, { recursive: true, force: true });
  }
});
