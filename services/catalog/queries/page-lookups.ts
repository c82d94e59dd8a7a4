// Whether a lesson or a recording exists at all, whoever may see it: the pages answer an id that
// does not with a 404 page (services/web/not-found-page.ts), and one that does with the player,
// which then asks the API for what this viewer may see (and to sign in only where that would help).
// A lesson's visibility and state tell the watch page whether to preload its master playlist
// (services/web/watch-preloads.ts); nothing else of it reaches the page.
import { queryOne, type Queryable } from '../db/database.ts';
import type { PageCatalog, PageLesson } from '../../web/not-found-page.ts';

export function pageLookups(db: Queryable): PageCatalog {
  return {
    lesson: async (id) => (await queryOne<PageLesson>(db, 'select visibility, state from lessons where id = $1', [id])) ?? null,
    recordingExists: async (id) => (await queryOne(db, 'select 1 as found from recordings where id = $1', [id])) !== undefined,
  };
}
