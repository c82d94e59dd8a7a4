// While a lesson has viewers at this relay, the relay follows its media playlists itself and
// fetches each new segment the moment it is listed, so the viewer who asks first finds it warm.
// A playlist nobody has asked for within the idle time is no longer followed.
import type { Logger } from '../core/log.ts';
import { parsePlaylist } from '../core/parse-playlist.ts';
import { mediaFileKind } from '../media-http/cache-policy.ts';
import type { ObjectStore } from './object-store.ts';
import type { RelayStats } from './relay-stats.ts';

export type Prefetcher = { viewed(playlistPath: string): void; following(): string[]; close(): void };

export function createPrefetcher(store: ObjectStore, options: { idleMs: number; stats: RelayStats; log: Logger }): Prefetcher {
  const followed = new Map<string, { lastViewedAt: number; timer?: NodeJS.Timeout }>();

  const follow = async (playlistPath: string) => {
    const entry = followed.get(playlistPath);
    if (!entry) return;
    if (Date.now() - entry.lastViewedAt > options.idleMs) {
      followed.delete(playlistPath);
      options.log.debug('prefetch stopped', { playlist: playlistPath });
      return;
    }
    let delayMs = 500;
    try {
      const body = (await store.lookup(playlistPath, 'media-playlist'))?.body ?? (await fetchWhole(playlistPath));
      if (body) {
        const playlist = parsePlaylist(body.toString('utf8'));
        // Poll about twice a segment: new segments are found within half a segment of appearing.
        delayMs = Math.max(250, ((playlist.targetDuration ?? 2) * 1000) / 2);
        const base = playlistPath.slice(0, playlistPath.lastIndexOf('/') + 1);
        const uris = new Set(playlist.segments.flatMap((segment) => [segment.map?.uri, segment.uri]).filter((uri): uri is string => Boolean(uri)));
        for (const uri of uris) {
          const kind = mediaFileKind(uri);
          if (!kind || uri.includes('/')) continue;
          const path = base + uri;
          // A presence check only: reading each cached segment back from disk twice a second was wasted I/O.
          if (store.isFetching(path) || store.has(path)) continue;
          options.stats.prefetched++;
          store.fetch(path, kind);
        }
        if (playlist.endList) {
          followed.delete(playlistPath);
          return;
        }
      }
    } catch (error) {
      options.log.debug('prefetch failed', { playlist: playlistPath, error });
    }
    if (followed.has(playlistPath)) entry.timer = setTimeout(() => void follow(playlistPath), delayMs);
  };

  const fetchWhole = async (path: string): Promise<Buffer | undefined> => {
    const result = await store.fetch(path, 'media-playlist').flight.result;
    return result.status === 'complete' ? result.body : undefined;
  };

  return {
    viewed(playlistPath) {
      const entry = followed.get(playlistPath);
      if (entry) {
        entry.lastViewedAt = Date.now();
        return;
      }
      followed.set(playlistPath, { lastViewedAt: Date.now() });
      void follow(playlistPath);
    },
    following: () => [...followed.keys()],
    close() {
      for (const entry of followed.values()) clearTimeout(entry.timer);
      followed.clear();
    },
  };
}
