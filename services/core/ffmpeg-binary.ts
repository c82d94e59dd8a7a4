// Where ffmpeg and ffprobe come from: FFMPEG_PATH (or the ffmpegPath option), else the system's,
// else the static builds shipped inside npm packages, so a machine with only Node still works.
import { accessSync, chmodSync, constants } from 'node:fs';
import { createRequire } from 'node:module';
import { delimiter, dirname, join } from 'node:path';

const require = createRequire(import.meta.url);

export type MediaTool = 'ffmpeg' | 'ffprobe';

export function findMediaTool(tool: MediaTool, configured?: string): string {
  if (configured) {
    const explicit = tool === 'ffmpeg' ? configured : join(dirname(configured), 'ffprobe');
    if (isExecutable(explicit)) return explicit;
    if (tool === 'ffmpeg') throw new Error(`ffmpegPath/FFMPEG_PATH points to ${configured}, which is not an executable file`);
  }
  const onPath = searchPath(tool);
  if (onPath) return onPath;
  const packaged = packagedBinary(tool);
  if (packaged) return packaged;
  throw new Error(`${tool} not found: install it (apt-get install ffmpeg) or set FFMPEG_PATH to an ffmpeg binary`);
}

/** The first executable `name` in a PATH directory (also how benchmarks find wrk and nginx: scripts/bench/bench-tools.ts). */
export function searchPath(name: string): string | undefined {
  for (const dir of (process.env.PATH ?? '').split(delimiter)) {
    if (!dir) continue;
    const candidate = join(dir, name);
    if (isExecutable(candidate)) return candidate;
  }
  return undefined;
}

function packagedBinary(tool: MediaTool): string | undefined {
  try {
    const installer = require(tool === 'ffmpeg' ? '@ffmpeg-installer/ffmpeg' : '@ffprobe-installer/ffprobe') as { path: string };
    // npm may skip the package's own chmod step (install scripts not approved), so make sure it can run.
    if (!isExecutable(installer.path)) chmodSync(installer.path, 0o755);
    return installer.path;
  } catch {
    return undefined;
  }
}

export function isExecutable(path: string): boolean {
  try {
    accessSync(path, constants.X_OK);
    return true;
  } catch {
    return false;
  }
}
