// The decisions a publish session makes run by run, as pure functions of what it observed, so they
// are tested without encoders, ffmpeg or a disk (test/unit/run-decisions.test.ts): the lesson's
// format from its first source, where a run starts on its encoder, what the source copy does with
// the audio, whether the disk stops the run, which encoders are idle, whether a run should end now
// (a switch, the encoder gone, the copy frozen), what follows a run that ended, and when restarting
// the copy is given up. publish-session.ts observes, asks these, and acts; feed-switch.ts holds the
// choice between a classroom's two encoders that they build on.
import type { FfmpegExit } from '../transcode/ffmpeg-process.ts';
import { chooseLadder, sourceRendition, type Source } from '../transcode/ladder.ts';
import { isFrozen } from '../transcode/rendition-shedding.ts';
import type { SourceFitness } from '../transcode/source-fitness.ts';
import { diskErrorCodes, type DiskState } from './disk-guard.ts';
import { switchFrom, type FeedChoice, type FeedHealth, type SwitchPolicy, type SwitchReason } from './feed-switch.ts';
import type { LessonFormat } from './lessons.ts';
import type { RunAnchor } from './lesson-renditions.ts';
import type { FeedStart } from './source-feed.ts';

/** The lesson's format from its first run's source: the ladder it allows, and the source copy as its recording track. */
export function lessonFormatFor(source: Source, maxRenditions: number): LessonFormat {
  const ladder = chooseLadder(source, maxRenditions);
  return { ladder, source: sourceRendition(source, ladder[0]!), hasAudio: source.hasAudio };
}

/** The switch bounds from the ingest's configuration; the primary's return waits for a keyframe within two checks. */
export function switchPolicyFor(ingest: { backupSwitchSeconds: number; primaryReturnSeconds: number }, checkMs: number): SwitchPolicy {
  return { switchAfterMs: ingest.backupSwitchSeconds * 1000, returnAfterMs: ingest.primaryReturnSeconds * 1000, keyframeWithinMs: 2 * checkMs };
}

/**
 * Where a run starts on its encoder: the session's first run takes what the encoder sent while the
 * lesson was opened (source-feed.ts's backlog); a copy started again on the same encoder (it froze
 * or died) starts where its last finished segment ended, so nothing it held is lost; a run on
 * another encoder starts at its last keyframe (a backup encoder standing by has no backlog to give:
 * classroom-feeds.ts).
 */
export function runStartsFrom(firstRunOfSession: boolean, copyRestartedOnSameEncoder = false): FeedStart {
  if (copyRestartedOnSameEncoder) return 'unwritten';
  return firstRunOfSession ? 'backlog' : 'gop';
}

/** Where a run's renditions start: with the copy, except after a copy restart (they were not stopped for what the copy lost, and a ladder may lose seconds). */
export function renditionsStartFrom(copyFrom: FeedStart): 'backlog' | 'gop' {
  return copyFrom === 'unwritten' ? 'gop' : copyFrom;
}

/**
 * Where a restarted copy's run sits on the wall clock: the previous run's anchor carried forward by
 * the media between their first keyframes, so its segments' program date times continue the track
 * exactly where it ended (an arrival time would be off by the network's jitter).
 */
export function resumedAnchor(previous: RunAnchor, fromFlvMs: number): RunAnchor {
  return { flvMs: fromFlvMs, wallMs: previous.wallMs + (fromFlvMs - previous.flvMs) };
}

/** What the source copy does with the encoder's audio: keeps AAC as sent, encodes other codecs to AAC. */
export function copyAudio(source: Pick<Source, 'hasAudio' | 'aacAudio'>): 'none' | 'copy' | 'aac' {
  if (!source.hasAudio) return 'none';
  return source.aacAudio ? 'copy' : 'aac';
}

/**
 * Why the run must stop writing (the disk guard is in alarm, or the packager's last write failed for
 * want of disk), or undefined.
 */
export function diskProblem(space: Pick<DiskState, 'ok' | 'reason'>, lastWriteError: NodeJS.ErrnoException | undefined): string | undefined {
  if (!space.ok) return space.reason;
  if (lastWriteError?.code && diskErrorCodes.has(lastWriteError.code)) return `${lastWriteError.code}: ${lastWriteError.message}`;
  return undefined;
}

/** The encoders that have sent nothing for longer than the idle bound: they are closed. */
export function idleEncoders<T extends { lastTagAt: number }>(encoders: readonly T[], now: number, idleMs: number): T[] {
  return encoders.filter((encoder) => now - encoder.lastTagAt > idleMs);
}

/** A reason of ours to let the run's copy finish and start the next run ('disk' stops the session). */
export type NextRun = FeedChoice | 'gone' | 'disk';

/** Why a run ended: the copy's own exit (or freezing), or a reason of ours to start the next run. */
export type RunEnd = { exit: FfmpegExit; next?: NextRun };

/** What a check of a running run saw. */
export type RunObservation = {
  now: number;
  /** The kind of encoder carrying the run, and whether it has left. */
  active: FeedHealth['kind'];
  activeClosed: boolean;
  feeds: readonly FeedHealth[];
  policy: SwitchPolicy;
  /** The source copy: media seconds the run's encoder has sent since the run started, those the copy has written, and when it last moved. */
  copy: { sentSeconds: number; copiedSeconds: number; lastMovedAt: number };
  frozenSeconds: number;
};

/**
 * Whether the run should end now: move to the other encoder (feed-switch.ts), 'gone' when its
 * encoder left, 'frozen' when the copy has work waiting and has not moved for the frozen bound (it
 * is killed); undefined to go on.
 */
export function runVerdict(seen: RunObservation): FeedChoice | 'gone' | 'frozen' | undefined {
  const choice = switchFrom(seen.feeds, seen.active, seen.now, seen.policy);
  if (choice) return choice;
  if (seen.activeClosed) return 'gone';
  if (copyFrozen(seen.copy, seen.now, seen.frozenSeconds)) return 'frozen';
  return undefined;
}

/**
 * The copy has media waiting and has not moved (written or used CPU) for the frozen bound. Also
 * asked while a copy finishes (its encoder left, or the lesson moves to the other encoder): one
 * that will never finish is killed rather than waited for, and what it held is still in the feed.
 */
export function copyFrozen(copy: RunObservation['copy'], now: number, frozenSeconds: number): boolean {
  return isFrozen({ pendingSeconds: copy.sentSeconds - copy.copiedSeconds, lastMovedAt: copy.lastMovedAt }, now, frozenSeconds);
}

/**
 * After a run whose copy froze or died: when its encoder has left and no other is there, one last
 * copy on the departed encoder's feed writes what the dead one held (the feed still has it), so an
 * encoder leaving during a freeze loses nothing either.
 */
export function drainsHeld(end: RunEnd, activeClosed: boolean, encodersLeft: number): boolean {
  return end.next !== 'disk' && end.exit.error !== undefined && activeClosed && encodersLeft === 0;
}

/** The school hears once per run whether its stream can be served as sent: what to tell it now, if anything (null clears the advice). */
export function adviceToTell(fitness: SourceFitness | undefined, told: boolean): { advice: string | null } | undefined {
  if (!fitness || told) return undefined;
  return { advice: fitness.fit ? null : fitness.advice };
}

/** What follows a run that ended while an encoder is left: stop the session, move to the other encoder, or start the copy again. */
export type AfterRun = { step: 'stop'; diskProblem: string } | { step: 'switch'; reason: SwitchReason } | { step: 'restart' };

/**
 * Decided once the disk has been checked again: a copy that could not write its segments exits, and
 * a full disk is not a reason to start it again. The carrying encoder left (the copy may have exited
 * on its own at the end of its input) or the other should take over: straight to the next run.
 * Otherwise the copy died or froze on its own and is started again.
 */
export function afterRun(next: Exclude<NextRun, 'disk'> | undefined, activeClosed: boolean, disk: string | undefined): AfterRun {
  if (disk !== undefined) return { step: 'stop', diskProblem: disk };
  if (next) return { step: 'switch', reason: next === 'gone' || activeClosed ? 'dropped' : next.reason };
  if (activeClosed) return { step: 'switch', reason: 'dropped' };
  return { step: 'restart' };
}

/** The copy's restarts within the last minute, counting one at `now`; more than the allowance gives the publish up as broken. */
export function recentRestarts(previous: readonly number[], now: number, windowMs = 60_000): number[] {
  return [...previous.filter((at) => now - at <= windowMs), now];
}
