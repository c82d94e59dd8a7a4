// Which classroom a stream key belongs to, answered from memory so RTMP's prePublish never waits on
// the database. The catalog's classrooms (primary and backup keys) are loaded as SHA-256 digests and
// reloaded when the catalog's 'classrooms' change counter moves, so a new or rotated key works within
// catalog.keyRefreshSeconds without a restart. Keys are compared in constant time against every
// entry, so response timing tells an attacker nothing about how much of a guessed key was right.
// Keys shorter than new keys may be (stored before that rule) keep working, and are reported: at
// start, and whenever the set of classrooms holding one changes.
import { createHash, timingSafeEqual } from 'node:crypto';
import { newStreamKeyMinLength } from '../../core/config/schema.ts';
import type { Logger } from '../../core/log.ts';
import type { KeyDirectory, KeyMatch } from '../../ingest/catalog-port.ts';
import type { Queryable } from '../db/database.ts';

// The directory's shape is the ingest's (its catalog port): refreshNow reloads whatever the change
// counter says, close stops polling.
export type { KeyDirectory, KeyKind, KeyMatch } from '../../ingest/catalog-port.ts';

type Entry = KeyMatch & { digest: Buffer };

/** Loads the keys (rejecting if the catalog can't be read), then keeps them fresh by polling. */
export async function openKeyDirectory(db: Queryable, options: { refreshSeconds: number; log: Logger }): Promise<KeyDirectory> {
  let entries: Entry[] = [];
  // Compared as text: pg returns bigint as a string, PGlite as a number.
  let loadedVersion: string | undefined;
  let failing = false;
  let inFlight: Promise<void> | undefined;
  let shortKeysReported = '';

  const readVersion = async () =>
    (await db.query<{ version: string }>("select version::text as version from catalog_versions where name = 'classrooms'"))[0]?.version ?? '0';

  const load = async (version: string) => {
    const rows = await db.query<{ id: string; primary_key: string; backup_key: string | null }>('select id, primary_key, backup_key from classrooms');
    entries = rows.flatMap((row) => [
      { classroomId: row.id, keyKind: 'primary' as const, digest: digest(row.primary_key) },
      ...(row.backup_key ? [{ classroomId: row.id, keyKind: 'backup' as const, digest: digest(row.backup_key) }] : []),
    ]);
    loadedVersion = version;
    const shortKeyed = rows.filter((row) => row.primary_key.length < newStreamKeyMinLength || (row.backup_key !== null && row.backup_key.length < newStreamKeyMinLength)).map((row) => row.id);
    if (shortKeyed.join(' ') !== shortKeysReported) {
      shortKeysReported = shortKeyed.join(' ');
      if (shortKeyed.length > 0) {
        options.log.warn('classrooms with stream keys shorter than new keys may be; they still work, rotate them', {
          count: shortKeyed.length,
          classrooms: shortKeyed.slice(0, 20),
          hint: `a short key can be guessed: rotate each one (POST /api/v1/classrooms/<id>/rotate-key, or the school page) and update its encoder; new keys are at least ${newStreamKeyMinLength} characters`,
        });
      }
    }
  };

  // One refresh at a time: a slow database must not pile up polls.
  const refresh = (force: boolean) =>
    (inFlight ??= (async () => {
      try {
        const version = await readVersion();
        if (force || version !== loadedVersion) await load(version);
        if (failing) options.log.info('stream keys refreshed again', { classrooms: new Set(entries.map((entry) => entry.classroomId)).size });
        failing = false;
      } finally {
        inFlight = undefined;
      }
    })());

  await refresh(true);
  const timer = setInterval(() => {
    refresh(false).catch((error: unknown) => {
      // The last keys keep working while the catalog is down; say so once, not every poll.
      if (!failing) options.log.warn('stream keys not refreshed; keeping the last ones', { error });
      failing = true;
    });
  }, options.refreshSeconds * 1000);
  timer.unref();

  return {
    classroomFor(streamKey) {
      const candidate = digest(streamKey);
      let found: KeyMatch | undefined;
      // Compare against every entry, not stopping at a match, for the timing reason above.
      for (const entry of entries) if (timingSafeEqual(entry.digest, candidate)) found = { classroomId: entry.classroomId, keyKind: entry.keyKind };
      return found;
    },
    async refreshNow() {
      // A poll already under way may have read the counter before the change the caller knows of.
      await inFlight?.catch(() => {});
      await refresh(true);
    },
    close: () => clearInterval(timer),
  };
}

function digest(key: string): Buffer {
  return createHash('sha256').update(key).digest();
}
