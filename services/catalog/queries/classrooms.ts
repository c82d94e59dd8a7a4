// Classrooms: where an encoder publishes from. Each has a primary stream key and an optional backup
// key (a second encoder taking over); ingest reads them to authorise publishes, and writes
// encoder_status, which is joined in here for the school's status page.
import { queryOne, type Queryable } from '../db/database.ts';
import type { Visibility } from './lessons.ts';
import type { EncoderSent } from '../../ingest/encoder-sent.ts';
import { conditions, iso, listPage, numberOrNull, type Listed, type PageWindow } from './sql-helpers.ts';

export type EncoderStatus = {
  connected: boolean;
  ingestNode: string;
  lessonId: string | null;
  keyKind: 'primary' | 'backup' | null;
  bitrateKbps: number | null;
  fps: number | null;
  width: number | null;
  height: number | null;
  remoteAddress: string | null;
  /** Why the source is not served as it is sent, with the fix in words (null: fit, or not judged yet). */
  advice: string | null;
  /** What it sends on its own clock, for the live check (null: not connected, or not measured yet). */
  sent: EncoderSent | null;
  updatedAt: string;
};

/**
 * The stored classroom; the route decides whether the caller sees the keys. `defaultVisibility`: the
 * visibility its ad-hoc lessons take; null follows its school's.
 */
export type ClassroomRecord = {
  id: string;
  schoolId: number | null;
  schoolName: string | null;
  name: string;
  defaultVisibility: Visibility | null;
  primaryKey: string;
  backupKey: string | null;
  keysRotatedAt: string;
  encoder: EncoderStatus | null;
};

export type ClassroomFilter = { schoolId?: number | undefined };
export type KeyKind = 'primary' | 'backup';

type ClassroomRow = {
  id: string;
  school_id: number | null;
  school_name: string | null;
  name: string;
  default_visibility: Visibility | null;
  primary_key: string;
  backup_key: string | null;
  keys_rotated_at: Date;
  ingest_node: string | null;
  lesson_id: string | null;
  connected: boolean | null;
  remote_address: string | null;
  key_kind: KeyKind | null;
  bitrate_kbps: number | null;
  fps: number | null;
  width: number | null;
  height: number | null;
  advice: string | null;
  sent: EncoderSent | null;
  status_updated_at: Date | null;
};

const select = `select r.id, r.school_id, s.name as school_name, r.name, r.default_visibility, r.primary_key, r.backup_key, r.keys_rotated_at,
  e.ingest_node, e.lesson_id, e.connected, e.remote_address, e.key_kind, e.bitrate_kbps, e.fps, e.width, e.height, e.advice, e.sent,
  e.updated_at as status_updated_at`;
const from = 'from classrooms r left join schools s on s.id = r.school_id left join encoder_status e on e.classroom_id = r.id';

function toClassroom(row: ClassroomRow): ClassroomRecord {
  return {
    id: row.id,
    schoolId: row.school_id,
    schoolName: row.school_name,
    name: row.name,
    defaultVisibility: row.default_visibility,
    primaryKey: row.primary_key,
    backupKey: row.backup_key,
    keysRotatedAt: iso(row.keys_rotated_at)!,
    encoder:
      row.ingest_node === null
        ? null
        : {
            connected: row.connected === true,
            ingestNode: row.ingest_node,
            lessonId: row.lesson_id,
            keyKind: row.key_kind,
            bitrateKbps: numberOrNull(row.bitrate_kbps),
            fps: numberOrNull(row.fps),
            width: row.width,
            height: row.height,
            remoteAddress: row.remote_address,
            advice: row.advice,
            sent: row.sent,
            updatedAt: iso(row.status_updated_at)!,
          },
  };
}

export function listClassrooms(db: Queryable, filter: ClassroomFilter, window: PageWindow): Promise<Listed<ClassroomRecord>> {
  const where = conditions();
  if (filter.schoolId !== undefined) where.add('r.school_id = $?', filter.schoolId);
  return listPage(db, { select, from, where, orderBy: 'r.id' }, window, toClassroom);
}

export async function getClassroom(db: Queryable, id: string): Promise<ClassroomRecord | undefined> {
  const row = await queryOne<ClassroomRow>(db, `${select} ${from} where r.id = $1`, [id]);
  return row && toClassroom(row);
}

export async function createClassroom(
  db: Queryable,
  input: { id: string; schoolId: number; name: string; primaryKey: string; backupKey: string | null; defaultVisibility?: Visibility | null | undefined },
): Promise<ClassroomRecord> {
  await db.query('insert into classrooms (id, school_id, name, primary_key, backup_key, default_visibility) values ($1, $2, $3, $4, $5, $6)', [
    input.id,
    input.schoolId,
    input.name,
    input.primaryKey,
    input.backupKey,
    input.defaultVisibility ?? null,
  ]);
  return (await getClassroom(db, input.id))!;
}

export type ClassroomChanges = { name?: string | undefined; schoolId?: number | undefined; defaultVisibility?: Visibility | null | undefined };

/** Changes what is given; `defaultVisibility: null` goes back to following the school's. */
export async function updateClassroom(db: Queryable, id: string, changes: ClassroomChanges): Promise<ClassroomRecord | undefined> {
  const row = await queryOne<{ id: string }>(
    db,
    `update classrooms set name = coalesce($2, name), school_id = coalesce($3, school_id),
       default_visibility = case when $4 then $5::text else default_visibility end, updated_at = now()
      where id = $1 returning id`,
    [id, changes.name ?? null, changes.schoolId ?? null, changes.defaultVisibility !== undefined, changes.defaultVisibility ?? null],
  );
  return row && getClassroom(db, row.id);
}

/** Sets one key (null removes the backup key) and records when keys last changed. */
export async function setClassroomKey(db: Queryable, id: string, which: KeyKind, key: string | null): Promise<ClassroomRecord | undefined> {
  const sql =
    which === 'primary'
      ? 'update classrooms set primary_key = $2, keys_rotated_at = now(), updated_at = now() where id = $1 returning id'
      : 'update classrooms set backup_key = $2, keys_rotated_at = now(), updated_at = now() where id = $1 returning id';
  const row = await queryOne<{ id: string }>(db, sql, [id, key]);
  return row && getClassroom(db, row.id);
}

/** Whether any classroom other than `exceptId` uses `key` as its primary or backup key (ingest maps a key to one classroom). */
export async function streamKeyInUse(db: Queryable, key: string, exceptId: string | null): Promise<boolean> {
  const row = await queryOne(db, 'select 1 from classrooms where (primary_key = $1 or backup_key = $1) and id is distinct from $2 limit 1', [key, exceptId]);
  return row !== undefined;
}

export async function deleteClassroom(db: Queryable, id: string): Promise<boolean> {
  return (await db.query('delete from classrooms where id = $1 returning id', [id])).length > 0;
}

export async function countLessonsOfClassroom(db: Queryable, id: string): Promise<number> {
  const row = await queryOne<{ count: number }>(db, 'select count(*)::int as count from lessons where classroom_id = $1', [id]);
  return row?.count ?? 0;
}
