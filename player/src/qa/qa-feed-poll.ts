// Follows a lesson's questions feed: /live/<lesson>/qa.json on the relay the page plays from, read
// about every second (the relay holds one copy for a second, so a lesson's thousands of viewers cost
// its origin one read a second). Bypasses the browser's own cache, which would add up to a second
// more; a failed read is tried again at the next tick.
import type { QaFeed } from './qa-types.ts';

export type FeedFollower = { stop(): void; now(): void };

export function followQaFeed(url: () => string, onFeed: (feed: QaFeed) => void, intervalMs = 1000): FeedFollower {
  let timer: ReturnType<typeof setTimeout> | undefined;
  let stopped = false;
  let last = '';
  const read = async () => {
    clearTimeout(timer);
    try {
      const response = await fetch(url(), { cache: 'no-store' });
      if (response.ok) {
        const text = await response.text();
        // The same document again (nothing changed) is not drawn again.
        if (text !== last) {
          last = text;
          onFeed(JSON.parse(text) as QaFeed);
        }
      }
    } catch {
      // Offline for a moment, or the relay is moving: the next tick tries again.
    }
    if (!stopped) timer = setTimeout(() => void read(), intervalMs);
  };
  void read();
  return {
    stop() {
      stopped = true;
      clearTimeout(timer);
    },
    now: () => void read(),
  };
}

/** The feed's URL on a media base ('' for this origin), with the playback token of a protected lesson. */
export function qaFeedUrl(mediaBase: string, lessonId: string, token?: string): string {
  const url = `${mediaBase.replace(/\/+$/, '')}/live/${encodeURIComponent(lessonId)}/qa.json`;
  return token ? `${url}?token=${encodeURIComponent(token)}` : url;
}
