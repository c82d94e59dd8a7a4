// The storage policy's pure parts: which renditions a replay keeps at an age (never none; the top
// and the lowest are the replay's own), the steps' checks with the words operators get back, and the
// master playlist without the dropped renditions (every other line as it was).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { defaultPolicySteps, policyStepsSchema, renditionsToKeep, stepFor, type PolicyStep } from '../../services/core/rendition-policy.ts';
import { configSchema } from '../../services/core/config/schema.ts';
import { masterRenditions, trimmedMaster } from '../../services/replay/trimmed-master.ts';

const ladder = ['source', '480p', '360p'];

test('the default keeps the whole ladder for 30 days, then the top and the lowest', () => {
  assert.deepEqual(configSchema.parse({}).storage.renditionPolicy.steps, defaultPolicySteps);
  assert.deepEqual(renditionsToKeep(ladder, defaultPolicySteps, 0), ladder);
  assert.deepEqual(renditionsToKeep(ladder, defaultPolicySteps, 29.99), ladder);
  assert.deepEqual(renditionsToKeep(ladder, defaultPolicySteps, 30), ['source', '360p']);
  assert.deepEqual(renditionsToKeep(ladder, defaultPolicySteps, 400), ['source', '360p']);
});

test('later steps take over; names pick renditions; the top and lowest are what the replay has now', () => {
  const steps: PolicyStep[] = policyStepsSchema.parse([
    { afterDays: 90, keep: ['lowest'] },
    { afterDays: 7, keep: ['top', '480p'] },
    { afterDays: 30, keep: 'all' },
  ]);
  assert.deepEqual(steps.map((step) => step.afterDays), [7, 30, 90], 'steps are ordered by day');
  assert.equal(stepFor(steps, 6.5), undefined);
  assert.deepEqual(renditionsToKeep(ladder, steps, 6.5), ladder, 'before the first step, everything');
  assert.deepEqual(renditionsToKeep(ladder, steps, 10), ['source', '480p']);
  assert.deepEqual(renditionsToKeep(ladder, steps, 45), ladder, "'all' keeps what is there");
  assert.deepEqual(renditionsToKeep(ladder, steps, 90), ['360p']);
  // A replay already thinned to two: its lowest is now 480p.
  assert.deepEqual(renditionsToKeep(['source', '480p'], steps, 90), ['480p']);
  assert.deepEqual(renditionsToKeep(['720p', '480p', '360p'], [{ afterDays: 0, keep: ['source', '480p'] }], 1), ['480p'], 'a name the replay lacks is skipped');
});

test('never the last rendition: a step that names nothing the replay has keeps its best', () => {
  assert.deepEqual(renditionsToKeep(ladder, [{ afterDays: 0, keep: ['1080p'] }], 1), ['source']);
  assert.deepEqual(renditionsToKeep(['360p'], [{ afterDays: 0, keep: ['720p'] }], 1), ['360p']);
  assert.deepEqual(renditionsToKeep(['720p'], [{ afterDays: 0, keep: ['lowest'] }], 1), ['720p']);
  assert.deepEqual(renditionsToKeep([], defaultPolicySteps, 100), []);
});

test('bad steps are refused with words that name what is wrong', () => {
  const message = (value: unknown) => {
    const result = policyStepsSchema.safeParse(value);
    assert.equal(result.success, false, JSON.stringify(value));
    const issue = result.error!.issues[0]!;
    return `${issue.path.join('.')}: ${issue.message}`;
  };
  assert.match(message([{ afterDays: 30, keep: ['top', 'hd'] }]), /^0\.keep\.1: unknown rendition: name 'top', 'lowest', 'source' or a ladder height such as '720p'/);
  assert.match(message([{ afterDays: -1, keep: 'all' }]), /^0\.afterDays: afterDays is 0 or more/);
  assert.match(message([{ afterDays: 1.5, keep: 'all' }]), /whole number of days/);
  assert.match(message([{ afterDays: 3, keep: [] }]), /at least one rendition/);
  assert.match(message([{ afterDays: 3, keep: 'some' }]), /keep is 'all' or a list of renditions/);
  assert.match(message([{ afterDays: 3, keep: 'all' }, { afterDays: 3, keep: ['top'] }]), /same afterDays/);
  assert.match(message([{ afterDays: 3, keep: 'all', extra: 1 }]), /extra/);
  assert.equal(policyStepsSchema.safeParse([]).success, true, 'no steps: keep everything');
  assert.equal(configSchema.safeParse({ storage: { renditionPolicy: { steps: [{ afterDays: 30, keep: ['720'] }] } } }).success, false, 'the configuration is checked alike');
});

const master = [
  '#EXTM3U',
  '#EXT-X-VERSION:7',
  '#EXT-X-INDEPENDENT-SEGMENTS',
  '#EXT-X-STREAM-INF:BANDWIDTH=3000000,AVERAGE-BANDWIDTH=2500000,RESOLUTION=1280x720,FRAME-RATE=30.000,CODECS="avc1.64001f,mp4a.40.2"',
  'source/index.m3u8',
  '#EXT-X-STREAM-INF:BANDWIDTH=1400000,AVERAGE-BANDWIDTH=1200000,RESOLUTION=854x480,FRAME-RATE=30.000,CODECS="avc1.64001f,mp4a.40.2"',
  '480p/index.m3u8',
  '#EXT-X-STREAM-INF:BANDWIDTH=800000,AVERAGE-BANDWIDTH=700000,RESOLUTION=640x360,FRAME-RATE=30.000,CODECS="avc1.64001e,mp4a.40.2"',
  '360p/index.m3u8',
  '',
].join('\n');

test("the master without the dropped renditions keeps every other line, in order", () => {
  assert.deepEqual(masterRenditions(master), ['source', '480p', '360p']);
  const trimmed = trimmedMaster(master, ['source', '360p']);
  assert.deepEqual(masterRenditions(trimmed), ['source', '360p']);
  const lines = master.split('\n');
  assert.equal(trimmed, [...lines.slice(0, 5), ...lines.slice(7)].join('\n'));
  assert.equal(trimmedMaster(master, ladder), master, 'keeping all changes nothing');
  assert.equal(trimmedMaster(trimmed, ['source', '360p']), trimmed, 'trimming again changes nothing');
  const withIFrames = `${master}#EXT-X-I-FRAME-STREAM-INF:BANDWIDTH=90000,URI="480p/iframes.m3u8"\n`;
  assert.doesNotMatch(trimmedMaster(withIFrames, ['source']), /480p/);
});
