// /schools/:id/storage-policy: which renditions a school's replays keep as they age (docs/deploy.md
// "Storage policy"). Operators set a school's own steps or remove them (the school then follows the
// platform's, storage.renditionPolicy.steps); operators and the school's admins read them. Changes
// are audited like every API change; the policy job (recordings/rendition-policy-job.ts) applies them
// at its next sweep.
import { z } from 'zod';
import { policyStepSchema, policyStepsSchema, type PolicyStep } from '../../../core/rendition-policy.ts';
import type { Queryable } from '../../db/database.ts';
import { schoolRenditionSteps, setSchoolRenditionSteps } from '../../queries/rendition-policy.ts';
import { forbidden, notFound } from '../api-error.ts';
import { pathId } from '../fields.ts';
import { managesSchool } from '../permissions.ts';
import { route, type CatalogContext, type RouteSpec } from '../route-spec.ts';

const stepsField = z.array(policyStepSchema);
const policySchema = z.object({
  schoolId: z.number().int(),
  steps: stepsField.nullable().describe("the school's own steps; null: it follows the platform's"),
  effectiveSteps: stepsField.describe('the steps its replays follow'),
  platformSteps: stepsField.describe('the platform default (storage.renditionPolicy.steps)'),
  graceMinutes: z.number().describe("how long a dropped rendition's files stay after it leaves the replay's master"),
});
const changeBody = z
  .object({
    steps: policyStepsSchema.describe(
      "from afterDays after a recording ended, keep 'all' or some of 'top', 'lowest', 'source', '<height>p'; before the first step, everything; [] keeps everything always",
    ),
  })
  .strict();

async function answer(db: Queryable, context: CatalogContext, schoolId: number): Promise<z.infer<typeof policySchema>> {
  const steps = await schoolRenditionSteps(db, schoolId);
  if (steps === undefined) throw notFound('school', schoolId);
  const platformSteps: PolicyStep[] = context.config.storage.renditionPolicy.steps;
  return { schoolId, steps, effectiveSteps: steps ?? platformSteps, platformSteps, graceMinutes: context.config.storage.renditionPolicy.graceMinutes };
}

export const storagePolicyRoutes: RouteSpec[] = [
  route({
    method: 'get',
    path: '/schools/:id/storage-policy',
    summary: "Which renditions the school's replays keep as they age: its own steps or the platform's (operators; the school's admins)",
    tag: 'schools',
    access: ['operator', 'school_admin'],
    response: policySchema,
    async handler({ params, account, context }) {
      const id = pathId(params.id, 'school');
      if (!managesSchool(account, id)) throw forbidden("operators and the school's admins see its storage policy");
      return { body: await answer(context.db, context, id) };
    },
  }),
  route<undefined, z.infer<typeof changeBody>>({
    method: 'put',
    path: '/schools/:id/storage-policy',
    summary: "Give the school its own storage policy steps (operators); applied at the policy job's next sweep",
    tag: 'schools',
    access: ['operator'],
    body: changeBody,
    response: policySchema,
    async handler({ params, body, context }) {
      const id = pathId(params.id, 'school');
      if (!(await setSchoolRenditionSteps(context.db, id, body.steps))) throw notFound('school', id);
      return { body: await answer(context.db, context, id) };
    },
  }),
  route({
    method: 'delete',
    path: '/schools/:id/storage-policy',
    summary: "Remove the school's own steps: its replays follow the platform's storage policy (operators)",
    tag: 'schools',
    access: ['operator'],
    response: policySchema,
    async handler({ params, context }) {
      const id = pathId(params.id, 'school');
      if (!(await setSchoolRenditionSteps(context.db, id, null))) throw notFound('school', id);
      return { body: await answer(context.db, context, id) };
    },
  }),
];
