// A replay's pictures, taken from its lesson's when the replay is written (replay-writer.ts): the
// lesson's last poster, and the thumbnails that fall in the recording, re-timed to the replay's own
// timeline (a recording may be part of a lesson) in its own thumbnails.vtt, with the sprites they
// name hard-linked beside it. A lesson without pictures (ffmpeg failed, the node was too busy, an
// older lesson) gives a replay without them: the replay itself never waits on or fails for them.
import { copyFile, link, mkdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { writeFileAtomic } from '../core/atomic-write.ts';
import { thumbnailsFolder } from '../media-http/cache-policy.ts';
import { posterName, thumbnailIndexName, thumbnailTrackName } from './lesson-pictures.ts';
import { readThumbnailIndex, spriteName, thumbnailCues, writeThumbnailTrack, type TimelineSegment } from './thumbnail-plan.ts';

/** What was copied: the poster, and how many thumbnail cues the replay's track has. */
export type ReplayPictures = { poster: boolean; cues: number };

export async function writeReplayPictures(lessonDir: string, replayDir: string, timeline: readonly TimelineSegment[]): Promise<ReplayPictures> {
  const poster = await linkOrCopy(join(lessonDir, posterName), join(replayDir, posterName));
  const text = await readFile(join(lessonDir, thumbnailsFolder, thumbnailIndexName), 'utf8').catch(() => undefined);
  if (text === undefined) return { poster, cues: 0 };
  const cues = thumbnailCues(readThumbnailIndex(text).thumbnails, timeline);
  if (cues.length === 0) return { poster, cues: 0 };
  const to = join(replayDir, thumbnailsFolder);
  await mkdir(to, { recursive: true });
  for (const sprite of new Set(cues.map((cue) => cue.thumbnail.sprite))) {
    if (!(await linkOrCopy(join(lessonDir, thumbnailsFolder, spriteName(sprite)), join(to, spriteName(sprite))))) {
      // A sprite lost from the lesson's folder: no track rather than one naming a missing image.
      return { poster, cues: 0 };
    }
  }
  await writeFileAtomic(join(to, thumbnailTrackName), writeThumbnailTrack(cues));
  return { poster, cues: cues.length };
}

/** False when there is no such file; a file already there (a replay written again) is kept. */
async function linkOrCopy(from: string, to: string): Promise<boolean> {
  try {
    await link(from, to);
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === 'ENOENT') return false;
    if (code === 'EXDEV') await copyFile(from, to);
    else if (code !== 'EEXIST') throw error;
  }
  return true;
}
