// The publish session's run-by-run decisions (services/ingest/run-decisions.ts), without encoders,
// ffmpeg or a disk: the lesson's format, where a run starts, the copy's audio, the disk stop, idle
// encoders, a run's verdict on every check, what follows a run, and the restart allowance.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { FeedHealth, SwitchPolicy } from '../../services/ingest/feed-switch.ts';
import {
  adviceToTell,
  afterRun,
  copyAudio,
  diskProblem,
  idleEncoders,
  lessonFormatFor,
  recentRestarts,
  renditionsStartFrom,
  resumedAnchor,
  runStartsFrom,
  runVerdict,
  switchPolicyFor,
  type RunObservation,
} from '../../services/ingest/run-decisions.ts';

const now = 1_000_000;
const policy: SwitchPolicy = switchPolicyFor({ backupSwitchSeconds: 1.5, primaryReturnSeconds: 5 }, 250);
const feed = (kind: FeedHealth['kind'], fields: Partial<FeedHealth> = {}): FeedHealth => ({ kind, ready: true, lastTagAt: now - 20, keyframeAt: now - 100, steadySince: now - 60_000, ...fields });
/** A healthy run on the primary alone, its copy keeping up. */
const seen = (fields: Partial<RunObservation> = {}): RunObservation => ({
  now,
  active: 'primary',
  activeClosed: false,
  feeds: [feed('primary')],
  policy,
  copy: { sentSeconds: 30, copiedSeconds: 29.5, lastMovedAt: now - 500 },
  frozenSeconds: 10,
  ...fields,
});

test('the switch policy comes from the ingest settings, the return waiting for a keyframe within two checks', () => {
  assert.deepEqual(policy, { switchAfterMs: 1500, returnAfterMs: 5000, keyframeWithinMs: 500 });
});

test("the lesson's format: the ladder its first source allows, the source copy as its recording track, its audio", () => {
  const format = lessonFormatFor({ width: 1280, height: 720, fps: 30, hasAudio: true }, 3);
  assert.deepEqual(format.ladder.map((rendition) => rendition.name), ['720p', '480p', '360p']);
  assert.equal(format.source.name, 'source');
  assert.deepEqual([format.source.width, format.source.height, format.source.fps], [1280, 720, 30]);
  assert.equal(format.source.maxKbps, format.ladder[0]!.maxKbps, "the source track is budgeted as the ladder's top");
  assert.equal(format.hasAudio, true);
  const odd = lessonFormatFor({ width: 641, height: 361, fps: 0, hasAudio: false }, 4);
  assert.deepEqual([odd.source.width, odd.source.height, odd.source.fps], [642, 362, 30], 'odd sizes are made even; no frame rate means 30');
  assert.equal(odd.hasAudio, false);
  assert.throws(() => lessonFormatFor({ width: 8, height: 8, fps: 30, hasAudio: true }, 4), /too small/);
});

test("only the session's first run takes the encoder's backlog; later runs start at its last keyframe", () => {
  assert.equal(runStartsFrom(true), 'backlog');
  assert.equal(runStartsFrom(false), 'gop');
});

test('a copy started again on the same encoder starts where its segments ended, its renditions at the last keyframe, in the same time', () => {
  assert.equal(runStartsFrom(false, true), 'unwritten');
  assert.equal(runStartsFrom(true, true), 'unwritten');
  assert.equal(renditionsStartFrom('unwritten'), 'gop');
  assert.equal(renditionsStartFrom('backlog'), 'backlog');
  assert.equal(renditionsStartFrom('gop'), 'gop');
  // The previous run started at FLV 10 000 ms, placed at wall 1 000 000; its copy wrote 24 s.
  assert.deepEqual(resumedAnchor({ flvMs: 10_000, wallMs: 1_000_000 }, 34_000), { flvMs: 34_000, wallMs: 1_024_000 });
});

test('the source copy keeps AAC as sent, encodes other audio to AAC, and has none without audio', () => {
  assert.equal(copyAudio({ hasAudio: true, aacAudio: true }), 'copy');
  assert.equal(copyAudio({ hasAudio: true, aacAudio: false }), 'aac');
  assert.equal(copyAudio({ hasAudio: true }), 'aac');
  assert.equal(copyAudio({ hasAudio: false, aacAudio: true }), 'none');
});

test("the disk stops a run when its guard is in alarm or the packager's last write failed for want of disk", () => {
  assert.equal(diskProblem({ ok: true }, undefined), undefined);
  assert.equal(diskProblem({ ok: false, reason: '1 GB free, under 2 GB' }, undefined), '1 GB free, under 2 GB');
  const full = Object.assign(new Error('no space left on device'), { code: 'ENOSPC' });
  assert.equal(diskProblem({ ok: true }, full), 'ENOSPC: no space left on device');
  assert.equal(diskProblem({ ok: true }, Object.assign(new Error('read-only'), { code: 'EROFS' })), 'EROFS: read-only');
  assert.equal(diskProblem({ ok: true }, Object.assign(new Error('gone'), { code: 'ENOENT' })), undefined, 'a missing file is not the disk');
  assert.equal(diskProblem({ ok: true }, new Error('no code')), undefined);
});

test('an encoder that has sent nothing for longer than the idle bound is idle', () => {
  const encoders = [{ kind: 'primary', lastTagAt: now - 10_001 }, { kind: 'backup', lastTagAt: now - 10_000 }];
  assert.deepEqual(idleEncoders(encoders, now, 10_000).map((each) => each.kind), ['primary']);
  assert.deepEqual(idleEncoders([], now, 10_000), []);
});

test('a healthy run goes on', () => {
  assert.equal(runVerdict(seen()), undefined);
});

test('a run ends to move the lesson: to the backup when the primary stalls, back to the primary when it is steady again', () => {
  const stalled = seen({ feeds: [feed('primary', { lastTagAt: now - 2000 }), feed('backup')] });
  assert.deepEqual(runVerdict(stalled), { kind: 'backup', reason: 'stalled' });
  const onBackup = seen({ active: 'backup', feeds: [feed('primary'), feed('backup')] });
  assert.deepEqual(runVerdict(onBackup), { kind: 'primary', reason: 'primary back' });
  const dropped = seen({ feeds: [feed('backup')], activeClosed: true });
  assert.deepEqual(runVerdict(dropped), { kind: 'backup', reason: 'dropped' }, 'a switch comes before "gone"');
});

test('a run ends "gone" when its encoder left and no other can take over', () => {
  assert.equal(runVerdict(seen({ activeClosed: true })), 'gone');
  assert.equal(runVerdict(seen({ activeClosed: true, feeds: [] })), 'gone');
});

test('a copy with media waiting that has not moved for the frozen bound is frozen; one keeping up, or idle for want of input, is not', () => {
  assert.equal(runVerdict(seen({ copy: { sentSeconds: 30, copiedSeconds: 20, lastMovedAt: now - 10_001 } })), 'frozen');
  assert.equal(runVerdict(seen({ copy: { sentSeconds: 30, copiedSeconds: 20, lastMovedAt: now - 9000 } })), undefined, 'behind but moving');
  assert.equal(runVerdict(seen({ copy: { sentSeconds: 30, copiedSeconds: 29.5, lastMovedAt: now - 60_000 } })), undefined, 'nothing waiting');
  const stalledAndFrozen = seen({ feeds: [feed('primary', { lastTagAt: now - 2000 }), feed('backup')], copy: { sentSeconds: 30, copiedSeconds: 20, lastMovedAt: now - 60_000 } });
  assert.deepEqual(runVerdict(stalledAndFrozen), { kind: 'backup', reason: 'stalled' }, 'a switch lets the copy finish rather than killing it');
});

test('the school is told once per run whether its stream is served as sent', () => {
  assert.equal(adviceToTell(undefined, false), undefined, 'not judged yet');
  assert.deepEqual(adviceToTell({ fit: true }, false), { advice: null });
  assert.deepEqual(adviceToTell({ fit: false, reason: 'keyframes 6 s apart', advice: 'set the keyframe interval to 2 s' }, false), { advice: 'set the keyframe interval to 2 s' });
  assert.equal(adviceToTell({ fit: true }, true), undefined, 'told already');
});

test('after a run: the disk stops the session, a gone or switched-away encoder moves on, a copy that died on its own starts again', () => {
  assert.deepEqual(afterRun({ kind: 'backup', reason: 'stalled' }, false, 'ENOSPC: full'), { step: 'stop', diskProblem: 'ENOSPC: full' });
  assert.deepEqual(afterRun(undefined, false, 'ENOSPC: full'), { step: 'stop', diskProblem: 'ENOSPC: full' });
  assert.deepEqual(afterRun({ kind: 'backup', reason: 'stalled' }, false, undefined), { step: 'switch', reason: 'stalled' });
  assert.deepEqual(afterRun({ kind: 'backup', reason: 'stalled' }, true, undefined), { step: 'switch', reason: 'dropped' }, 'left while switching: dropped');
  assert.deepEqual(afterRun('gone', false, undefined), { step: 'switch', reason: 'dropped' });
  assert.deepEqual(afterRun(undefined, true, undefined), { step: 'switch', reason: 'dropped' }, 'the copy exited at the end of its input');
  assert.deepEqual(afterRun(undefined, false, undefined), { step: 'restart' });
});

test('restarts count within the last minute', () => {
  let restarts: number[] = [];
  for (const at of [0, 10_000, 20_000, 30_000, 40_000]) restarts = recentRestarts(restarts, at);
  assert.equal(restarts.length, 5);
  assert.deepEqual(recentRestarts(restarts, 60_000), [0, 10_000, 20_000, 30_000, 40_000, 60_000], 'a minute ago still counts');
  assert.deepEqual(recentRestarts(restarts, 70_001), [20_000, 30_000, 40_000, 70_001], 'older ones fall out');
  assert.deepEqual(recentRestarts([], 5), [5]);
});
