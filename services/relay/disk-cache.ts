// Immutable objects (segments, init segments) on disk, size-bounded, least recently used evicted
// first. Files mirror the URL path under the cache directory, are written to a temporary name and
// renamed when complete, so a partial download is never taken for a whole one, and a restarted
// relay finds its cache as it left it.
import { mkdirSync, readdirSync, rmSync, statSync } from 'node:fs';
import { mkdir, readFile, rename, rm, writeFile } from 'node:fs/promises';
import { randomBytes } from 'node:crypto';
import { dirname, join, relative } from 'node:path';
import { LRUCache } from 'lru-cache';

export type DiskCache = {
  /** Whether `path` is stored, without reading it or counting it as used. */
  has(path: string): boolean;
  get(path: string): Promise<Buffer | undefined>;
  put(path: string, body: Buffer): Promise<void>;
  size(): number;
  count(): number;
};

const temporaryMark = '.partial-';

export function openDiskCache(dir: string, maxBytes: number): DiskCache {
  mkdirSync(dir, { recursive: true });
  const index = new LRUCache<string, number>({
    maxSize: Math.max(1, maxBytes),
    sizeCalculation: (size) => Math.max(1, size),
    dispose: (_size, path, reason) => {
      if (reason === 'evict' || reason === 'delete') void rm(join(dir, path), { force: true });
    },
  });
  // Rebuild the index from what is on disk, oldest first so the newest stay when it does not fit.
  const found: Array<{ path: string; size: number; mtime: number }> = [];
  for (const entry of readdirSync(dir, { recursive: true, encoding: 'utf8' })) {
    const full = join(dir, entry);
    const info = statSync(full);
    if (!info.isFile()) continue;
    if (entry.includes(temporaryMark)) rmSync(full, { force: true });
    else found.push({ path: `/${relative(dir, full)}`, size: info.size, mtime: info.mtimeMs });
  }
  for (const file of found.sort((a, b) => a.mtime - b.mtime)) index.set(file.path, file.size);

  return {
    has: (path) => index.has(path),
    async get(path) {
      if (!index.has(path)) return undefined;
      index.get(path); // Marks it recently used.
      try {
        return await readFile(join(dir, path));
      } catch {
        index.delete(path);
        return undefined;
      }
    },
    async put(path, body) {
      if (maxBytes <= 0 || body.length > maxBytes) return;
      const full = join(dir, path);
      await mkdir(dirname(full), { recursive: true });
      const temporary = `${full}${temporaryMark}${randomBytes(4).toString('hex')}`;
      await writeFile(temporary, body);
      await rename(temporary, full);
      index.set(path, body.length);
    },
    size: () => index.calculatedSize ?? 0,
    count: () => index.size,
  };
}
