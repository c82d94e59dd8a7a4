// The ladder's shedding policy and the source's fitness, as pure decisions: which rendition goes
// first when the node falls behind, which comes back first, the back-off that keeps a node on the
// edge from flapping, frozen versus slow, and when the school's stream can be served as sent.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { decideShedding, isFrozen, nextBackoffSeconds, sheddingPolicyFor, type SheddingState } from '../../services/transcode/rendition-shedding.ts';
import { judgeSource } from '../../services/transcode/source-fitness.ts';
import { chooseLadder } from '../../services/transcode/ladder.ts';

const policy = sheddingPolicyFor(2);
const now = 1_000_000;
const state = (overrides: Partial<SheddingState>): SheddingState => ({
  encoded: ['720p', '480p', '360p'],
  running: [
    { name: '720p', lagSeconds: 0.2, draining: false },
    { name: '480p', lagSeconds: 0.2, draining: false },
    { name: '360p', lagSeconds: 0.1, draining: false },
  ],
  shed: new Map(),
  lastChangeAt: 0,
  nodeIdle: 0.5,
  now,
  ...overrides,
});

test('a ladder that keeps up is left alone', () => {
  assert.equal(decideShedding(state({}), policy), undefined);
});

test('falling behind sheds the highest encoded rung first, the lowest last', () => {
  const behind = state({ running: [{ name: '720p', lagSeconds: 1, draining: false }, { name: '480p', lagSeconds: 1, draining: false }, { name: '360p', lagSeconds: 9, draining: false }] });
  assert.deepEqual(decideShedding(behind, policy), { shed: '720p' });
  const next = state({ running: [{ name: '720p', lagSeconds: 9, draining: true }, { name: '480p', lagSeconds: 7, draining: false }, { name: '360p', lagSeconds: 9, draining: false }], shed: new Map([['720p', { until: now + 20_000, probeAt: now + 40_000 }]]) });
  assert.deepEqual(decideShedding(next, policy), { shed: '480p' });
  const last = state({ running: [{ name: '360p', lagSeconds: 9, draining: false }], shed: new Map([['720p', { until: now, probeAt: now }], ['480p', { until: now, probeAt: now }]]) });
  assert.deepEqual(decideShedding(last, policy), { shed: '360p' });
});

test('a rung that stopped moving altogether is not taken for a busy node (the frozen check deals with it)', () => {
  const stopped = state({ running: [{ name: '480p', lagSeconds: 0.2, draining: false }, { name: '360p', lagSeconds: 15, draining: false, stalled: true }] });
  assert.equal(decideShedding(stopped, policy), undefined);
});

test('a rung behind only because it started behind, and gaining, is not taken for a busy node', () => {
  const gaining = state({ running: [{ name: '720p', lagSeconds: 8, draining: false, catchingUp: true }, { name: '360p', lagSeconds: 0.2, draining: false }] });
  assert.equal(decideShedding(gaining, policy), undefined);
  assert.deepEqual(decideShedding(state({ running: [{ name: '720p', lagSeconds: 8, draining: false, catchingUp: false }] }), policy), { shed: '720p' });
});

test('after a change the next waits until its effect can show', () => {
  const behind = state({ running: [{ name: '480p', lagSeconds: 9, draining: false }], lastChangeAt: now - 3000 });
  assert.equal(decideShedding(behind, policy), undefined);
  assert.deepEqual(decideShedding({ ...behind, lastChangeAt: now - policy.settleSeconds * 1000 }, policy), { shed: '480p' });
});

test('a shed rung comes back, the lowest first, only when all keep up, the node has CPU to spare and its back-off has passed', () => {
  const shed = new Map([['720p', { until: now - 1, probeAt: now + 20_000 }], ['480p', { until: now - 1, probeAt: now + 20_000 }]]);
  const calm = state({ running: [{ name: '360p', lagSeconds: 0.3, draining: false }], shed });
  assert.deepEqual(decideShedding(calm, policy), { restore: '480p' });
  assert.equal(decideShedding({ ...calm, nodeIdle: 0.1 }, policy), undefined, 'the node is still busy');
  assert.equal(decideShedding({ ...calm, running: [{ name: '360p', lagSeconds: 3, draining: false }] }, policy), undefined, 'still behind');
  assert.equal(decideShedding({ ...calm, shed: new Map([['480p', { until: now + 5000, probeAt: now + 25_000 }]]) }, policy), undefined, 'back-off not over');
  // A node that is never idle still gets a probe after a second back-off.
  assert.deepEqual(decideShedding({ ...calm, nodeIdle: 0.05, shed: new Map([['480p', { until: now - 20_000, probeAt: now - 1 }]]) }, policy), { restore: '480p' });
  // A draining rung still behind holds the return back too: its CPU is not free yet.
  assert.equal(decideShedding({ ...calm, running: [...calm.running, { name: '720p', lagSeconds: 8, draining: true }] }, policy), undefined);
});

test('a rung shed again soon after it came back waits twice as long, up to a bound', () => {
  assert.equal(nextBackoffSeconds(policy, undefined, now), policy.backoffSeconds);
  assert.equal(nextBackoffSeconds(policy, { backoffSeconds: 20, restoredAt: now - 30_000 }, now), 40);
  assert.equal(nextBackoffSeconds(policy, { backoffSeconds: 20, restoredAt: now - 600_000 }, now), 20, 'long after: the first back-off again');
  assert.equal(nextBackoffSeconds(policy, { backoffSeconds: 300, restoredAt: now - 1000 }, now), policy.maxBackoffSeconds);
});

test('frozen means no progress and no CPU while work waits; slow or idle is not frozen', () => {
  assert.equal(isFrozen({ pendingSeconds: 12, lastMovedAt: now - 25_000 }, now, 20), true);
  assert.equal(isFrozen({ pendingSeconds: 12, lastMovedAt: now - 2_000 }, now, 20), false, 'slow but moving');
  assert.equal(isFrozen({ pendingSeconds: 0.2, lastMovedAt: now - 60_000 }, now, 20), false, 'nothing to do');
});

test("a source is fit to serve when its keyframes fall within a segment and its rate within the top rung's bound", () => {
  const top = chooseLadder({ width: 1280, height: 720, fps: 30 }, 3)[0]!;
  assert.deepEqual(judgeSource({ duration: 2.0, bytes: 700_000 }, top, 2), { fit: true });
  const longGop = judgeSource({ duration: 8.333, bytes: 3_000_000 }, top, 2);
  assert.equal(longGop.fit, false);
  assert.match(!longGop.fit ? longGop.advice : '', /keyframe interval 8\.3 s: set 2 s/);
  const heavy = judgeSource({ duration: 2, bytes: 3_000_000 }, top, 2);
  assert.equal(heavy.fit, false);
  assert.match(!heavy.fit ? heavy.reason : '', /bitrate 12\.0 Mb\/s/);
});
