// Whether a lesson or a recording exists at all, whoever may see it: the pages answer an id that
// does not with a 404 page (services/web/not-found-page.ts), and one that does with the player,
// which then asks the API for what this viewer may see (and to sign in only where that would help).
import { queryOne, type Queryable } from '../db/database.ts';
import type { PageCatalog } from '../../web/not-found-page.ts';

export function pageLookups(db: Queryable): PageCatalog {
  return {
    lessonExists: async (id) => (await queryOne(db, 'select 1 as found from lessons where id = $1', [id])) !== undefined,
    recordingExists: async (id) => (await queryOne(db, 'select 1 as found from recordings where id = $1', [id])) !== undefined,
  };
}
