// Whether a replay needs a playback token, from its manifest (.replay.json, replay-writer.ts). One
// rule for every reader: the origin's /vod routes and the tracker's swarm filter on the origin.
// Pure: the manifest's text in (undefined when there is none), the answer out.
import type { ReplayManifest } from './replay-writer.ts';

/**
 * No manifest (no such replay, or one written before replays had manifests) is public. A manifest
 * that cannot be read as one is a damaged replay: guarding it is the safe side. Otherwise only a
 * manifest that says `protected: false` is public.
 */
export function replayIsProtected(manifestText: string | undefined): boolean {
  if (manifestText === undefined) return false;
  try {
    return (JSON.parse(manifestText) as Partial<ReplayManifest> | null)?.protected !== false;
  } catch {
    return true;
  }
}
