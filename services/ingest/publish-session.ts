// Carries a classroom's lesson while any of its encoders pushes (classroom-feeds.ts): first asks the
// catalog whether this node may carry the classroom (classroom-assignment.ts: not while another
// node that is up holds it), then continues the classroom's lesson if it is in its reconnect grace
// period, else asks the catalog which lesson this is (one a node that went down was carrying, a
// scheduled one or an ad-hoc one), and carries it from the encoder feed-switch.ts chooses: each run
// copies the source as sent (the recording, and the top rendition when fit to serve) and hands the
// same feed to the lesson's renditions (lesson-renditions.ts, which encode the rest of the ladder
// and shed it when CPU runs short). It watches the encoders and the copy, moves the lesson to the
// backup encoder (and back) at a run boundary, restarts the copy if it dies or freezes while an
// encoder is still sending, reports the carrying encoder's status to the catalog, and hands the
// lesson back to the registry for its grace period when the last encoder goes away. What it decides
// run by run (where a run starts, whether it ends, what follows it) is in run-decisions.ts; this
// file observes and acts.
import { existsSync } from 'node:fs';
import { mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import { PassThrough } from 'node:stream';
import type { Config } from '../core/config/schema.ts';
import type { Logger } from '../core/log.ts';
import { writeLessonManifest } from '../packager/lesson-manifest.ts';
import { createLessonPackager, type LessonPackager } from '../packager/lesson-packager.ts';
import { segmentSecondsFor, sourceRenditionName, type Source } from '../transcode/ladder.ts';
import { buildCopyArgs } from '../transcode/ffmpeg-args.ts';
import { startFfmpeg, type FfmpegProcess } from '../transcode/ffmpeg-process.ts';
import { frozenSecondsFor } from '../transcode/rendition-shedding.ts';
import { PublishRefusal, type CatalogPort, type EncoderReporter } from './catalog-port.ts';
import type { ClassroomFeed, ClassroomFeeds } from './classroom-feeds.ts';
import type { DiskGuard } from './disk-guard.ts';
import { chooseFeed, type SwitchReason } from './feed-switch.ts';
import { createLessonRenditions, type RunAnchor } from './lesson-renditions.ts';
import { createLessonPictures } from '../pictures/lesson-pictures.ts';
import { nodeIdleShare } from './node-cpu.ts';
import type { LessonEncoders, LessonFormat, LiveLesson, LessonRegistry } from './lessons.ts';
import { adviceToTell, afterRun, copyAudio, copyFrozen, diskProblem, drainsHeld, idleEncoders, lessonFormatFor, recentRestarts, renditionsStartFrom, resumedAnchor, runStartsFrom, runVerdict, switchPolicyFor, type NextRun, type RunEnd } from './run-decisions.ts';
import type { RefusalCounter } from './rtmp-refusals.ts';
import { takeoverNumbering } from './takeover-numbering.ts';

export type PublishContext = {
  config: Config;
  catalog: CatalogPort;
  lessons: LessonRegistry;
  liveDir: string;
  ffmpegPath: string;
  disk: DiskGuard;
  log: Logger;
  /** Counts a publish refused here rather than at the RTMP handshake (assigned-elsewhere, lesson-ended). */
  refusals: RefusalCounter;
};

/** Source copy restarts allowed per minute before the publish is given up as broken. */
const maxRestartsPerMinute = 5;
/** Below this idle CPU share the node makes no pictures (they wait): the lesson's media comes first. */
const picturesMinIdleShare = 0.15;
/** How often a run checks its encoders and the copy: a fraction of the switch bound. */
const checkMs = 250;

/** `feeds` holds the classroom's first encoder; more may join while the session runs. */
export async function runPublishSession(feeds: ClassroomFeeds, context: PublishContext): Promise<void> {
  const { config, lessons, catalog } = context;
  const { classroomId } = feeds;
  const first = feeds.list()[0]!;
  // Before anything is written for the classroom: its encoder status belongs to the node carrying it.
  if (!(await admitted(feeds, context))) return;
  let lesson: LiveLesson | undefined;
  const current: { copy?: FfmpegProcess; feed?: ClassroomFeed } = {};
  // One status row per classroom: it describes the encoder carrying the lesson.
  const encoder = catalog.reportEncoder(
    { classroomId, ingestNode: config.node.id, lessonId: null, remoteAddress: first.publisher.remoteAddress || null, keyKind: first.kind, width: null, height: null },
    () => (current.feed ?? feeds.list()[0] ?? first).meter(),
    context.log,
  );
  feeds.onGone((feed) => {
    // End the copy's input at once so it writes the last segment without waiting for the next check.
    if (feed === current.feed) current.copy?.input.end();
    // The grace period starts when the last encoder leaves, not when ffmpeg has finished: a quick
    // reconnect must find the lesson waiting for it. Its run still waits for this one (lesson.idle).
    if (!feeds.isEmpty()) return;
    if (lesson) lessons.release(lesson);
    void encoder.disconnected();
  });

  // Checked again now (the handshake saw the last periodic check): nothing new starts on a full disk.
  const space = await context.disk.check();
  if (!space.ok) {
    context.log.error(`publish refused: disk ${space.alarm}`, { classroom: classroomId, remoteAddress: first.publisher.remoteAddress, reason: space.reason });
    feeds.closeAll();
    await encoder.disconnected();
    return;
  }
  try {
    // A lesson in its grace period is continued before the catalog is asked anything: the catalog
    // has it live already, and the playlists must carry on.
    lesson = lessons.resume(classroomId) ?? (await openLesson(classroomId, context, first.publisher.remoteAddress));
  } catch (error) {
    if (error instanceof PublishRefusal) {
      context.refusals.add('lesson-ended');
      context.log.warn('publish refused', { classroom: classroomId, remoteAddress: first.publisher.remoteAddress, reason: error.message });
    } else {
      context.log.error('publish refused: the catalog could not say which lesson this is', { classroom: classroomId, remoteAddress: first.publisher.remoteAddress, error });
    }
    feeds.closeAll();
    await encoder.disconnected();
    return;
  }
  // The encoders may have left while the catalog was asked: the handler above had no lesson to release.
  if (feeds.isEmpty()) lessons.release(lesson);
  encoder.update({ lessonId: lesson.id });
  const log = context.log.child({ lesson: lesson.id, classroom: classroomId });

  let finishedRun: () => void = () => {};
  const previousRun = lesson.idle;
  lesson.idle = new Promise((resolve) => (finishedRun = resolve));
  try {
    await previousRun;
    await carryWhileFed(lesson, feeds, current, encoder, context, log);
  } catch (error) {
    if (feeds.isEmpty()) log.info('publish ended early', { error });
    else log.warn('publish failed', { error });
    feeds.closeAll();
  } finally {
    finishedRun();
    await encoder.disconnected();
  }
}

/** Whether this node may carry the classroom now (taking it if free or its node is down); closes the encoders if not. */
async function admitted(feeds: ClassroomFeeds, context: PublishContext): Promise<boolean> {
  const { config, log } = context;
  const { classroomId } = feeds;
  const remoteAddress = feeds.list()[0]?.publisher.remoteAddress;
  try {
    const admission = await context.catalog.admitClassroom(classroomId, config.node.id, config.ingest.nodeDownSeconds);
    if (admission.admitted) {
      if (admission.previous !== config.node.id) log.info('classroom assigned to this node', { classroom: classroomId, previous: admission.previous });
      return true;
    }
    context.refusals.add('assigned-elsewhere');
    log.warn('publish refused: the classroom is assigned to another ingest node, which is up; push there (POST /api/v1/ingest/assignment names it)', {
      classroom: classroomId,
      remoteAddress,
      assignedNode: admission.holder.id,
      rtmpUrl: admission.holder.rtmpUrl,
    });
  } catch (error) {
    log.error('publish refused: the catalog could not say whether this node may carry the classroom', { classroom: classroomId, remoteAddress, error });
  }
  feeds.closeAll();
  return false;
}

/** What a run packages into: the lesson's format, playlists and encoders, all there. */
type RunPackaging = { format: LessonFormat; packager: LessonPackager; encoders: LessonEncoders };

/**
 * The lesson's packaging for a run: its format and packager (with its manifest) are made together
 * from the first run's source, once per lesson (an adopted lesson brings both from its folder), and
 * its encoders by the first run this process carries.
 */
async function preparePackaging(lesson: LiveLesson, source: Source, context: PublishContext, log: Logger): Promise<RunPackaging> {
  const { config } = context;
  const format = lesson.format ?? lessonFormatFor(source, config.transcode.maxRenditions);
  await Promise.all([...format.ladder, format.source].map((rendition) => mkdir(join(lesson.dir, rendition.name), { recursive: true })));
  let packager = lesson.packager;
  if (!packager) {
    packager = createLessonPackager({
      lessonDir: lesson.dir,
      ladder: format.ladder,
      source: format.source,
      hasAudio: format.hasAudio,
      audioKbps: config.transcode.audioBitrateKbps,
      segmentSeconds: lesson.segmentSeconds,
      windowSize: config.ingest.liveWindowSegments,
      log,
      ...(lesson.firstSequence !== undefined ? { firstSequence: lesson.firstSequence } : {}),
    });
    Object.assign(lesson, { format, packager });
    // Written before the first segment, so a restarted ingest can continue the lesson (orphaned-lessons.ts).
    await writeLessonManifest(lesson.dir, format);
  }
  lesson.encoders ??= makeEncoders(lesson, format, packager, context, log);
  return { format, packager, encoders: lesson.encoders };
}

/** The ladder's encoders and the pictures of a lesson, for the runs this process carries. */
function makeEncoders(lesson: LiveLesson, format: LessonFormat, packager: LessonPackager, context: PublishContext, log: Logger): LessonEncoders {
  const { config } = context;
  const renditions = createLessonRenditions({
    lessonDir: lesson.dir,
    ladder: format.ladder,
    hasAudio: format.hasAudio,
    segmentSeconds: lesson.segmentSeconds,
    packager,
    ffmpegPath: context.ffmpegPath,
    preset: config.transcode.preset,
    audioKbps: config.transcode.audioBitrateKbps,
    rungProcesses: config.transcode.rungProcesses,
    stallSeconds: config.ingest.transcoderStallSeconds,
    beginRun: () => context.lessons.beginRun(lesson),
    onRestart: () => void lesson.restarts++,
    log,
  });
  const pictures = createLessonPictures({
    lessonDir: lesson.dir,
    sourceDir: join(lesson.dir, sourceRenditionName),
    segments: () => packager.segments(sourceRenditionName),
    ffmpegPath: context.ffmpegPath,
    posterSeconds: config.transcode.posterSeconds,
    thumbnailSeconds: config.transcode.thumbnailSeconds,
    batchSeconds: config.transcode.thumbnailBatchSeconds,
    // Pictures are the first thing to go: while any rendition is shed, or the node has little idle CPU.
    busy: () => renditions.shedCount() > 0 || nodeIdleShare() < picturesMinIdleShare,
    log: log.child({ part: 'pictures' }),
  });
  return { renditions, pictures };
}

/**
 * Asks the catalog which lesson a new publish carries (taking it there), and opens it on this node:
 * the classroom's lesson a node that went down was carrying, continued with numbers above that
 * node's, else a scheduled or an ad-hoc one.
 */
async function openLesson(classroomId: string, context: PublishContext, remoteAddress: string): Promise<LiveLesson> {
  const { config } = context;
  const continued = await context.catalog.takeOverLesson(classroomId, config.node.id, { downSeconds: config.ingest.nodeDownSeconds, graceSeconds: config.ingest.reconnectGraceSeconds });
  if (continued) {
    const segmentSeconds = segmentSecondsFor[continued.latencyMode];
    const takeover = takeoverNumbering(continued.liveSeconds, segmentSeconds);
    context.log.warn('publish continues a lesson from an ingest node that is down', { classroom: classroomId, lesson: continued.id, from: continued.from, liveSeconds: Math.round(continued.liveSeconds), ...takeover, remoteAddress });
    return context.lessons.open(classroomId, { ...continued, segmentSeconds, protected: continued.visibility !== 'public', takeover });
  }
  const planned = await context.catalog.lessonForPublish(classroomId, new Date(), config.catalog.earlyStartMinutes, {
    latencyMode: config.ingest.latencyMode,
    taken: (id) => existsSync(join(context.liveDir, id)),
  });
  context.log.info('publish takes lesson', { classroom: classroomId, lesson: planned.id, adHoc: planned.adHoc, remoteAddress });
  return context.lessons.open(classroomId, { ...planned, segmentSeconds: segmentSecondsFor[planned.latencyMode], protected: planned.visibility !== 'public' });
}

/**
 * Carries the lesson, one run after another, on the encoder feed-switch.ts chooses, until no
 * encoder is left. Each run copies the source as sent and hands the feed to the lesson's renditions.
 * A switch ends the run (the copy finishes its last segment; the renditions finish what they hold)
 * and starts the next on the other encoder at its last keyframe: one discontinuity in the playlists.
 */
async function carryWhileFed(
  lesson: LiveLesson,
  feeds: ClassroomFeeds,
  current: { copy?: FfmpegProcess; feed?: ClassroomFeed },
  encoder: EncoderReporter,
  context: PublishContext,
  log: Logger,
): Promise<void> {
  const { config } = context;
  let restarts: number[] = [];
  const policy = switchPolicyFor(config.ingest, checkMs);
  const frozenSeconds = frozenSecondsFor(config.ingest.transcoderStallSeconds, lesson.segmentSeconds);
  /** The previous run's feed and why the lesson left it, for the switch's log line. */
  let switched: { from: ClassroomFeed; reason: SwitchReason } | undefined;
  /** The copy froze or died on this feed: the next run on it starts where the copy's segments ended. */
  let restarted: { feed: ClassroomFeed; anchor: RunAnchor } | undefined;
  /** A feed whose encoder left while its copy was stuck: one last run writes what it held. */
  let drain: ClassroomFeed | undefined;
  let started = false;

  while (!feeds.isEmpty() || drain) {
    const kind = drain ? undefined : chooseFeed(feeds.health(Date.now(), policy), Date.now(), policy);
    const feed = drain ?? (kind && feeds.get(kind));
    drain = undefined;
    if (!feed?.ready) {
      // No encoder has sent a keyframe yet: wait for one to, or for the last to leave.
      await feeds.nextChange();
      continue;
    }
    const source = feed.ready;
    const { packager, encoders } = await preparePackaging(lesson, source, context, log);
    const runStartedAt = Date.now();
    // Attached before anything is awaited, so the copy starts where the renditions do.
    const input = new PassThrough({ highWaterMark: 4 * 1024 * 1024 });
    if (restarted && restarted.feed !== feed) restarted.feed.source.holdUnwritten(undefined);
    const resumed = restarted?.feed === feed ? restarted : undefined;
    restarted = undefined;
    const from = runStartsFrom(!started, resumed !== undefined);
    const attachment = feed.source.attach(input, from);
    const anchor = resumed ? resumedAnchor(resumed.anchor, attachment.fromFlvMs) : { wallMs: attachment.fromWallMs, flvMs: attachment.fromFlvMs };
    // From here the feed holds what the copy has not written yet, until its segments cover it.
    feed.source.holdUnwritten(anchor.flvMs);
    // Any run after the lesson's first (a switch, a reconnect, a restart) counts in its restarts metric.
    if (lesson.mediaStartedAt !== undefined) lesson.restarts++;
    // Before beginRun, which tells the catalog the lesson is live and opens its recording from here.
    lesson.mediaStartedAt ??= anchor.wallMs;
    const run = context.lessons.beginRun(lesson);
    // The renditions drop the feed's backlog once they have judged the source (lesson-renditions.ts).
    // A departed encoder's feed gets no more media: only its copy has anything to do.
    if (!feed.closed) encoders.renditions.attach(feed.source, anchor, renditionsStartFrom(from));
    for (const other of feeds.list()) if (other !== feed) other.source.dropBacklog();
    await packager.startRun(run, { track: sourceRenditionName, startedAt: anchor.wallMs });
    const copy = startFfmpeg(
      buildCopyArgs({
        segmentSeconds: lesson.segmentSeconds,
        lessonDir: lesson.dir,
        run,
        audio: copyAudio(source),
        audioKbps: config.transcode.audioBitrateKbps,
      }),
      context.ffmpegPath,
      log.child({ run, rendition: sourceRenditionName }),
      { input },
    );
    current.copy = copy;
    current.feed = feed;
    // The encoder may have left while the run's folder was made.
    if (feed.closed) copy.input.end();
    if (!feed.closed) encoder.update({ keyKind: feed.kind, remoteAddress: feed.publisher.remoteAddress || null, width: source.width, height: source.height });
    if (switched) {
      // gapMs: from the old encoder's last tag to this run's start; replayedMs: how much media before
      // now the new encoder's group of pictures carries. Their difference is the media missing.
      log.info('encoder switched', {
        from: switched.from.kind,
        to: feed.kind,
        reason: switched.reason,
        run,
        gapMs: runStartedAt - switched.from.source.lastTagAt(),
        replayedMs: runStartedAt - feed.source.keyframeAt(),
      });
    } else if (!started) {
      log.info('publish started', { run, source: `${source.width}x${source.height}@${source.fps}`, audio: source.hasAudio, remoteAddress: feed.publisher.remoteAddress, keyKind: feed.kind });
    }
    switched = undefined;
    started = true;

    let adviceTold = false;
    let jumpsTold = feed.source.timestampJumps().length;
    const copyProgress = () => {
      const moved = copy.movement();
      return { sentSeconds: (feed.source.lastTimestamp() - anchor.flvMs) / 1000, copiedSeconds: moved.mediaSeconds, lastMovedAt: moved.lastMovedAt };
    };
    const stuck = () => copyFrozen(copyProgress(), Date.now(), frozenSeconds);
    const ended = await superviseRun(copy, stuck, (): NextRun | 'frozen' | undefined => {
      const now = Date.now();
      const disk = diskProblem(context.disk.state(), packager.lastWriteError());
      if (disk) {
        // Ended while the disk still has room to finish the run's playlists whole; the lesson then
        // waits out its grace period, and ends, as after any drop.
        log.error('disk full: ending the run', { reason: disk });
        feeds.closeAll();
        return 'disk';
      }
      const idle = idleEncoders(feeds.list().map((each) => ({ each, lastTagAt: each.source.lastTagAt() })), now, config.ingest.encoderIdleSeconds * 1000);
      for (const { each } of idle) {
        log.warn('encoder idle, closing it', { keyKind: each.kind, idleSeconds: config.ingest.encoderIdleSeconds });
        each.publisher.close();
      }
      feed.source.holdUnwritten(anchor.flvMs + packager.runSeconds(run) * 1000);
      const verdict = runVerdict({
        now,
        active: feed.kind,
        activeClosed: feed.closed,
        feeds: feeds.health(now, policy),
        policy,
        copy: copyProgress(),
        frozenSeconds,
      });
      if (verdict !== undefined && verdict !== 'frozen') return verdict;
      const jumps = feed.source.timestampJumps();
      if (jumps.length > jumpsTold) {
        log.warn('encoder timestamps jumped forward: taken out, the lesson goes on without a hole', { keyKind: feed.kind, jumps: jumps.slice(jumpsTold) });
        jumpsTold = jumps.length;
      }
      const advice = adviceToTell(encoders.renditions.fitness(), adviceTold);
      if (advice) {
        adviceTold = true;
        encoder.update(advice);
      }
      return verdict;
    });
    attachment.detach();
    encoders.renditions.detach();
    current.feed = undefined;
    // Every segment the copy finished is published; what it held unfinished is still in the feed.
    const writtenSeconds = await packager.finishRun(run);
    feed.source.holdUnwritten(anchor.flvMs + writtenSeconds * 1000);
    const failure = () => ({
      error: ended.exit.error,
      stderr: ended.exit.stderrTail,
      // How much media the next copy writes again from the feed (all of it was held).
      unwrittenSeconds: Math.max(0, (feed.source.lastTimestamp() - anchor.flvMs) / 1000 - writtenSeconds),
    });
    if (drainsHeld(ended, feed.closed, feeds.list().length)) {
      log.error(ended.exit.error === 'frozen' ? 'source copy frozen as its encoder left' : 'source copy exited as its encoder left', failure());
      restarts = countRestart(restarts);
      restarted = { feed, anchor };
      drain = feed;
      continue;
    }
    if (feeds.isEmpty() || ended.next === 'disk') return;
    await context.disk.check();
    const next = afterRun(ended.next, feed.closed, diskProblem(context.disk.state(), packager.lastWriteError()));
    if (next.step === 'stop') {
      log.error('disk full: ending the run', { reason: next.diskProblem, stderr: ended.exit.stderrTail });
      feeds.closeAll();
      return;
    }
    if (next.step === 'switch') {
      feed.source.holdUnwritten(undefined);
      switched = { from: feed, reason: next.reason };
      continue;
    }
    restarted = { feed, anchor };
    log.error(ended.exit.error === 'frozen' ? 'source copy frozen' : 'source copy exited', failure());
    restarts = countRestart(restarts);
    await new Promise((resolve) => setTimeout(resolve, 500));
  }
}

/** Counts a restart of the copy; too many in a minute give the publish up as broken. */
function countRestart(previous: number[]): number[] {
  const restarts = recentRestarts(previous, Date.now());
  if (restarts.length > maxRestartsPerMinute) throw new Error(`ffmpeg failed ${restarts.length} times in a minute; giving up on this publish`);
  return restarts;
}

/**
 * Waits for the copy to exit, checking every `checkMs` whether the run should end: `check` returns
 * a reason to let it finish (its input ends; it writes its last segment), 'frozen' to kill it, or
 * undefined. While it finishes, `stuck` is asked instead: a copy that stopped moving is killed
 * rather than waited for forever (the session would hang, its lesson never ending).
 */
function superviseRun(copy: FfmpegProcess, stuck: () => boolean, check: () => NextRun | 'frozen' | undefined): Promise<RunEnd> {
  return new Promise((resolve) => {
    let decided: NextRun | 'frozen' | undefined;
    let killed = false;
    const kill = () => {
      killed = true;
      clearInterval(timer);
      copy.kill();
    };
    const timer = setInterval(() => {
      if (decided !== undefined) {
        if (stuck()) kill();
        return;
      }
      decided = check();
      if (decided === 'frozen') kill();
      else if (decided !== undefined) void copy.finish();
    }, checkMs);
    void copy.exited.then((exit) => {
      clearInterval(timer);
      const next = decided === 'frozen' ? undefined : decided;
      resolve({ exit: killed ? { ...exit, expected: false, error: 'frozen' } : exit, ...(next ? { next } : {}) });
    });
  });
}
