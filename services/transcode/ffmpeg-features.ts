// What the ffmpeg binary in use can do, where Classcast's arguments depend on its version: asked
// once per binary (`ffmpeg -version`, a few milliseconds) and remembered for the process.
import { spawnSync } from 'node:child_process';

const statsPeriod = new Map<string, boolean>();

/** Whether this ffmpeg knows `-stats_period` (4.4 and later; a build that does not say its version is taken as not). */
export function knowsStatsPeriod(ffmpegPath: string): boolean {
  let known = statsPeriod.get(ffmpegPath);
  if (known === undefined) {
    const banner = spawnSync(ffmpegPath, ['-hide_banner', '-version'], { encoding: 'utf8', timeout: 10_000 }).stdout ?? '';
    known = versionAtLeast(banner, 4, 4);
    statsPeriod.set(ffmpegPath, known);
  }
  return known;
}

/** From `ffmpeg version 5.1.9-0+deb12u1 ...` or `ffmpeg version n6.0 ...`; false for snapshots (`N-47683-g0e8eb07980`). */
export function versionAtLeast(banner: string, major: number, minor: number): boolean {
  const match = /^ffmpeg version n?(\d+)\.(\d+)/.exec(banner);
  if (!match) return false;
  const [found, foundMinor] = [Number(match[1]), Number(match[2])];
  return found > major || (found === major && foundMinor >= minor);
}
