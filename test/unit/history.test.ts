// The dashboard's in-process history: a point at most every interval, a bounded ring that forgets
// the oldest, series that come and go (and give their memory back), a cap on series, and reads
// averaged down to a number of points.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createHistory } from '../../services/stats/history.ts';

const second = 1000;

test('keeps a point at most every interval, in time order, with null where a series had no value', () => {
  const history = createHistory({ intervalMs: 10 * second, keepMs: 60 * second, maxSeries: 10 });
  assert.equal(history.add(0, { viewers: 1 }), true);
  assert.equal(history.add(5 * second, { viewers: 99 }), false, 'sooner than the interval');
  assert.equal(history.add(10 * second, { viewers: 2, egress: 100 }), true);
  assert.equal(history.add(20 * second, { viewers: null, egress: 300 }), true);
  const window = history.read(0);
  assert.deepEqual(window.times, [0, 10 * second, 20 * second]);
  assert.deepEqual(window.series.viewers, [1, 2, null]);
  assert.deepEqual(window.series.egress, [null, 100, 300]);
  assert.deepEqual(history.read(15 * second).times, [20 * second]);
  assert.deepEqual(history.values('viewers', 0), [1, 2]);
  assert.deepEqual(history.values('nothing', 0), []);
});

test('the ring keeps keepMs of points: the oldest go, and so does a series with nothing left in the window', () => {
  const history = createHistory({ intervalMs: 10 * second, keepMs: 40 * second, maxSeries: 10 });
  history.add(0, { gone: 5, kept: 0 });
  for (let index = 1; index <= 9; index++) history.add(index * 10 * second, { kept: index });
  const window = history.read(0);
  assert.deepEqual(window.times, [60, 70, 80, 90].map((time) => time * second));
  assert.deepEqual(window.series.kept, [6, 7, 8, 9]);
  assert.equal(window.series.gone, undefined, 'the series seen only at time 0 was dropped');
  assert.deepEqual(history.size(), { points: 4, series: 1, refusedSeries: 0 });
});

test('beyond maxSeries new series are refused and counted, the known ones still recorded', () => {
  const history = createHistory({ intervalMs: second, keepMs: 10 * second, maxSeries: 2 });
  history.add(0, { a: 1, b: 2, c: 3 });
  history.add(second, { a: 1, b: 2, d: 4 });
  assert.deepEqual(Object.keys(history.read(0).series).sort(), ['a', 'b']);
  assert.equal(history.size().refusedSeries, 2);
});

test('reads average down into at most maxPoints buckets, ignoring gaps', () => {
  const history = createHistory({ intervalMs: second, keepMs: 100 * second, maxSeries: 10 });
  for (let index = 0; index < 10; index++) history.add(index * second, { value: index % 3 === 0 ? null : index });
  const window = history.read(0, 5);
  assert.equal(window.times.length, 5);
  assert.deepEqual(window.series.value, [1, 2, 4.5, 7, 8]);
  assert.equal(window.times.at(-1), 9 * second, 'a bucket is stamped with its last time');
  assert.deepEqual(history.read(100 * second), { times: [], series: {} });
});

test('six hours at 10 s stay within a fixed size however long it runs', () => {
  const history = createHistory();
  const hours = 8;
  for (let at = 0; at < hours * 3600 * second; at += 10 * second) history.add(at, { viewers: 1, [`lesson.${Math.floor(at / (3600 * second))}`]: 1 });
  const size = history.size();
  assert.equal(size.points, 6 * 360);
  // viewers plus the lessons of the last six hours (the hour the window begins in, and six after it).
  assert.ok(size.series <= 8, `${size.series} series`);
});
