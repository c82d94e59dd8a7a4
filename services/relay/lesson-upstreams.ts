// Which upstream carries which lesson, for a relay whose upstreams carry different lessons (a
// province origin in front of several ingest nodes). A lesson found on an upstream after another
// said 404 is remembered there, and that upstream is asked first for the lesson's next objects, so
// a lesson carried by the second ingest node costs no extra request per object after the first.
// Affinity only starts with a 404: a primary/standby pair, where every upstream carries every
// lesson, keeps today's order (back to the primary once it is up again).
import { LRUCache } from 'lru-cache';
import type { UpstreamState } from './upstreams.ts';

export type LessonUpstreams = {
  /** `ordered` (healthy first) with the lesson's carrier moved to the front of its own group (healthy or down). */
  order(path: string, ordered: UpstreamState[]): UpstreamState[];
  /**
   * `upstream` answered `path`. Remembered when another upstream said 404 first, or when the lesson
   * already has a carrier (it then follows whichever upstream answered last).
   */
  answered(path: string, upstream: string, afterNotFound: boolean): void;
  carrier(path: string): string | undefined;
};

/** "live/<lesson>" or "vod/<recording>": the first part of a media path names the lesson. */
export function lessonKey(path: string): string | undefined {
  const match = /^\/(live|vod)\/([^/?]+)\//.exec(path);
  return match ? `${match[1]}/${match[2]}` : undefined;
}

/** `maxLessons` bounds memory: lessons nobody watched lately drop out and are found again with one 404. */
export function createLessonUpstreams(maxLessons = 10_000): LessonUpstreams {
  const carriers = new LRUCache<string, string>({ max: maxLessons });
  const carrier = (path: string) => {
    const key = lessonKey(path);
    return key === undefined ? undefined : carriers.get(key);
  };
  return {
    order(path, ordered) {
      const url = carrier(path);
      const preferred = ordered.find((state) => state.url === url);
      if (!preferred) return ordered;
      const rest = ordered.filter((state) => state !== preferred);
      const at = rest.findIndex((state) => state.up === preferred.up);
      return at < 0 ? [...rest, preferred] : [...rest.slice(0, at), preferred, ...rest.slice(at)];
    },
    answered(path, upstream, afterNotFound) {
      const key = lessonKey(path);
      if (key === undefined || (!afterNotFound && !carriers.has(key))) return;
      carriers.set(key, upstream);
    },
    carrier,
  };
}
