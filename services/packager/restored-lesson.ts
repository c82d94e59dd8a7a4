// Reads back what a lesson's folder holds when the ingest that wrote it died mid-lesson, so a
// restarted ingest continues the lesson instead of starting it again: every rendition's published
// segments (from its time-shift playlist, which lists the whole lesson, and its hash list), the
// highest encoder run used so far (new runs must never reuse a published name), the segmenter
// folders the dead run left (ffmpeg may have finished segments the packager never published), and
// when the folder was last written. Temporary files of interrupted atomic writes are removed.
import { createHash } from 'node:crypto';
import { readdir, readFile, rm, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { segmentsOfPlaylist } from './media-playlist.ts';
import type { Rendition } from '../transcode/ladder.ts';
import { segmenterPlaylistName } from '../transcode/ffmpeg-args.ts';
import { codecsFromInitSegment } from './codec-string.ts';
import type { HashList, SegmentRecord } from './segment-record.ts';

export type RestoredRendition = { segments: SegmentRecord[]; codecs?: string };

export type RestoredLesson = {
  renditions: Map<string, RestoredRendition>;
  masterWritten: boolean;
  /** The highest run number in a published name or a leftover segmenter folder (0 when none). */
  lastRun: number;
  /** Runs whose segmenter folder is still there: the packager recovers what they finished. */
  leftoverRuns: number[];
  /** Newest write in the folder (a playlist or the segmenter's), ms since the epoch; 0 when none. */
  lastWriteAt: number;
};

/** `r<run>-<index>.m4s`, as publishedSegmentName writes it. */
export const publishedSegmentPattern = /^r(\d+)-(\d+)\.m4s$/;
const segmenterRunPattern = /^r(\d+)$/;
const interruptedWritePattern = /^\..*\.tmp$/;

/** The packager's file names, passed in because the packager imports this file. */
export type PackagerFileNames = { master: string; timeShift: string; hashList: string };

export async function restoreLesson(lessonDir: string, ladder: readonly Rendition[], names: PackagerFileNames): Promise<RestoredLesson> {
  const renditions = new Map<string, RestoredRendition>();
  let lastRun = 0;
  let lastWriteAt = 0;
  await removeInterruptedWrites(lessonDir);
  for (const rendition of ladder) {
    const dir = join(lessonDir, rendition.name);
    await removeInterruptedWrites(dir);
    const playlistPath = join(dir, names.timeShift);
    const text = await readFile(playlistPath, 'utf8').catch(() => undefined);
    if (text === undefined) {
      renditions.set(rendition.name, { segments: [] });
      continue;
    }
    lastWriteAt = Math.max(lastWriteAt, (await stat(playlistPath)).mtimeMs);
    const hashes = await readHashes(join(dir, names.hashList));
    const segments: SegmentRecord[] = [];
    for (const segment of segmentsOfPlaylist(text)) {
      // The hash list is written after the playlists: a crash between the two leaves it behind.
      const known = hashes.get(segment.uri) ?? (await hashFile(join(dir, segment.uri)));
      segments.push({ ...segment, ...known });
      lastRun = Math.max(lastRun, runOf(segment.uri));
    }
    const last = segments.at(-1);
    renditions.set(rendition.name, last ? { segments, codecs: codecsFromInitSegment(await readFile(join(dir, last.initUri))) } : { segments });
  }
  const leftoverRuns: number[] = [];
  const segmenterRoot = join(lessonDir, '.segmenter');
  for (const name of await readdir(segmenterRoot).catch(() => [] as string[])) {
    const run = segmenterRunPattern.exec(name);
    if (!run) continue;
    leftoverRuns.push(Number(run[1]));
    lastRun = Math.max(lastRun, Number(run[1]));
    const written = await stat(join(segmenterRoot, name, segmenterPlaylistName)).catch(() => undefined);
    if (written) lastWriteAt = Math.max(lastWriteAt, written.mtimeMs);
  }
  const masterWritten = await stat(join(lessonDir, names.master)).then(() => true, () => false);
  return { renditions, masterWritten, lastRun, leftoverRuns: leftoverRuns.sort((a, b) => a - b), lastWriteAt };
}

function runOf(uri: string): number {
  const match = publishedSegmentPattern.exec(uri);
  if (!match) throw new Error(`segment ${uri} is not named as the packager names segments`);
  return Number(match[1]);
}

async function readHashes(path: string): Promise<Map<string, { sha256: string; bytes: number }>> {
  const text = await readFile(path, 'utf8').catch(() => undefined);
  if (text === undefined) return new Map();
  const list = JSON.parse(text) as HashList;
  return new Map(list.segments.map((entry) => [entry.uri, { sha256: entry.sha256, bytes: entry.bytes }]));
}

async function hashFile(path: string): Promise<{ sha256: string; bytes: number }> {
  const body = await readFile(path);
  return { sha256: createHash('sha256').update(body).digest('hex'), bytes: body.length };
}

async function removeInterruptedWrites(dir: string): Promise<void> {
  for (const name of await readdir(dir).catch(() => [] as string[])) {
    if (interruptedWritePattern.test(name)) await rm(join(dir, name), { force: true });
  }
}
