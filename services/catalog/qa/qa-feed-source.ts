// The origin's source of /live/<lesson>/qa.json: the feed document built from the catalog at most
// once per `freshMs` per lesson, however many requests arrive (they share one build in flight, then
// its result until it is stale). With relays caching it for a second in front, the catalog answers
// about one query per lesson per `freshMs`, whether the lesson has ten viewers or a hundred thousand.
import { LRUCache } from 'lru-cache';
import { queryOne, type Queryable } from '../db/database.ts';
import { getQaSettings, listQaItems } from '../queries/qa.ts';
import { qaCounts } from './qa-counts.ts';
import { buildQaFeed, feedItemLimit } from './qa-feed.ts';

/** The feed's bytes, or undefined when the catalog has no such lesson. */
export type QaFeedSource = (lessonId: string) => Promise<Buffer | undefined>;

export function createQaFeedSource(db: Queryable, freshMs = 500, now: () => number = Date.now): QaFeedSource {
  const builds = new LRUCache<string, { at: number; body: Promise<Buffer | undefined> }>({ max: 5000 });
  const build = async (lessonId: string): Promise<Buffer | undefined> => {
    const lesson = await queryOne<{ went_live_at: Date | null }>(db, 'select went_live_at from lessons where id = $1', [lessonId]);
    if (!lesson) return undefined;
    const [settings, items] = await Promise.all([getQaSettings(db, lessonId), listQaItems(db, lessonId, { withHidden: false, limit: feedItemLimit })]);
    qaCounts.feedBuilds++;
    return Buffer.from(JSON.stringify(buildQaFeed(lessonId, settings, items, lesson.went_live_at, new Date(now()))));
  };
  return (lessonId) => {
    const at = now();
    const held = builds.get(lessonId);
    if (held && at - held.at < freshMs) return held.body;
    const body = build(lessonId);
    builds.set(lessonId, { at, body });
    // A failed build is not kept: the next request tries again.
    body.catch(() => builds.delete(lessonId));
    return body;
  };
}
