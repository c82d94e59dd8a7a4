// Per-lesson upstream affinity: which upstream a relay asks first for a lesson's objects.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createLessonUpstreams, lessonKey } from '../../services/relay/lesson-upstreams.ts';
import { createUpstreams } from '../../services/relay/upstreams.ts';

const urls = (states: Array<{ url: string }>) => states.map((state) => state.url);

test('the lesson is the first part of a /live or /vod path', () => {
  assert.equal(lessonKey('/live/lesson-1/720p/r1-3.m4s'), 'live/lesson-1');
  assert.equal(lessonKey('/live/lesson-1/master.m3u8'), 'live/lesson-1');
  assert.equal(lessonKey('/vod/rec-9/360p/index.m3u8'), 'vod/rec-9');
  assert.equal(lessonKey('/healthz'), undefined);
});

test('a lesson found after a 404 is asked of its carrier first, other lessons keep the configured order', () => {
  const upstreams = createUpstreams(['http://ingest-1', 'http://ingest-2', 'http://ingest-3'], 10_000);
  const carriers = createLessonUpstreams();
  const path = '/live/lesson-b/720p/r1-1.m4s';
  assert.deepEqual(urls(carriers.order(path, upstreams.ordered())), ['http://ingest-1', 'http://ingest-2', 'http://ingest-3']);
  carriers.answered('/live/lesson-b/master.m3u8', 'http://ingest-3', true);
  assert.deepEqual(urls(carriers.order(path, upstreams.ordered())), ['http://ingest-3', 'http://ingest-1', 'http://ingest-2']);
  assert.deepEqual(urls(carriers.order('/live/lesson-a/master.m3u8', upstreams.ordered())), ['http://ingest-1', 'http://ingest-2', 'http://ingest-3']);
  assert.deepEqual(urls(carriers.order('/vod/lesson-b/master.m3u8', upstreams.ordered())), ['http://ingest-1', 'http://ingest-2', 'http://ingest-3'], 'a replay is not the live lesson');
  // Once known, the lesson follows whichever upstream answered last (it moved).
  carriers.answered(path, 'http://ingest-2', false);
  assert.equal(carriers.carrier(path), 'http://ingest-2');
});

test('without a 404 nothing is remembered, so a primary/standby pair keeps its order', () => {
  const carriers = createLessonUpstreams();
  carriers.answered('/live/lesson-e/720p/r1-0.m4s', 'http://standby', false);
  assert.equal(carriers.carrier('/live/lesson-e/720p/r1-1.m4s'), undefined);
});

test('a carrier that is down goes first among the down ones only: healthy upstreams are still asked first', () => {
  const upstreams = createUpstreams(['http://ingest-1', 'http://ingest-2', 'http://ingest-3'], 10_000);
  const carriers = createLessonUpstreams();
  const path = '/live/lesson-c/master.m3u8';
  carriers.answered(path, 'http://ingest-3', true);
  upstreams.markDown('http://ingest-2', 'refused');
  upstreams.markDown('http://ingest-3', 'refused');
  assert.deepEqual(urls(carriers.order(path, upstreams.ordered())), ['http://ingest-1', 'http://ingest-3', 'http://ingest-2']);
});

test('the memory is bounded: the least recently used lesson is forgotten', () => {
  const carriers = createLessonUpstreams(2);
  carriers.answered('/live/one/master.m3u8', 'http://ingest-2', true);
  carriers.answered('/live/two/master.m3u8', 'http://ingest-2', true);
  carriers.answered('/live/three/master.m3u8', 'http://ingest-2', true);
  assert.equal(carriers.carrier('/live/one/master.m3u8'), undefined);
  assert.equal(carriers.carrier('/live/three/master.m3u8'), 'http://ingest-2');
});
