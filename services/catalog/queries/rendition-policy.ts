// The storage policy in the catalog (migrations/018_rendition_policy.sql): a school's own steps, the
// replays whose step in force has changed since the policy last looked at them, and the two changes
// the job makes to a replay's row (renditions leaving the master, then their files gone). Every change
// is conditional on what the job read, so two catalogs acting on one replay at once change it once.
import type { PolicyStep } from '../../core/rendition-policy.ts';
import type { Queryable } from '../db/database.ts';
import type { ReplayLocation } from './replay-locations.ts';

/** A school's own steps; null when it follows the platform's; undefined when there is no such school. */
export async function schoolRenditionSteps(db: Queryable, schoolId: number): Promise<PolicyStep[] | null | undefined> {
  const rows = await db.query<{ steps: string | null }>('select rendition_steps::text as steps from schools where id = $1', [schoolId]);
  if (rows.length === 0) return undefined;
  return rows[0]!.steps === null ? null : (JSON.parse(rows[0]!.steps) as PolicyStep[]);
}

/** Sets (or with null, removes) a school's own steps; false when there is no such school. */
export async function setSchoolRenditionSteps(db: Queryable, schoolId: number, steps: readonly PolicyStep[] | null): Promise<boolean> {
  const rows = await db.query('update schools set rendition_steps = $2::jsonb where id = $1 returning id', [schoolId, steps === null ? null : JSON.stringify(steps)]);
  return rows.length > 0;
}

/** A replay the policy should look at now: the step in force for its age is not the one last applied. */
export type PolicyCandidate = {
  id: string;
  storagePath: string;
  renditions: string[];
  step: PolicyStep;
  ageDays: number;
  mp4Ready: boolean;
  mp4SizeBytes: number;
};

/**
 * Finished, unpinned replays of ended lessons at `location` whose step in force (the school's steps,
 * else `defaultSteps`) differs from the one last applied, oldest first, at most `limit`. A replay
 * whose MP4 is being prepared waits for the next sweep (the preparation reads its renditions).
 */
export async function policyCandidates(db: Queryable, now: Date, location: ReplayLocation, defaultSteps: readonly PolicyStep[], limit: number, exclude: readonly string[] = []): Promise<PolicyCandidate[]> {
  const rows = await db.query<{ id: string; storage_path: string; renditions: string[]; step: string; age_days: number | string; mp4_state: string; mp4_size_bytes: number | string | null }>(
    `select id, storage_path, renditions, step::text as step, age_days, mp4_state, mp4_size_bytes from (
       select g.id, g.storage_path, g.renditions, g.policy_step, g.ended_at, g.mp4_state, g.mp4_size_bytes, a.age_days,
              (select st from jsonb_array_elements(coalesce(s.rendition_steps, $3::jsonb)) st
                where (st->>'afterDays')::numeric <= a.age_days order by (st->>'afterDays')::numeric desc limit 1) as step
         from recordings g
         join lessons l on l.id = g.lesson_id
         left join classrooms r on r.id = l.classroom_id
         left join schools s on s.id = r.school_id
         cross join lateral (select extract(epoch from ($1::timestamptz - g.ended_at)) / 86400 as age_days) a
        where g.state = 'ready' and not g.pinned and g.ended_at is not null and l.state <> 'live'
          and g.location = $2 and g.mp4_state <> 'preparing' and g.renditions_leave_at is null and not (g.id = any($5::text[]))
     ) c
     where step is not null and step is distinct from policy_step
     order by ended_at, id
     limit $4`,
    [now, location, JSON.stringify(defaultSteps), limit, exclude],
  );
  return rows.map((row) => ({
    id: row.id,
    storagePath: row.storage_path,
    renditions: row.renditions,
    step: JSON.parse(row.step) as PolicyStep,
    ageDays: Number(row.age_days),
    mp4Ready: row.mp4_state === 'ready',
    mp4SizeBytes: Number(row.mp4_size_bytes ?? 0),
  }));
}

/**
 * Records that `leaving` left the replay's master (`kept` stays), with their bytes, to be removed at
 * `leaveAt`; `step` is the step applied. True when this call made the change: the row still had
 * `before` as its renditions, nothing leaving, and is not pinned.
 */
export async function markRenditionsLeaving(
  db: Queryable,
  id: string,
  change: { before: readonly string[]; kept: readonly string[]; leaving: readonly string[]; bytes: number; leaveAt: Date; step: PolicyStep },
): Promise<boolean> {
  const rows = await db.query(
    `update recordings set renditions = $3, renditions_leaving = $4, renditions_leaving_bytes = $5, renditions_leave_at = $6, policy_step = $7::jsonb, updated_at = now()
      where id = $1 and renditions = $2 and renditions_leave_at is null and not pinned and mp4_state <> 'preparing'
      returning id`,
    [id, change.before, change.kept, change.leaving, change.bytes, change.leaveAt, JSON.stringify(change.step)],
  );
  return rows.length > 0;
}

/** The step was applied and kept every rendition: nothing to do until the next step. */
export async function markStepApplied(db: Queryable, id: string, step: PolicyStep): Promise<void> {
  await db.query('update recordings set policy_step = $2::jsonb, updated_at = now() where id = $1 and renditions_leave_at is null', [id, JSON.stringify(step)]);
}

/** The prepared MP4 was removed (it was made from a rendition the policy dropped): the next download prepares it again. */
export async function forgetMp4(db: Queryable, id: string, freedBytes: number): Promise<boolean> {
  const rows = await db.query(
    `update recordings set mp4_state = 'none', mp4_progress = 0, mp4_size_bytes = null, policy_freed_bytes = policy_freed_bytes + $2, updated_at = now()
      where id = $1 and mp4_state = 'ready' returning id`,
    [id, freedBytes],
  );
  return rows.length > 0;
}

export type LeavingReplay = { id: string; storagePath: string; renditions: string[]; leaving: string[]; bytes: number; leaveAt: Date };

/** Replays at `location` whose leaving renditions' grace is over (pinned ones keep their files), but not those in `exclude`. */
export async function dueLeavingReplays(db: Queryable, now: Date, location: ReplayLocation, limit: number, exclude: readonly string[] = []): Promise<LeavingReplay[]> {
  const rows = await db.query<{ id: string; storage_path: string; renditions: string[]; renditions_leaving: string[]; renditions_leaving_bytes: number | string; renditions_leave_at: Date | string }>(
    `select id, storage_path, renditions, renditions_leaving, renditions_leaving_bytes, renditions_leave_at from recordings
      where renditions_leave_at is not null and renditions_leave_at <= $1 and location = $2 and not pinned and not (id = any($4::text[]))
      order by renditions_leave_at, id limit $3`,
    [now, location, limit, exclude],
  );
  return rows.map((row) => ({
    id: row.id,
    storagePath: row.storage_path,
    renditions: row.renditions,
    leaving: row.renditions_leaving,
    bytes: Number(row.renditions_leaving_bytes),
    leaveAt: new Date(row.renditions_leave_at),
  }));
}

/** The leaving renditions' master still named them (a write that failed): their files wait another grace. */
export async function postponeLeaving(db: Queryable, id: string, seenLeaveAt: Date, leaveAt: Date): Promise<void> {
  await db.query('update recordings set renditions_leave_at = $3, updated_at = now() where id = $1 and renditions_leave_at = $2', [id, seenLeaveAt, leaveAt]);
}

/** Their files are gone: recorded once (the row still had `seenLeaveAt`); true when this call recorded it. */
export async function markRenditionsDropped(db: Queryable, id: string, seenLeaveAt: Date): Promise<boolean> {
  const rows = await db.query(
    `update recordings set renditions_dropped = renditions_dropped || renditions_leaving, policy_freed_bytes = policy_freed_bytes + renditions_leaving_bytes,
            size_bytes = greatest(0, coalesce(size_bytes, 0) - renditions_leaving_bytes),
            renditions_leaving = '{}', renditions_leaving_bytes = 0, renditions_leave_at = null, updated_at = now()
      where id = $1 and renditions_leave_at = $2 returning id`,
    [id, seenLeaveAt],
  );
  return rows.length > 0;
}
