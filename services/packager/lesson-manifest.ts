// What a lesson's folder must say about itself for a restarted ingest to continue the lesson: the
// ladder its first run fixed, the source copy's rendition and whether it carries audio. The
// playlists hold everything else. A
// dot-file, so it is never served (media-request.ts names only playlists and segments).
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { writeFileAtomic } from '../core/atomic-write.ts';
import type { Rendition } from '../transcode/ladder.ts';

export const lessonManifestName = '.lesson.json';

export type LessonManifest = { ladder: Rendition[]; source: Rendition; hasAudio: boolean };

export function writeLessonManifest(lessonDir: string, manifest: LessonManifest): Promise<void> {
  return writeFileAtomic(join(lessonDir, lessonManifestName), JSON.stringify(manifest));
}

/** The lesson's manifest, or undefined when the folder has none (no run got as far as its ladder). */
export async function readLessonManifest(lessonDir: string): Promise<LessonManifest | undefined> {
  let text: string;
  try {
    text = await readFile(join(lessonDir, lessonManifestName), 'utf8');
  } catch {
    return undefined;
  }
  const parsed = JSON.parse(text) as Partial<LessonManifest>;
  if (!Array.isArray(parsed.ladder) || parsed.ladder.length === 0 || typeof parsed.hasAudio !== 'boolean' || typeof parsed.source?.name !== 'string') {
    throw new Error(`${join(lessonDir, lessonManifestName)} does not describe a ladder and its source`);
  }
  return { ladder: parsed.ladder, source: parsed.source, hasAudio: parsed.hasAudio };
}
