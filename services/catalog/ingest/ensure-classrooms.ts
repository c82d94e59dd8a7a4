// Classrooms from the configuration (classrooms: [...], --classroom ID:KEY) are created in the
// catalog when missing, so a spine-only setup keeps working. The catalog is the source of truth: a
// classroom that already exists keeps the catalog's keys even when the configured key differs
// (keys are rotated in the catalog, and a restart with an old config must not undo a rotation).
import type { Classroom } from '../../core/config/schema.ts';
import type { Logger } from '../../core/log.ts';
import type { Queryable } from '../db/database.ts';

export async function ensureClassrooms(db: Queryable, classrooms: readonly Classroom[], log: Logger): Promise<void> {
  for (const classroom of classrooms) {
    // A key already used as another classroom's backup key must not be given out twice; the
    // primary_key unique constraint covers the other case (on conflict do nothing skips it).
    const inserted = await db.query(
      `insert into classrooms (id, name, primary_key)
       select $1, $1, $2 where not exists (select 1 from classrooms where backup_key = $2)
       on conflict do nothing
       returning id`,
      [classroom.id, classroom.key],
    );
    if (inserted.length > 0) {
      log.info('classroom created from the configuration', { classroom: classroom.id });
      continue;
    }
    const existing = (await db.query<{ primary_key: string }>('select primary_key from classrooms where id = $1', [classroom.id]))[0];
    if (!existing) {
      throw new Error(`classroom ${classroom.id}: its stream key is already another classroom's key in the catalog; configure a different key`);
    }
    if (existing.primary_key !== classroom.key) {
      log.warn('configured stream key differs from the catalog; using the catalog\'s key', {
        classroom: classroom.id,
        hint: 'the catalog wins: configured classrooms are only created when missing. See the key on the school page or GET /api/v1/classrooms/' + classroom.id,
      });
    }
  }
}
