// Replay storage for a province: what a day of lessons adds and what the retention period holds,
// with every rendition kept for the whole period, and with the storage policy's steps (the whole
// ladder for the first days, then only some renditions). The policy is decided exactly as the
// catalog's job decides it (services/core/rendition-policy.ts, renditionsToKeep, step after step on
// what the previous one kept), from the same steps as the configuration's
// storage.renditionPolicy.steps (default-inputs.ts reads them from the config schema). Never fewer
// than one rendition. Pure: the capacity script prints it (capacity.ts) and docs/capacity.md
// ("Replay storage") gives its figures.
import { renditionsToKeep, type PolicyStep } from '../../services/core/rendition-policy.ts';
import type { LadderRung } from './measured-figures.ts';

export type StorageInputs = {
  /** Lessons recorded at once through the teaching day (the classrooms). */
  lessons: number;
  /** Hours each classroom teaches (and records) a day. */
  hoursPerDay: number;
  /** Days a replay is kept (catalog.recordingRetentionDays). */
  retentionDays: number;
  ladder: readonly LadderRung[];
  /** The storage policy's steps (storage.renditionPolicy.steps). */
  policy: readonly PolicyStep[];
};

/** One stretch of a replay's life under the policy: from `fromDay` to `toDay`, these renditions. */
export type PolicyStretch = { fromDay: number; toDay: number; renditions: string[]; lessonHourGb: number };

export type StoragePlan = {
  /** Gigabytes of one lesson-hour with every rendition, and with the renditions the policy keeps last. */
  lessonHourGb: number;
  keptLessonHourGb: number;
  keptRenditions: string[];
  /** What a replay holds through the retention period, stretch by stretch. */
  stretches: PolicyStretch[];
  /** Terabytes a teaching day adds. */
  perDayTb: number;
  /** Terabytes held at steady state over the retention period. */
  retainedTb: number;
  retainedWithPolicyTb: number;
};

/** The ladder best first, as a replay's master lists it. */
function bestFirst(ladder: readonly LadderRung[]): LadderRung[] {
  return [...ladder].sort((a, b) => b.videoKbps + b.audioKbps - (a.videoKbps + a.audioKbps));
}

const gbPerHour = (rungs: readonly LadderRung[]) => (rungs.reduce((sum, rung) => sum + rung.videoKbps + rung.audioKbps, 0) * 1000 * 3600) / 8 / 1e9;

/** The renditions a replay holds through `retentionDays`, stretch by stretch, each step applied to what the last kept. */
export function policyStretches(ladder: readonly LadderRung[], steps: readonly PolicyStep[], retentionDays: number): PolicyStretch[] {
  const rungs = bestFirst(ladder);
  const byName = new Map(rungs.map((rung) => [rung.name, rung]));
  const ordered = [...steps].sort((a, b) => a.afterDays - b.afterDays).filter((step) => step.afterDays < retentionDays);
  const stretches: PolicyStretch[] = [];
  let names = rungs.map((rung) => rung.name);
  let from = 0;
  for (const step of ordered) {
    if (step.afterDays > from) stretches.push({ fromDay: from, toDay: step.afterDays, renditions: names, lessonHourGb: gbPerHour(names.map((name) => byName.get(name)!)) });
    from = step.afterDays;
    names = renditionsToKeep(names, [step], step.afterDays);
  }
  stretches.push({ fromDay: from, toDay: retentionDays, renditions: names, lessonHourGb: gbPerHour(names.map((name) => byName.get(name)!)) });
  return stretches;
}

export function planStorage(inputs: StorageInputs): StoragePlan {
  for (const name of ['lessons', 'hoursPerDay', 'retentionDays'] as const) {
    if (!(inputs[name] > 0) || !Number.isFinite(inputs[name])) throw new Error(`${name}: expected a number above 0, got ${inputs[name]}`);
  }
  const lessonHourGb = gbPerHour(inputs.ladder);
  const lessonHoursPerDay = inputs.lessons * inputs.hoursPerDay;
  const stretches = policyStretches(inputs.ladder, inputs.policy, inputs.retentionDays);
  const last = stretches.at(-1)!;
  const perDayTb = (lessonHoursPerDay * lessonHourGb) / 1000;
  return {
    lessonHourGb,
    keptLessonHourGb: last.lessonHourGb,
    keptRenditions: last.renditions,
    stretches,
    perDayTb,
    retainedTb: perDayTb * inputs.retentionDays,
    retainedWithPolicyTb: stretches.reduce((sum, stretch) => sum + ((lessonHoursPerDay * stretch.lessonHourGb) / 1000) * (stretch.toDay - stretch.fromDay), 0),
  };
}

/** The steps as words: "whole ladder 30 days, then 720p + 360p". */
export function describeStretches(stretches: readonly PolicyStretch[], ladderSize: number): string {
  return stretches
    .map((stretch, index) => {
      const what = stretch.renditions.length === ladderSize ? 'whole ladder' : stretch.renditions.join(' + ');
      return index === 0 ? `${what} ${stretch.toDay - stretch.fromDay} days` : `then ${what}`;
    })
    .join(', ');
}
