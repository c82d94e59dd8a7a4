// The replay storage model (scripts/capacity/storage-model.ts): sizes from the ladder's bitrates, the
// policy's renditions never none, and the retention period split between the whole ladder and the
// renditions kept after it.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { keptRungs, planStorage } from '../../scripts/capacity/storage-model.ts';

const ladder = [
  { name: '360p', videoKbps: 600, audioKbps: 100 },
  { name: '720p', videoKbps: 2500, audioKbps: 100 },
  { name: '480p', videoKbps: 1100, audioKbps: 100 },
];

test('the policy keeps the top and the lowest rendition, and never none', () => {
  assert.deepEqual(keptRungs(ladder, 'top-and-lowest').map((rung) => rung.name), ['720p', '360p']);
  assert.deepEqual(keptRungs(ladder, 'top').map((rung) => rung.name), ['720p']);
  assert.deepEqual(keptRungs(ladder, 'lowest').map((rung) => rung.name), ['360p']);
  assert.deepEqual(keptRungs([ladder[0]!], 'top-and-lowest').map((rung) => rung.name), ['360p'], 'a ladder of one keeps it');
  assert.deepEqual(keptRungs([], 'top'), []);
});

test('storage per day and over the retention period, with and without the policy', () => {
  const plan = planStorage({ lessons: 1000, hoursPerDay: 5, retentionDays: 100, ladder, policy: { fullDays: 20, keep: 'top-and-lowest' } });
  // 4,500 kb/s for an hour is 2.025 GB; the top and lowest, 3,300 kb/s, 1.485 GB.
  assert.ok(Math.abs(plan.lessonHourGb - 2.025) < 1e-9, String(plan.lessonHourGb));
  assert.ok(Math.abs(plan.keptLessonHourGb - 1.485) < 1e-9, String(plan.keptLessonHourGb));
  assert.ok(Math.abs(plan.perDayTb - 10.125) < 1e-9, String(plan.perDayTb));
  assert.ok(Math.abs(plan.retainedTb - 1012.5) < 1e-9, String(plan.retainedTb));
  // 20 days of the whole ladder, 80 of the two kept: 20 x 10.125 + 80 x 7.425.
  assert.ok(Math.abs(plan.retainedWithPolicyTb - (202.5 + 594)) < 1e-9, String(plan.retainedWithPolicyTb));
  const longer = planStorage({ lessons: 1000, hoursPerDay: 5, retentionDays: 10, ladder, policy: { fullDays: 20, keep: 'top' } });
  assert.equal(longer.retainedWithPolicyTb, longer.retainedTb, 'a policy longer than the retention saves nothing');
  assert.throws(() => planStorage({ lessons: 0, hoursPerDay: 5, retentionDays: 10, ladder, policy: { fullDays: 1, keep: 'top' } }), /lessons: expected a number above 0/);
});
