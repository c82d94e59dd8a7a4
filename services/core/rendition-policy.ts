// The storage policy: which renditions a replay keeps as it ages. A policy is a list of steps, each
// "from this many days after the recording ended, keep these" ('all', or some of: 'top', the best
// rendition the replay still has; 'lowest', its lowest; or a rendition by name: 'source', '720p').
// Before the first step a replay keeps everything. The platform's default is the configuration's
// storage.renditionPolicy.steps; a school may have its own (the catalog's schools.rendition_steps).
// Pure: the schema checks what operators send, and `renditionsToKeep` decides; the catalog's job
// (services/catalog/recordings/rendition-policy-job.ts) and the capacity model
// (scripts/capacity/storage-model.ts) both decide with it.
import { z } from 'zod';

/** 'source' is the source copy's folder (services/transcode/ladder.ts); the rungs below are named by height. */
const renditionNamePattern = /^(top|lowest|source|[1-9]\d{2,3}p)$/;

export const renditionChoiceSchema = z
  .string()
  .regex(renditionNamePattern, "unknown rendition: name 'top', 'lowest', 'source' or a ladder height such as '720p'");

export const policyStepSchema = z
  .object({
    afterDays: z.number({ error: 'afterDays is a number of days' }).int('afterDays is a whole number of days').min(0, 'afterDays is 0 or more: days after the recording ended').max(36500),
    keep: z.union([z.literal('all'), z.array(renditionChoiceSchema).min(1, "keep names at least one rendition (or is 'all')").max(10)], {
      error: "keep is 'all' or a list of renditions, e.g. [\"top\", \"lowest\"]",
    }),
  })
  .strict();

export const policyStepsSchema = z
  .array(policyStepSchema)
  .max(10, 'at most 10 steps')
  .refine((steps) => new Set(steps.map((step) => step.afterDays)).size === steps.length, 'two steps have the same afterDays: give each step its own day')
  .transform((steps) => [...steps].sort((a, b) => a.afterDays - b.afterDays));

export type PolicyStep = z.infer<typeof policyStepSchema>;

/** The default: the whole ladder for 30 days, then the top and the lowest rendition. */
export const defaultPolicySteps: PolicyStep[] = [{ afterDays: 30, keep: ['top', 'lowest'] }];

/** The step in force `ageDays` after the recording ended (the latest one reached), or undefined: keep all. */
export function stepFor(steps: readonly PolicyStep[], ageDays: number): PolicyStep | undefined {
  let found: PolicyStep | undefined;
  for (const step of steps) if (step.afterDays <= ageDays && (!found || step.afterDays >= found.afterDays)) found = step;
  return found;
}

/**
 * The renditions a replay keeps, best first, from `renditions` (what it has now, best first as its
 * master lists them). Never none: when the step names nothing the replay has, it keeps its best.
 */
export function renditionsToKeep(renditions: readonly string[], steps: readonly PolicyStep[], ageDays: number): string[] {
  const step = stepFor(steps, ageDays);
  if (!step || step.keep === 'all' || renditions.length <= 1) return [...renditions];
  const wanted = new Set<string>();
  for (const choice of step.keep) {
    if (choice === 'top') wanted.add(renditions[0]!);
    else if (choice === 'lowest') wanted.add(renditions.at(-1)!);
    else wanted.add(choice);
  }
  const kept = renditions.filter((name) => wanted.has(name));
  return kept.length > 0 ? kept : [renditions[0]!];
}

/** Days between `endedAt` and `now`, as a fraction. */
export function ageInDays(endedAt: Date, now: Date): number {
  return (now.getTime() - endedAt.getTime()) / 86_400_000;
}
