// A finished replay's files wherever they rest, for the work that changes a replay after it was
// written (the storage policy, services/catalog/recordings/rendition-policy-job.ts): on the disk
// under dataDir/<storage path>, or in the bucket under the same key prefix (replay-bucket.ts).
// Renditions are folders (<rendition>/index.m3u8, its hash list, init and media segments).
import { readdir, readFile, rm, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { writeFileAtomic } from '../core/atomic-write.ts';
import { isSafePathPart, resolveMediaPath } from '../core/media-path.ts';
import { masterPlaylistName } from '../packager/lesson-packager.ts';
import { mp4FileName } from './mp4-export.ts';
import type { ReplayBucket } from './replay-bucket.ts';

export type ReplayFiles = {
  location: 'local' | 'bucket';
  /** The master playlist's text, or undefined when the replay has none there. */
  readMaster(storagePath: string): Promise<string | undefined>;
  /** Replaces the master playlist whole (readers see the old one or the new one). */
  writeMaster(storagePath: string, text: string): Promise<void>;
  renditionBytes(storagePath: string, rendition: string): Promise<number>;
  removeRendition(storagePath: string, rendition: string): Promise<void>;
  removeMp4(storagePath: string, recordingId: string): Promise<void>;
};

/** `dataDir` holds the storage paths (vod/<recording>). */
export function localReplayFiles(dataDir: string): ReplayFiles {
  const path = (storagePath: string, ...parts: string[]) => resolveMediaPath(dataDir, [...storagePath.split('/'), ...parts]);
  return {
    location: 'local',
    readMaster: (storagePath) => readFile(path(storagePath, masterPlaylistName), 'utf8').catch((error: NodeJS.ErrnoException) => {
      if (error.code === 'ENOENT') return undefined;
      throw error;
    }),
    writeMaster: (storagePath, text) => writeFileAtomic(path(storagePath, masterPlaylistName), text),
    async renditionBytes(storagePath, rendition) {
      const folder = path(storagePath, rendition);
      const entries = await readdir(folder, { recursive: true, withFileTypes: true }).catch(() => []);
      let bytes = 0;
      for (const entry of entries) if (entry.isFile()) bytes += (await stat(join(entry.parentPath, entry.name))).size;
      return bytes;
    },
    removeRendition: (storagePath, rendition) => rm(path(storagePath, rendition), { recursive: true, force: true }),
    removeMp4: (storagePath, recordingId) => rm(path(storagePath, mp4FileName(recordingId)), { force: true }),
  };
}

export function bucketReplayFiles(bucket: ReplayBucket): ReplayFiles {
  const key = (storagePath: string, ...parts: string[]) => {
    for (const part of parts) if (!isSafePathPart(part)) throw new Error(`'${part}' is not a replay file name`);
    return [storagePath, ...parts].join('/');
  };
  return {
    location: 'bucket',
    readMaster: (storagePath) => bucket.getText(key(storagePath, masterPlaylistName)),
    writeMaster: (storagePath, text) => bucket.putText(key(storagePath, masterPlaylistName), text, 'application/vnd.apple.mpegurl'),
    renditionBytes: async (storagePath, rendition) => (await bucket.folderSize(`${key(storagePath, rendition)}/`)).bytes,
    removeRendition: async (storagePath, rendition) => void (await bucket.deleteFolder(`${key(storagePath, rendition)}/`)),
    removeMp4: (storagePath, recordingId) => bucket.deleteObject(key(storagePath, mp4FileName(recordingId))),
  };
}
