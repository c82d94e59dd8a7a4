// Which processes carry a lesson's encoded rungs, and what changes when a rung is shed or restored
// (services/transcode/rung-processes.ts).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { planProcesses, rungGroups, type RunningProcess } from '../../services/transcode/rung-processes.ts';

const proc = (id: number, rungs: string[], extra: Partial<RunningProcess> = {}): RunningProcess => ({ id, rungs, draining: false, keyframesMatch: true, ...extra });

test('one process carries every wanted rung, or one process each', () => {
  assert.deepEqual(rungGroups(['480p', '360p'], 'one'), [['480p', '360p']]);
  assert.deepEqual(rungGroups(['480p', '360p'], 'each'), [['480p'], ['360p']]);
  assert.deepEqual(rungGroups([], 'one'), []);
  assert.deepEqual(rungGroups([], 'each'), []);
});

test('a publish starts one process for the wanted rungs, and keeps it while they stay wanted', () => {
  assert.deepEqual(planProcesses([['480p', '360p']], []), { drain: [], start: [['480p', '360p']], waiting: [] });
  assert.deepEqual(planProcesses([['480p', '360p']], [proc(1, ['480p', '360p'])]), { drain: [], start: [], waiting: [] });
});

test('shedding a rung drains the shared process; the rest start again only once it has exited', () => {
  const shedding = planProcesses([['360p']], [proc(1, ['480p', '360p'])]);
  assert.deepEqual(shedding, { drain: [1], start: [], waiting: [['360p']] });
  // Still draining: the 360p playlist must not have two runs at once.
  assert.deepEqual(planProcesses([['360p']], [proc(1, ['480p', '360p'], { draining: true })]), { drain: [], start: [], waiting: [['360p']] });
  // Exited: the smaller process starts.
  assert.deepEqual(planProcesses([['360p']], []), { drain: [], start: [['360p']], waiting: [] });
});

test('restoring a rung drains the smaller process and starts the full one after it', () => {
  assert.deepEqual(planProcesses([['480p', '360p']], [proc(2, ['360p'])]), { drain: [2], start: [], waiting: [['480p', '360p']] });
});

test('the whole lower ladder shed: the process drains and nothing starts', () => {
  assert.deepEqual(planProcesses([], [proc(3, ['360p'])]), { drain: [3], start: [], waiting: [] });
});

test('a process started on the source keyframes is replaced once they are found too far apart', () => {
  assert.deepEqual(planProcesses([['720p', '480p', '360p']], [proc(1, ['480p', '360p'], { keyframesMatch: false })]), { drain: [1], start: [], waiting: [['720p', '480p', '360p']] });
});

test('one process each: a rung shed drains only its own, and a free rung starts at once', () => {
  assert.deepEqual(planProcesses([['360p']], [proc(1, ['480p']), proc(2, ['360p'])]), { drain: [1], start: [], waiting: [] });
  assert.deepEqual(planProcesses([['720p'], ['480p'], ['360p']], [proc(1, ['480p'], { keyframesMatch: false }), proc(2, ['360p'], { keyframesMatch: false })]), {
    drain: [1, 2],
    start: [['720p']],
    waiting: [['480p'], ['360p']],
  });
});
