// "End lesson now": the catalog records the request (lessons.end_requested_at); the ingest node
// carrying the lesson polls for requests on the lessons it carries (endRequestedAmong) and ends them
// at once (services/ingest/lesson-end-watch.ts): encoders cut off, playlists closed with
// #EXT-X-ENDLIST, recordings made into replays. A lesson live in the catalog that no node carries
// (a publish that took it and has no media yet, or a node that went away) is ended here directly;
// should a node carry it after all, its poll ends it there too.
import { setTimeout as sleep } from 'node:timers/promises';
import { queryOne, type Database, type Queryable } from '../db/database.ts';
import { markEnded } from './lesson-lifecycle.ts';

export type EndRequest =
  /** Recorded; `carried`: an ingest node is carrying the lesson and will end it, else it ended here. */
  | { outcome: 'requested'; carried: boolean }
  /** Not live: nothing to end. */
  | { outcome: 'not-live'; state: 'scheduled' | 'ended' };

export async function requestLessonEnd(db: Database, lessonId: string): Promise<EndRequest> {
  return db.transaction(async (tx) => {
    const row = await queryOne<{ state: 'scheduled' | 'live' | 'ended' }>(tx, 'select state from lessons where id = $1 for update', [lessonId]);
    if (!row) throw new Error(`lesson ${lessonId} is not in the catalog`);
    if (row.state !== 'live') return { outcome: 'not-live', state: row.state };
    await tx.query('update lessons set end_requested_at = coalesce(end_requested_at, now()), updated_at = now() where id = $1', [lessonId]);
    const carried = await queryOne(tx, 'select 1 from lesson_sessions where lesson_id = $1 and ended_at is null', [lessonId]);
    if (!carried) await markEnded(tx, lessonId);
    return { outcome: 'requested', carried: Boolean(carried) };
  });
}

/** Which of these lessons (the ones a node carries) someone asked to end. */
export async function endRequestedAmong(db: Queryable, lessonIds: readonly string[]): Promise<string[]> {
  if (lessonIds.length === 0) return [];
  const rows = await db.query<{ id: string }>('select id from lessons where id = any($1::text[]) and end_requested_at is not null', [lessonIds]);
  return rows.map((row) => row.id);
}

/**
 * Waits until the lesson is ended in the catalog (its node has closed its playlists and recording),
 * up to `timeoutMs`; answers whether it did. The API answers with the ended lesson when it can.
 */
export async function waitUntilEnded(db: Queryable, lessonId: string, timeoutMs: number, pollMs = 200): Promise<boolean> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const row = await queryOne<{ state: string }>(db, 'select state from lessons where id = $1', [lessonId]);
    if (!row || row.state === 'ended') return true;
    if (Date.now() >= deadline) return false;
    await sleep(pollMs);
  }
}
