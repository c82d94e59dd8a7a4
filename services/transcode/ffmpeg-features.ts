// What the ffmpeg binary in use can do, where Classcast's arguments depend on its version: asked
// once per binary (`ffmpeg -version`, a few milliseconds) and remembered for the process.
import { spawnSync } from 'node:child_process';

const banners = new Map<string, string>();

function bannerOf(ffmpegPath: string): string {
  let banner = banners.get(ffmpegPath);
  if (banner === undefined) {
    banner = spawnSync(ffmpegPath, ['-hide_banner', '-version'], { encoding: 'utf8', timeout: 10_000 }).stdout ?? '';
    banners.set(ffmpegPath, banner);
  }
  return banner;
}

/** Whether this ffmpeg knows `-stats_period` (4.4 and later; a build that does not say its version is taken as not). */
export function knowsStatsPeriod(ffmpegPath: string): boolean {
  return versionAtLeast(bannerOf(ffmpegPath), 4, 4);
}

/** Whether this ffmpeg knows `-force_key_frames source` (5.1 and later), which keeps a rendition's keyframes on the source's. */
export function knowsSourceKeyframes(ffmpegPath: string): boolean {
  return versionAtLeast(bannerOf(ffmpegPath), 5, 1);
}

/** From `ffmpeg version 5.1.9-0+deb12u1 ...` or `ffmpeg version n6.0 ...`; false for snapshots (`N-47683-g0e8eb07980`). */
export function versionAtLeast(banner: string, major: number, minor: number): boolean {
  const match = /^ffmpeg version n?(\d+)\.(\d+)/.exec(banner);
  if (!match) return false;
  const [found, foundMinor] = [Number(match[1]), Number(match[2])];
  return found > major || (found === major && foundMinor >= minor);
}
