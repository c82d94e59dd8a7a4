// The lessons a province origin carries, for the tracker mounted on it: every lesson in the ingest
// registry (live, reconnecting, or ended and kept for replay) whose master playlist the packager has
// written, and, given the node's vod folder, the finished recordings it serves as replays
// (origin-replays.ts). A master is read from disk once: the packager writes it once per lesson.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { LiveLesson } from '../ingest/lessons.ts';
import { masterPlaylistName } from '../packager/lesson-packager.ts';
import { originReplays } from './origin-replays.ts';
import type { CarriedLesson } from './tracker-server.ts';

export function originLessons(list: () => LiveLesson[], vodDir?: string): () => Iterable<CarriedLesson> {
  const masters = new Map<string, string>();
  const replays = vodDir === undefined ? () => [] : originReplays(vodDir);
  return function* () {
    yield* replays();
    const current = new Set<string>();
    for (const lesson of list()) {
      if (!lesson.format) continue;
      current.add(lesson.id);
      let masterPlaylist = masters.get(lesson.id);
      if (masterPlaylist === undefined) {
        try {
          masterPlaylist = readFileSync(join(lesson.dir, masterPlaylistName), 'utf8');
        } catch {
          // Not written yet: the lesson's first segments are still coming.
          continue;
        }
        masters.set(lesson.id, masterPlaylist);
      }
      yield { lessonId: lesson.id, masterPlaylist, ...(lesson.protected ? { protected: true } : {}) };
    }
    for (const lessonId of masters.keys()) if (!current.has(lessonId)) masters.delete(lessonId);
  };
}
