// The replays a province origin serves (finished recordings under <dataDir>/vod/<recordingId>/),
// for the tracker mounted on it. The replay writer writes a recording's master playlist last, so a
// folder with one is complete. The folder is listed at most every `listEveryMs` (a flood of made-up
// info hashes makes the swarm filter ask often), and each master and manifest is read once: a replay
// never changes under its id.
import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { replayIsProtected } from '../replay/replay-protection.ts';
import { replayManifestName } from '../replay/replay-writer.ts';
import type { CarriedLesson } from './tracker-server.ts';

export function originReplays(vodDir: string, listEveryMs = 10_000, now: () => number = Date.now): () => Iterable<CarriedLesson> {
  const replays = new Map<string, CarriedLesson>();
  let listedAt = Number.NEGATIVE_INFINITY;
  const list = () => {
    let names: string[];
    try {
      names = readdirSync(vodDir);
    } catch {
      names = [];
    }
    const present = new Set(names);
    for (const id of replays.keys()) if (!present.has(id)) replays.delete(id);
    for (const id of names) {
      if (replays.has(id)) continue;
      let masterPlaylist: string;
      try {
        masterPlaylist = readFileSync(join(vodDir, id, 'master.m3u8'), 'utf8');
      } catch {
        // Still being written, or not a replay.
        continue;
      }
      replays.set(id, { lessonId: id, masterPlaylist, scope: 'vod', ...(isProtected(join(vodDir, id)) ? { protected: true } : {}) });
    }
  };
  return () => {
    if (now() - listedAt >= listEveryMs) {
      listedAt = now();
      list();
    }
    return replays.values();
  };
}

/** The rule of services/replay/replay-protection.ts, on the manifest read synchronously. */
function isProtected(replayDir: string): boolean {
  let text: string | undefined;
  try {
    text = readFileSync(join(replayDir, replayManifestName), 'utf8');
  } catch {
    text = undefined;
  }
  return replayIsProtected(text);
}
