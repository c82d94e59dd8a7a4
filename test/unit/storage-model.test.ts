// The replay storage model (scripts/capacity/storage-model.ts): sizes from the ladder's bitrates, the
// policy's renditions decided as the catalog's job decides them (never none, each step on what the
// last kept), the retention period split into the stretches between steps, and the defaults taken
// from the configuration's own.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { defaultStorage } from '../../scripts/capacity/default-inputs.ts';
import { describeStretches, planStorage, policyStretches } from '../../scripts/capacity/storage-model.ts';
import { configSchema } from '../../services/core/config/schema.ts';

const ladder = [
  { name: '360p', videoKbps: 600, audioKbps: 100 },
  { name: '720p', videoKbps: 2500, audioKbps: 100 },
  { name: '480p', videoKbps: 1100, audioKbps: 100 },
];
const names = (stretches: ReturnType<typeof policyStretches>) => stretches.map((stretch) => `${stretch.fromDay}-${stretch.toDay}: ${stretch.renditions.join('+')}`);

test('the policy keeps the top and the lowest rendition, and never none', () => {
  assert.deepEqual(names(policyStretches(ladder, [{ afterDays: 30, keep: ['top', 'lowest'] }], 180)), ['0-30: 720p+480p+360p', '30-180: 720p+360p']);
  assert.deepEqual(names(policyStretches(ladder, [{ afterDays: 30, keep: ['top'] }], 180)), ['0-30: 720p+480p+360p', '30-180: 720p']);
  assert.deepEqual(names(policyStretches(ladder, [{ afterDays: 0, keep: ['lowest'] }], 10)), ['0-10: 360p']);
  assert.deepEqual(names(policyStretches([ladder[0]!], [{ afterDays: 5, keep: ['top', 'lowest'] }], 10)), ['0-5: 360p', '5-10: 360p'], 'a ladder of one keeps it');
  assert.deepEqual(names(policyStretches(ladder, [{ afterDays: 5, keep: ['1080p'] }], 10)), ['0-5: 720p+480p+360p', '5-10: 720p'], 'nothing named: the best stays');
  // Steps in turn, each on what the last kept: the lowest of top+lowest is 360p.
  const steps = policyStretches(ladder, [{ afterDays: 90, keep: ['lowest'] }, { afterDays: 30, keep: ['top', 'lowest'] }], 180);
  assert.deepEqual(names(steps), ['0-30: 720p+480p+360p', '30-90: 720p+360p', '90-180: 360p']);
  assert.equal(describeStretches(steps, 3), 'whole ladder 30 days, then 720p + 360p, then 360p');
  assert.deepEqual(names(policyStretches(ladder, [], 180)), ['0-180: 720p+480p+360p'], 'no steps: everything, always');
});

test('storage per day and over the retention period, with and without the policy', () => {
  const plan = planStorage({ lessons: 1000, hoursPerDay: 5, retentionDays: 100, ladder, policy: [{ afterDays: 20, keep: ['top', 'lowest'] }] });
  // 4,500 kb/s for an hour is 2.025 GB; the top and lowest, 3,300 kb/s, 1.485 GB.
  assert.ok(Math.abs(plan.lessonHourGb - 2.025) < 1e-9, String(plan.lessonHourGb));
  assert.ok(Math.abs(plan.keptLessonHourGb - 1.485) < 1e-9, String(plan.keptLessonHourGb));
  assert.ok(Math.abs(plan.perDayTb - 10.125) < 1e-9, String(plan.perDayTb));
  assert.ok(Math.abs(plan.retainedTb - 1012.5) < 1e-9, String(plan.retainedTb));
  // 20 days of the whole ladder, 80 of the two kept: 20 x 10.125 + 80 x 7.425.
  assert.ok(Math.abs(plan.retainedWithPolicyTb - (202.5 + 594)) < 1e-9, String(plan.retainedWithPolicyTb));
  const longer = planStorage({ lessons: 1000, hoursPerDay: 5, retentionDays: 10, ladder, policy: [{ afterDays: 20, keep: ['top'] }] });
  assert.equal(longer.retainedWithPolicyTb, longer.retainedTb, 'a policy longer than the retention saves nothing');
  assert.throws(() => planStorage({ lessons: 0, hoursPerDay: 5, retentionDays: 10, ladder, policy: [] }), /lessons: expected a number above 0/);
});

test("the model's defaults are the configuration's: the retention and the policy steps the job applies", () => {
  const config = configSchema.parse({});
  assert.deepEqual(defaultStorage.policy, config.storage.renditionPolicy.steps);
  assert.equal(defaultStorage.retentionDays, config.catalog.recordingRetentionDays);
});
