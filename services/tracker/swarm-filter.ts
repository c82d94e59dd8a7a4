// Which info hashes the tracker accepts: those of the lessons its node carries now (live, or ended
// and still replayable), as the role reports them. A hash not in the allowed set rebuilds it (a
// lesson that just started is accepted at its first announce), but at most once per `missRefreshMs`,
// so a flood of made-up hashes costs a set lookup each; the set is also rebuilt every `refreshMs` so
// lessons that are gone drop out. A lesson's hashes are only recomputed when its master changes,
// and those of its earlier masters stay allowed while the lesson is known.
import { expectedInfoHashes } from './swarm-hashes.ts';

/**
 * A swarm the node can serve: the watch page's swarm id and the master playlist it plays;
 * `protectedLesson` is what the joining connection's playback token must name ("live:<lesson>" or
 * "vod:<recording>") when joining takes one.
 */
export type KnownSwarm = { swarmId: string; masterPlaylist: string; protectedLesson?: string };

export type SwarmFilter = {
  allows(infoHash: string, now: number): boolean;
  /** Rebuilds the allowed set now: the role's lessons are known to have changed (tracker-thread.ts). */
  refresh(now: number): void;
  /** The protected lesson an allowed info hash belongs to; undefined for a public one. */
  protectedLessonOf(infoHash: string): string | undefined;
  size(): number;
};

export type SwarmFilterTimes = { refreshMs: number; missRefreshMs: number };

/** Hashes kept per swarm across master versions: a ladder of 4 rewritten a few times. */
const maxHashesPerSwarm = 32;

export function createSwarmFilter(knownSwarms: () => Iterable<KnownSwarm>, times: SwarmFilterTimes): SwarmFilter {
  const hashesBySwarm = new Map<string, { masterPlaylist: string; hashes: string[] }>();
  let allowed = new Set<string>();
  let protectedHashes = new Map<string, string>();
  let builtAt = Number.NEGATIVE_INFINITY;

  const rebuild = () => {
    const next = new Set<string>();
    const nextProtected = new Map<string, string>();
    const seen = new Set<string>();
    for (const { swarmId, masterPlaylist, protectedLesson } of knownSwarms()) {
      seen.add(swarmId);
      let entry = hashesBySwarm.get(swarmId);
      if (!entry || entry.masterPlaylist !== masterPlaylist) {
        // A master rewritten while live (a segment needed more BANDWIDTH than it said: the packager's
        // publishMaster) changes the swarms of new viewers; those who loaded the earlier one keep
        // theirs, so its hashes stay allowed too (a few versions at most).
        const hashes = [...new Set([...hashesOf(swarmId, masterPlaylist), ...(entry?.hashes ?? [])])].slice(0, maxHashesPerSwarm);
        entry = { masterPlaylist, hashes };
        hashesBySwarm.set(swarmId, entry);
      }
      for (const hash of entry.hashes) {
        next.add(hash);
        if (protectedLesson !== undefined) nextProtected.set(hash, protectedLesson);
      }
    }
    for (const swarmId of hashesBySwarm.keys()) if (!seen.has(swarmId)) hashesBySwarm.delete(swarmId);
    allowed = next;
    protectedHashes = nextProtected;
  };

  return {
    allows(infoHash, now) {
      const age = now - builtAt;
      if (age >= times.refreshMs || (age >= times.missRefreshMs && !allowed.has(infoHash))) {
        builtAt = now;
        rebuild();
      }
      return allowed.has(infoHash);
    },
    refresh(now) {
      builtAt = now;
      rebuild();
    },
    protectedLessonOf: (infoHash) => protectedHashes.get(infoHash),
    size: () => allowed.size,
  };
}

/** A master playlist that does not parse names no swarm: nobody can play it either. */
function hashesOf(swarmId: string, masterPlaylist: string): string[] {
  try {
    return expectedInfoHashes(swarmId, masterPlaylist);
  } catch {
    return [];
  }
}
