import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createLessonRegistry, type LiveLesson, type LessonPlan } from '../../services/ingest/lessons.ts';
import { lessonFormatFor } from '../../services/ingest/run-decisions.ts';
import { createLessonPackager } from '../../services/packager/lesson-packager.ts';
import { createLogger, setLogLevel } from '../../services/core/log.ts';
import { chooseFeed, steadySince, switchFrom, type FeedHealth, type SwitchPolicy } from '../../services/ingest/feed-switch.ts';

const plan = (id: string): LessonPlan => ({ id, title: id, latencyMode: 'normal', segmentSeconds: 2 });

test('a reconnect within the grace period continues the lesson; a publish that never made media leaves none', async () => {
  setLogLevel('error');
  const told: string[] = [];
  const hook = (what: string) => async (lesson: LiveLesson) => void told.push(`${what} ${lesson.id}`);
  const lessons = createLessonRegistry({
    liveDir: '/nonexistent/live',
    graceSeconds: 0.2,
    log: createLogger(),
    lifecycle: { live: hook('live'), ended: hook('ended'), abandoned: hook('abandoned') },
  });
  assert.equal(lessons.resume('room-1'), undefined);
  const first = lessons.open('room-1', plan('lesson-a'));
  assert.equal(first.state, 'starting');
  assert.equal(lessons.beginRun(first), 1);
  assert.equal(first.state, 'live');
  lessons.release(first);
  assert.equal(first.state, 'reconnecting');
  const again = lessons.resume('room-1');
  assert.equal(again, first);
  assert.equal(again.state, 'live');
  assert.equal(lessons.beginRun(again), 2, 'a reconnect is the next run of the same lesson');
  lessons.release(again);
  await new Promise((resolve) => setTimeout(resolve, 400));
  assert.equal(first.state, 'ended');
  assert.equal(lessons.resume('room-1'), undefined, 'after the grace period there is nothing to continue');

  const empty = lessons.open('room-2', plan('lesson-b'));
  lessons.release(empty);
  assert.equal(lessons.get(empty.id), undefined);
  await lessons.endAll();
  assert.deepEqual(told, ['live lesson-a', 'ended lesson-a', 'abandoned lesson-b'], 'the catalog hears of the first run only, the end, and the abandoned publish');
});

test('a lesson adopted after a restart brings its format and packager together; once ended it keeps its format and drops the packager', async () => {
  setLogLevel('error');
  const liveDir = await mkdtemp(join(tmpdir(), 'lessons-'));
  try {
    const lessons = createLessonRegistry({ liveDir, graceSeconds: 60, log: createLogger() });
    const format = lessonFormatFor({ width: 1280, height: 720, fps: 30, hasAudio: true }, 2);
    const packager = createLessonPackager({ lessonDir: join(liveDir, 'lesson-c'), ...format, audioKbps: 128, segmentSeconds: 2, windowSize: 3, log: createLogger() });
    const lesson = lessons.adopt('room-3', plan('lesson-c'), { startedAt: 1, runs: 2, format, packager }, 60_000);
    assert.equal(lesson.state, 'reconnecting');
    assert.equal(lesson.format, format);
    assert.equal(lesson.packager, packager);
    assert.equal(lesson.encoders, undefined, 'made by the first run this process carries');
    await lessons.endNow(lesson);
    assert.equal(lesson.state, 'ended');
    assert.deepEqual(lesson.format?.ladder.map((rendition) => rendition.name), ['720p', '360p'], 'what it was published as stays listed');
    assert.equal(lesson.packager, undefined);
    assert.equal(lesson.encoders, undefined);
  } finally {
    await rm(liveDir, { recursive: true, force: true });
  }
});

// Which of a classroom's two encoders carries its lesson (feed-switch.ts).
const policy: SwitchPolicy = { switchAfterMs: 1500, returnAfterMs: 5000, keyframeWithinMs: 500 };
const now = 100_000;
const feed = (kind: FeedHealth['kind'], fields: Partial<FeedHealth> = {}): FeedHealth => ({ kind, ready: true, lastTagAt: now - 20, keyframeAt: now - 100, steadySince: now - 60_000, ...fields });

test('a run starts on the sending primary, else the sending backup, else any encoder with a keyframe', () => {
  assert.equal(chooseFeed([feed('backup'), feed('primary')], now, policy), 'primary');
  assert.equal(chooseFeed([feed('backup'), feed('primary', { lastTagAt: now - 3000 })], now, policy), 'backup', 'a paused primary waits');
  assert.equal(chooseFeed([feed('backup', { ready: false }), feed('primary', { lastTagAt: now - 3000 })], now, policy), 'primary', 'paused beats no keyframe');
  assert.equal(chooseFeed([feed('primary', { ready: false })], now, policy), undefined);
  assert.equal(chooseFeed([], now, policy), undefined);
});

test('the lesson leaves an encoder that drops or stalls, for the other one', () => {
  assert.deepEqual(switchFrom([feed('backup')], 'primary', now, policy), { kind: 'backup', reason: 'dropped' });
  assert.deepEqual(switchFrom([feed('backup', { lastTagAt: now - 4000 })], 'primary', now, policy), { kind: 'backup', reason: 'dropped' }, 'a paused standby beats nothing');
  assert.equal(switchFrom([feed('backup', { ready: false })], 'primary', now, policy), undefined, 'a standby without a keyframe cannot take over yet');
  assert.equal(switchFrom([], 'backup', now, policy), undefined);
  const stalledPrimary = feed('primary', { lastTagAt: now - 1600 });
  assert.deepEqual(switchFrom([stalledPrimary, feed('backup')], 'primary', now, policy), { kind: 'backup', reason: 'stalled' });
  assert.equal(switchFrom([feed('primary', { lastTagAt: now - 1400 }), feed('backup')], 'primary', now, policy), undefined, 'within the bound');
  assert.equal(switchFrom([stalledPrimary, feed('backup', { lastTagAt: now - 2000 })], 'primary', now, policy), undefined, 'both stalled: stay');
  assert.deepEqual(switchFrom([feed('primary'), feed('backup', { lastTagAt: now - 1600 })], 'backup', now, policy), { kind: 'primary', reason: 'stalled' });
  assert.equal(switchFrom([feed('primary'), feed('backup')], 'primary', now, policy), undefined, 'the primary keeps the lesson');
});

test('the primary takes the lesson back once steady, just after a keyframe of its own', () => {
  assert.deepEqual(switchFrom([feed('primary'), feed('backup')], 'backup', now, policy), { kind: 'primary', reason: 'primary back' });
  assert.equal(switchFrom([feed('primary', { steadySince: now - 4000 }), feed('backup')], 'backup', now, policy), undefined, 'not steady long enough');
  assert.equal(switchFrom([feed('primary', { steadySince: undefined }), feed('backup')], 'backup', now, policy), undefined);
  assert.equal(switchFrom([feed('primary', { keyframeAt: now - 900 }), feed('backup')], 'backup', now, policy), undefined, 'waits for its next keyframe');
});

test('an encoder is steady from the check after its keyframe until it pauses longer than the switch bound', () => {
  assert.equal(steadySince(undefined, { ready: false, lastTagAt: now }, now, policy), undefined);
  assert.equal(steadySince(undefined, { ready: true, lastTagAt: now }, now, policy), now);
  assert.equal(steadySince(now - 9000, { ready: true, lastTagAt: now - 1000 }, now, policy), now - 9000, 'a short pause keeps it steady');
  assert.equal(steadySince(now - 9000, { ready: true, lastTagAt: now - 2000 }, now, policy), undefined, 'a long pause starts it over');
});
