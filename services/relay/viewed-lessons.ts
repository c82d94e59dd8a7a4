// The lessons and replays viewers have asked this relay for lately (any playlist of theirs), each
// with the master playlist the relay holds for it: the P2P tracker beside the relay accepts their
// swarms and no others. Only those whose master playlist the relay has actually cached count, and
// nothing here ever fetches, so made-up names in URLs cost nothing upstream.
import { LRUCache } from 'lru-cache';
import type { ObjectStore } from './object-store.ts';

/**
 * `scope` 'live' is a lesson under /live/<lessonId>/ (live or time-shift), 'vod' a finished
 * recording's replay under /vod/<recordingId>/ (then `lessonId` is the recording's id).
 * `protected`: upstream marked the master playlist protected, so its swarm needs a token.
 */
export type ViewedLesson = { lessonId: string; masterPlaylist: string; protected: boolean; scope: 'live' | 'vod' };

export type ViewedLessons = {
  /** Called with every request's URL; notes the lesson or replay of a playlist request. */
  note(url: string | undefined): void;
  lessons(): Iterable<ViewedLesson>;
};

/** A lesson's playlists are asked for every few seconds while anyone watches; this much silence means nobody does. */
export function createViewedLessons(store: ObjectStore, keepMs: number, maxLessons = 2000): ViewedLessons {
  // Keyed "<scope>/<id>". The master playlist is kept once seen: it never changes, and the relay's
  // cache may evict it while viewers go on asking only for media playlists.
  const recent = new LRUCache<string, { masterPlaylist?: string; protected?: boolean }>({ max: maxLessons, ttl: keepMs });
  return {
    note(url) {
      const match = url ? /^\/(live|vod)\/([^/?]+)\/[^?]*\.m3u8(?:\?|$)/.exec(url) : null;
      if (!match) return;
      const key = `${match[1]}/${match[2]}`;
      // set() again restarts the lesson's time to live.
      recent.set(key, recent.get(key) ?? {});
    },
    *lessons() {
      recent.purgeStale();
      for (const [key, entry] of recent.entries()) {
        const scope = key.startsWith('vod/') ? 'vod' : 'live';
        const lessonId = key.slice(scope.length + 1);
        if (entry.masterPlaylist === undefined) {
          // The time-shift master lists the same variants, so either gives the lesson's swarms.
          const master =
            scope === 'vod' ? store.stale(`/vod/${lessonId}/master.m3u8`) : (store.stale(`/live/${lessonId}/master.m3u8`) ?? store.stale(`/live/${lessonId}/master-timeshift.m3u8`));
          entry.masterPlaylist = master?.body.toString('utf8');
          entry.protected = master?.headers.protected === true;
        }
        if (entry.masterPlaylist !== undefined) yield { lessonId, masterPlaylist: entry.masterPlaylist, protected: entry.protected === true, scope };
      }
    },
  };
}
