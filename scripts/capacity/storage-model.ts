// Replay storage for a province: what a day of lessons adds and what the retention period holds,
// with every rendition kept for the whole period, and with a storage policy that keeps the whole
// ladder for the first days and then only some renditions (the top and the lowest, say). Never fewer
// than one rendition: a ladder of one keeps it. Pure: the capacity script prints it (capacity.ts)
// and docs/capacity.md ("Replay storage") gives its figures.
import type { LadderRung } from './measured-figures.ts';

/** Which renditions a replay keeps after `fullDays`: the best, the lowest, or both. */
export type KeptRenditions = 'top-and-lowest' | 'top' | 'lowest';

export type StorageInputs = {
  /** Lessons recorded at once through the teaching day (the classrooms). */
  lessons: number;
  /** Hours each classroom teaches (and records) a day. */
  hoursPerDay: number;
  /** Days a replay is kept (catalog.recordingRetentionDays). */
  retentionDays: number;
  ladder: readonly LadderRung[];
  /** The policy: the whole ladder for `fullDays`, then `keep` for the rest of the retention. */
  policy: { fullDays: number; keep: KeptRenditions };
};

export type StoragePlan = {
  /** Gigabytes of one lesson-hour with every rendition, and with the renditions the policy keeps. */
  lessonHourGb: number;
  keptLessonHourGb: number;
  keptRenditions: string[];
  /** Terabytes a teaching day adds. */
  perDayTb: number;
  /** Terabytes held at steady state over the retention period. */
  retainedTb: number;
  retainedWithPolicyTb: number;
};

/** The rungs a replay keeps under `keep`, best first; never none. */
export function keptRungs(ladder: readonly LadderRung[], keep: KeptRenditions): LadderRung[] {
  const byRate = [...ladder].sort((a, b) => b.videoKbps + b.audioKbps - (a.videoKbps + a.audioKbps));
  if (byRate.length <= 1) return byRate;
  const top = byRate[0]!;
  const lowest = byRate[byRate.length - 1]!;
  return keep === 'top' ? [top] : keep === 'lowest' ? [lowest] : [top, lowest];
}

export function planStorage(inputs: StorageInputs): StoragePlan {
  for (const name of ['lessons', 'hoursPerDay', 'retentionDays'] as const) {
    if (!(inputs[name] > 0) || !Number.isFinite(inputs[name])) throw new Error(`${name}: expected a number above 0, got ${inputs[name]}`);
  }
  if (!(inputs.policy.fullDays >= 0)) throw new Error(`policy full days: expected 0 or more, got ${inputs.policy.fullDays}`);
  const gbPerHour = (rungs: readonly LadderRung[]) => (rungs.reduce((sum, rung) => sum + rung.videoKbps + rung.audioKbps, 0) * 1000 * 3600) / 8 / 1e9;
  const kept = keptRungs(inputs.ladder, inputs.policy.keep);
  const lessonHourGb = gbPerHour(inputs.ladder);
  const keptLessonHourGb = gbPerHour(kept);
  const lessonHoursPerDay = inputs.lessons * inputs.hoursPerDay;
  const perDayTb = (lessonHoursPerDay * lessonHourGb) / 1000;
  const fullDays = Math.min(inputs.policy.fullDays, inputs.retentionDays);
  return {
    lessonHourGb,
    keptLessonHourGb,
    keptRenditions: kept.map((rung) => rung.name),
    perDayTb,
    retainedTb: perDayTb * inputs.retentionDays,
    retainedWithPolicyTb: perDayTb * fullDays + ((lessonHoursPerDay * keptLessonHourGb) / 1000) * (inputs.retentionDays - fullDays),
  };
}
