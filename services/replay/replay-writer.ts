// Turns a finished recording into its replay under <dataDir>/vod/<recording>/: every rendition's
// segments of the recording's time range (each rendition's by their own times), hard-linked from the lesson's folder (no bytes copied; a
// copy only where the two folders are on different file systems), a VOD playlist and a hash list
// per rendition, and the master playlist written last, so a replay is served only once it is whole.
// The replay then stands on its own: cleaning the lesson's live folder, or deleting another
// recording of the same lesson, never touches it. The lesson's poster and the seek-bar thumbnails
// of the recording's range come along (services/pictures/replay-pictures.ts). A manifest written first says whether the replay
// needs a playback token, so the origin guards it without asking the catalog (vod-routes.ts).
import { copyFile, link, mkdir, readFile, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { writeFileAtomic } from '../core/atomic-write.ts';
import { resolveMediaPath } from '../core/media-path.ts';
import { parsePlaylist } from '../core/parse-playlist.ts';
import { hashListName, masterPlaylistName, mediaPlaylistName, timeShiftPlaylistName } from '../packager/lesson-packager.ts';
import { segmentsOfPlaylist, targetDuration, writeMediaPlaylist, type PackagedSegment } from '../packager/media-playlist.ts';
import type { HashList } from '../packager/segment-record.ts';
import { writeReplayPictures } from '../pictures/replay-pictures.ts';
import { recordedSequences, segmentsIn, type RecordingRange } from './recorded-segments.ts';

export type ReplaySummary = {
  renditions: string[];
  segmentCount: number;
  /** Seconds of the best rendition's segments. */
  durationSeconds: number;
  /** Bytes of every rendition's segments and init segments. */
  sizeBytes: number;
};

/** The recording's range holds no media (stopped before a segment was finished, or the lesson had none). */
export class EmptyRecordingError extends Error {
  override name = 'EmptyRecordingError';
}

/** The replay's own facts, beside its playlists; a dot-file, so it is never served (media-request.ts). */
export const replayManifestName = '.replay.json';

/** `protected`: the lesson was not public, so every file of the replay needs a playback token. */
export type ReplayManifest = { recordingId: string; protected: boolean };

/** `protected`: the recorded lesson is not public (its visibility when the replay is written). */
export type ReplayOptions = { lessonDir: string; vodDir: string; recordingId: string; range: RecordingRange; protected?: boolean };

export async function writeReplay(options: ReplayOptions): Promise<ReplaySummary> {
  const replayDir = resolveMediaPath(options.vodDir, [options.recordingId]);
  const masterText = await readFile(join(options.lessonDir, masterPlaylistName), 'utf8').catch(() => {
    throw new EmptyRecordingError('the lesson published no media (it has no master playlist)');
  });
  // Variants are listed best first (master-playlist.ts): the best one decides the range.
  const renditions = (parsePlaylist(masterText).playlists ?? []).map((variant) => variant.uri.split('/')[0]!);
  const lists = await Promise.all(
    renditions.map(async (rendition) => segmentsOfPlaylist(await readFile(join(options.lessonDir, rendition, timeShiftPlaylistName), 'utf8'))),
  );
  // Each rendition by time: their segments are numbered apart (a shed rendition borrowed another's).
  const chosen = lists.map((list) => {
    const sequences = recordedSequences(list, options.range);
    return sequences ? segmentsIn(list, sequences) : [];
  });
  if (!chosen[0] || chosen[0].length === 0) throw new EmptyRecordingError('no segment of the lesson falls inside the recording');
  // Before any media file, so no file of a protected replay is ever served without its guard.
  await mkdir(replayDir, { recursive: true });
  const manifest: ReplayManifest = { recordingId: options.recordingId, protected: options.protected ?? false };
  await writeFileAtomic(join(replayDir, replayManifestName), JSON.stringify(manifest));

  let sizeBytes = 0;
  let durationSeconds = 0;
  let segmentCount = 0;
  for (const [index, rendition] of renditions.entries()) {
    const segments = chosen[index]!;
    const from = join(options.lessonDir, rendition);
    const to = join(replayDir, rendition);
    await mkdir(to, { recursive: true });
    for (const name of new Set(segments.flatMap((segment) => [segment.initUri, segment.uri]))) {
      sizeBytes += await linkOrCopy(join(from, name), join(to, name));
    }
    await writeFileAtomic(join(to, hashListName), JSON.stringify(await replayHashList(from, rendition, segments)));
    await writeFileAtomic(
      join(to, mediaPlaylistName),
      writeMediaPlaylist(segments, { windowSize: 'all', segmentSeconds: targetDuration(segments, 1), ended: true, playlistType: 'vod' }),
    );
    if (index === 0) {
      durationSeconds = segments.reduce((sum, segment) => sum + segment.duration, 0);
      segmentCount = segments.length;
    }
  }
  // The poster and the thumbnails of the recording's range, before the master like every file; a
  // replay is whole without them, so a failure here leaves it without pictures, never unwritten.
  await writeReplayPictures(options.lessonDir, replayDir, chosen[0]).catch(() => undefined);
  // The live master names <rendition>/index.m3u8, which is exactly the replay's layout.
  await writeFileAtomic(join(replayDir, masterPlaylistName), masterText);
  return { renditions, segmentCount, durationSeconds, sizeBytes };
}

/** The lesson's hash list narrowed to the replay's segments, so peers verify replay segments too. */
async function replayHashList(renditionDir: string, rendition: string, segments: readonly PackagedSegment[]): Promise<HashList> {
  const lesson = JSON.parse(await readFile(join(renditionDir, hashListName), 'utf8')) as HashList;
  const wanted = new Set(segments.map((segment) => segment.uri));
  return { rendition, algorithm: 'sha-256', segments: lesson.segments.filter((entry) => wanted.has(entry.uri)) };
}

/** Returns the file's size. A file already there (a replay written again after a failure) is kept. */
async function linkOrCopy(from: string, to: string): Promise<number> {
  try {
    await link(from, to);
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === 'EXDEV') await copyFile(from, to);
    else if (code !== 'EEXIST') throw error;
  }
  return (await stat(to)).size;
}
