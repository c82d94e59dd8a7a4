// Which addresses fetched a lesson's playlists from this tier lately: every player, with or without
// P2P, fetches its media playlist over HTTP every segment or so. A quality report counts a viewer
// only from an address that did (qoe-routes.ts), so the viewer counts rest on what was fetched, not
// only on what reports claim. Addresses are the socket's (behind a proxy, the proxy's: then the
// check only says someone behind it fetched). Bounded: an LRU of (lesson, address) pairs.
import { LRUCache } from 'lru-cache';

export type LessonFetchers = {
  /** Called with every request; notes the lesson of a playlist request under /live/. */
  note(url: string | undefined, address: string | undefined, now?: number): void;
  /** Whether `address` fetched the lesson's playlists within the window. */
  fetched(lessonId: string, address: string, now?: number): boolean;
};

const playlistUrl = /^\/live\/([^/?]+)\/[^?]*\.m3u8(?:\?|$)/;

export function createLessonFetchers(windowMs = 60_000, maxPairs = 200_000): LessonFetchers {
  const seen = new LRUCache<string, number>({ max: maxPairs });
  const key = (lessonId: string, address: string) => `${lessonId}\n${address}`;
  return {
    note(url, address, now = Date.now()) {
      if (!url || !address) return;
      const match = playlistUrl.exec(url);
      if (match) seen.set(key(match[1]!, address), now);
    },
    fetched(lessonId, address, now = Date.now()) {
      const at = seen.get(key(lessonId, address));
      return at !== undefined && now - at <= windowMs;
    },
  };
}
