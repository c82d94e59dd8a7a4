// The lessons viewers have asked this relay for lately (any playlist of theirs), each with the master
// playlist the relay holds for it: the P2P tracker beside the relay accepts their swarms and no
// others. Only lessons whose master playlist the relay has actually cached count, and nothing here
// ever fetches, so made-up lesson names in URLs cost nothing upstream.
import { LRUCache } from 'lru-cache';
import type { ObjectStore } from './object-store.ts';

/** `protected`: upstream marked the lesson's master playlist protected, so its swarm needs a token. */
export type ViewedLesson = { lessonId: string; masterPlaylist: string; protected: boolean };

export type ViewedLessons = {
  /** Called with every request's URL; notes the lesson of a playlist request. */
  note(url: string | undefined): void;
  lessons(): Iterable<ViewedLesson>;
};

/** A lesson's playlists are asked for every few seconds while anyone watches; this much silence means nobody does. */
export function createViewedLessons(store: ObjectStore, keepMs: number, maxLessons = 2000): ViewedLessons {
  // The master playlist is kept once seen: it never changes, and the relay's cache may evict it while
  // viewers go on asking only for media playlists.
  const recent = new LRUCache<string, { masterPlaylist?: string; protected?: boolean }>({ max: maxLessons, ttl: keepMs });
  return {
    note(url) {
      const match = url ? /^\/live\/([^/?]+)\/[^?]*\.m3u8(?:\?|$)/.exec(url) : null;
      if (!match) return;
      const lessonId = match[1]!;
      // set() again restarts the lesson's time to live.
      recent.set(lessonId, recent.get(lessonId) ?? {});
    },
    *lessons() {
      recent.purgeStale();
      for (const [lessonId, entry] of recent.entries()) {
        // The time-shift master lists the same variants, so either gives the lesson's swarms.
        if (entry.masterPlaylist === undefined) {
          const master = store.stale(`/live/${lessonId}/master.m3u8`) ?? store.stale(`/live/${lessonId}/master-timeshift.m3u8`);
          entry.masterPlaylist = master?.body.toString('utf8');
          entry.protected = master?.headers.protected === true;
        }
        if (entry.masterPlaylist !== undefined) yield { lessonId, masterPlaylist: entry.masterPlaylist, protected: entry.protected === true };
      }
    },
  };
}
