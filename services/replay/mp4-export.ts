// Prepares a replay's MP4 download: ffmpeg copies the best rendition's segments (video and audio,
// no re-encoding) into one faststart MP4 beside the replay, reporting progress as it goes. The file
// appears under its final name only when complete, so a download never gets half a file.
import { spawn } from 'node:child_process';
import { readFile, rename, rm, stat, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { parsePlaylist } from '../core/parse-playlist.ts';
import { masterPlaylistName, mediaPlaylistName } from '../packager/lesson-packager.ts';
import { mp4Args, mp4ConcatList, progressFromLine } from './mp4-args.ts';
import { segmentsOfPlaylist } from '../packager/media-playlist.ts';

export const mp4FileName = (recordingId: string) => `${recordingId}.mp4`;

export type Mp4ExportOptions = {
  ffmpegPath: string;
  /** <dataDir>/vod/<recording>: the replay, and where the MP4 goes. */
  replayDir: string;
  recordingId: string;
  durationSeconds: number;
  onProgress(percent: number): void;
};

/** Resolves with the MP4's size in bytes; rejects with ffmpeg's message when it fails. */
export async function exportMp4(options: Mp4ExportOptions): Promise<number> {
  const master = parsePlaylist(await readFile(join(options.replayDir, masterPlaylistName), 'utf8'));
  // The master lists the best variant first; every rendition carries the lesson's audio.
  const best = master.playlists?.[0]?.uri.split('/')[0];
  if (!best) throw new Error('the replay has no renditions');
  const renditionDir = join(options.replayDir, best);
  const segments = segmentsOfPlaylist(await readFile(join(renditionDir, mediaPlaylistName), 'utf8'));
  const listPath = join(options.replayDir, '.mp4-input.ffconcat');
  const partialPath = join(options.replayDir, `.${mp4FileName(options.recordingId)}.partial`);
  const finalPath = join(options.replayDir, mp4FileName(options.recordingId));
  await writeFile(listPath, mp4ConcatList(renditionDir, segments));
  try {
    await runFfmpeg(options.ffmpegPath, mp4Args(listPath, partialPath), options);
    await rename(partialPath, finalPath);
    return (await stat(finalPath)).size;
  } finally {
    await rm(listPath, { force: true });
    await rm(partialPath, { force: true });
  }
}

function runFfmpeg(ffmpegPath: string, args: string[], options: Mp4ExportOptions): Promise<void> {
  return new Promise((resolve, reject) => {
    const child = spawn(ffmpegPath, args, { stdio: ['ignore', 'pipe', 'pipe'] });
    let stderr = '';
    let pending = '';
    child.stdout.setEncoding('utf8').on('data', (chunk: string) => {
      const lines = (pending + chunk).split('\n');
      pending = lines.pop() ?? '';
      for (const line of lines) {
        const percent = progressFromLine(line, options.durationSeconds);
        if (percent !== undefined) options.onProgress(percent);
      }
    });
    child.stderr.setEncoding('utf8').on('data', (chunk: string) => (stderr = (stderr + chunk).slice(-2000)));
    child.once('error', reject);
    child.once('close', (code) => (code === 0 ? resolve() : reject(new Error(`ffmpeg exited with ${code}: ${stderr.trim() || 'no message'}`))));
  });
}
