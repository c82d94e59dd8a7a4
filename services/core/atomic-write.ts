// Playlists and lists are replaced by rename, so a reader (the origin, nginx, a relay) sees either
// the old file or the new one, never half of one.
import { rename, rm, writeFile } from 'node:fs/promises';
import { randomBytes } from 'node:crypto';
import { basename, dirname, join } from 'node:path';

export async function writeFileAtomic(path: string, content: string | Buffer): Promise<void> {
  const temporary = join(dirname(path), `.${basename(path)}.${randomBytes(4).toString('hex')}.tmp`);
  try {
    await writeFile(temporary, content);
    await rename(temporary, path);
  } catch (error) {
    // A full disk leaves a partial temporary file: remove it, the old file is still whole.
    await rm(temporary, { force: true }).catch(() => {});
    throw error;
  }
}
