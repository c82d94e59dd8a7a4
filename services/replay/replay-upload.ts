// Copies one replay folder (dataDir/vod/<recording>/) to the bucket under the same relative names:
// every file checked after its upload (replay-bucket.ts), the master playlist last, as the replay
// writer writes it last, so a replay in the bucket is only ever served once it is whole. Files of
// an MP4 preparation still running (its input list, its partial output) are left out.
import { readdir } from 'node:fs/promises';
import { join, relative, sep } from 'node:path';
import { masterPlaylistName } from '../packager/lesson-packager.ts';
import type { ReplayBucket } from './replay-bucket.ts';

export type UploadSummary = { files: number; bytes: number };

const contentTypes: Record<string, string> = {
  m3u8: 'application/vnd.apple.mpegurl',
  json: 'application/json',
  mp4: 'video/mp4',
  m4s: 'video/iso.segment',
  jpg: 'image/jpeg',
  vtt: 'text/vtt; charset=utf-8',
};

/** A replay's file that belongs in the bucket: not an MP4 preparation's scratch file. */
export function isReplayFile(name: string): boolean {
  return name !== '.mp4-input.ffconcat' && !name.endsWith('.partial');
}

export function contentTypeOf(name: string): string {
  return contentTypes[name.slice(name.lastIndexOf('.') + 1)] ?? 'application/octet-stream';
}

/** `keyPrefix` is the recording's storage path (vod/<recording>). */
export async function uploadReplayFolder(bucket: ReplayBucket, folder: string, keyPrefix: string, concurrency: number): Promise<UploadSummary> {
  const entries = await readdir(folder, { recursive: true, withFileTypes: true });
  const files = entries
    .filter((entry) => entry.isFile() && isReplayFile(entry.name))
    .map((entry) => relative(folder, join(entry.parentPath, entry.name)).split(sep).join('/'));
  if (!files.includes(masterPlaylistName)) throw new Error(`${folder} has no ${masterPlaylistName}: not a finished replay`);
  const before = files.filter((file) => file !== masterPlaylistName);
  let bytes = 0;
  const put = async (file: string) => {
    // Added after the await: `bytes += await ...` would read `bytes` before the other workers' additions.
    const size = await bucket.putFile(`${keyPrefix}/${file}`, join(folder, file), contentTypeOf(file));
    bytes += size;
  };
  // `concurrency` workers take the next file as each finishes; the first failure stops the upload.
  let next = 0;
  const worker = async () => {
    while (next < before.length) {
      try {
        await put(before[next++]!);
      } catch (error) {
        next = before.length;
        throw error;
      }
    }
  };
  await Promise.all(Array.from({ length: Math.min(concurrency, before.length) }, worker));
  await put(masterPlaylistName);
  return { files: files.length, bytes };
}
