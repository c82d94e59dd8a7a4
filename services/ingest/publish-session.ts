// Carries one accepted publish from its first keyframe to its end: continues the classroom's lesson
// if it is in its reconnect grace period, else asks the catalog which lesson this is (a scheduled
// one or an ad-hoc one), starts the transcoder and the packager, watches both the encoder and
// ffmpeg, restarts ffmpeg if it dies or stalls while the encoder is still sending, reports the
// encoder's status to the catalog, and hands the lesson back to the registry for its grace period
// when the encoder goes away.
import { existsSync } from 'node:fs';
import { mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import type { Config } from '../core/config/schema.ts';
import type { Logger } from '../core/log.ts';
import type { Database } from '../catalog/db/database.ts';
import { reportEncoder } from '../catalog/ingest/encoder-status.ts';
import type { KeyMatch } from '../catalog/ingest/key-directory.ts';
import { lessonForPublish } from '../catalog/ingest/lesson-lifecycle.ts';
import { writeLessonManifest } from '../packager/lesson-manifest.ts';
import { createLessonPackager, type LessonPackager } from '../packager/lesson-packager.ts';
import { chooseLadder, segmentSecondsFor } from '../transcode/ladder.ts';
import { segmenterDir } from '../transcode/ffmpeg-args.ts';
import { startTranscoder, type Transcoder, type TranscoderExit } from '../transcode/transcoder.ts';
import { diskErrorCodes, type DiskGuard } from './disk-guard.ts';
import { meterEncoder } from './encoder-meter.ts';
import type { Lesson, LessonRegistry } from './lessons.ts';
import type { Publisher } from './rtmp-server.ts';
import { createSourceFeed } from './source-feed.ts';

export type PublishContext = { config: Config; db: Database; lessons: LessonRegistry; liveDir: string; ffmpegPath: string; disk: DiskGuard; log: Logger };

/** How long an accepted encoder may take to send its first keyframe. */
const firstKeyframeTimeoutMs = 15_000;
/** ffmpeg restarts allowed per minute before the publish is given up as broken. */
const maxRestartsPerMinute = 5;

export async function runPublishSession(publisher: Publisher, match: KeyMatch, context: PublishContext): Promise<void> {
  const { config, lessons, db } = context;
  const { classroomId } = match;
  let closed = false;
  let lesson: Lesson | undefined;
  const current: { transcoder?: Transcoder } = {};
  const feed = createSourceFeed(publisher);
  const encoder = reportEncoder(
    db,
    { classroomId, ingestNode: config.node.id, lessonId: null, remoteAddress: publisher.remoteAddress || null, keyKind: match.keyKind, width: null, height: null },
    meterEncoder(publisher),
    context.log,
  );
  publisher.onClose(() => {
    closed = true;
    void encoder.disconnected();
    // End ffmpeg's input at once so it writes the last segment without waiting for the next check.
    current.transcoder?.input.end();
    // The grace period starts now, not when ffmpeg has finished: a quick reconnect must find the
    // lesson waiting for it. Its run still waits for this one to finish (lesson.idle).
    if (lesson) lessons.release(lesson);
  });

  // Checked again now (the handshake saw the last periodic check): nothing new starts on a full disk.
  const space = await context.disk.check();
  if (!space.ok) {
    context.log.error(`publish refused: disk ${space.alarm}`, { classroom: classroomId, remoteAddress: publisher.remoteAddress, reason: space.reason });
    publisher.close();
    await encoder.disconnected();
    return;
  }
  try {
    // A lesson in its grace period is continued before the catalog is asked anything: the catalog
    // has it live already, and the playlists must carry on.
    lesson = lessons.resume(classroomId) ?? (await openLesson(classroomId, context, publisher));
  } catch (error) {
    context.log.error('publish refused: the catalog could not say which lesson this is', { classroom: classroomId, remoteAddress: publisher.remoteAddress, error });
    publisher.close();
    await encoder.disconnected();
    return;
  }
  // The encoder may have left while the catalog was asked: the close handler had no lesson to release.
  if (closed) lessons.release(lesson);
  encoder.update({ lessonId: lesson.id });
  const log = context.log.child({ lesson: lesson.id, classroom: classroomId });

  let finishedRun: () => void = () => {};
  const previousRun = lesson.idle;
  lesson.idle = new Promise((resolve) => (finishedRun = resolve));
  try {
    await previousRun;
    const source = await withTimeout(feed.ready, firstKeyframeTimeoutMs, 'the encoder sent no H.264 keyframe');
    if (closed) return;
    encoder.update({ width: source.width, height: source.height });
    lesson.ladder ??= chooseLadder(source, config.transcode.maxRenditions);
    lesson.hasAudio ??= source.hasAudio;
    await Promise.all(lesson.ladder.map((rendition) => mkdir(join(lesson!.dir, rendition.name), { recursive: true })));
    if (!lesson.packager) {
      lesson.packager = createLessonPackager({
        lessonDir: lesson.dir,
        ladder: lesson.ladder,
        hasAudio: lesson.hasAudio,
        audioKbps: config.transcode.audioBitrateKbps,
        segmentSeconds: lesson.segmentSeconds,
        windowSize: config.ingest.liveWindowSegments,
        log,
      });
      // Written before the first segment, so a restarted ingest can continue the lesson (orphaned-lessons.ts).
      await writeLessonManifest(lesson.dir, { ladder: lesson.ladder, hasAudio: lesson.hasAudio });
    }
    log.info('publish started', { source: `${source.width}x${source.height}@${source.fps}`, audio: source.hasAudio, remoteAddress: publisher.remoteAddress, keyKind: match.keyKind });
    await transcodeUntilClosed(lesson, feed, publisher, () => closed, current, context, log);
  } catch (error) {
    if (closed) log.info('publish ended early', { error });
    else log.warn('publish failed', { error });
    publisher.close();
  } finally {
    finishedRun();
    await encoder.disconnected();
  }
}

/** Asks the catalog which lesson a new publish carries (taking it there), and opens it on this node. */
async function openLesson(classroomId: string, context: PublishContext, publisher: Publisher): Promise<Lesson> {
  const { config } = context;
  const planned = await lessonForPublish(context.db, classroomId, new Date(), config.catalog.earlyStartMinutes, {
    latencyMode: config.ingest.latencyMode,
    taken: (id) => existsSync(join(context.liveDir, id)),
  });
  context.log.info('publish takes lesson', { classroom: classroomId, lesson: planned.id, adHoc: planned.adHoc, remoteAddress: publisher.remoteAddress });
  return context.lessons.open(classroomId, { ...planned, segmentSeconds: segmentSecondsFor[planned.latencyMode], protected: planned.visibility !== 'public' });
}

async function transcodeUntilClosed(
  lesson: Lesson,
  feed: ReturnType<typeof createSourceFeed>,
  publisher: Publisher,
  isClosed: () => boolean,
  current: { transcoder?: Transcoder },
  context: PublishContext,
  log: Logger,
): Promise<void> {
  const { config } = context;
  const packager = lesson.packager!;
  const restarts: number[] = [];
  const stallMs = Math.max(config.ingest.transcoderStallSeconds, lesson.segmentSeconds * 3) * 1000;

  while (!isClosed()) {
    const run = context.lessons.beginRun(lesson);
    await Promise.all(lesson.ladder!.map((_, variant) => mkdir(join(segmenterDir(lesson.dir, run), String(variant)), { recursive: true })));
    const transcoder = startTranscoder(
      {
        ladder: lesson.ladder!,
        hasAudio: lesson.hasAudio!,
        segmentSeconds: lesson.segmentSeconds,
        preset: config.transcode.preset,
        audioKbps: config.transcode.audioBitrateKbps,
        lessonDir: lesson.dir,
        run,
      },
      context.ffmpegPath,
      log.child({ run }),
    );
    current.transcoder = transcoder;
    const runStartedAt = Date.now();
    packager.startRun(run, runStartedAt);
    const detach = feed.attach(transcoder.input);
    const exit = await superviseRun(transcoder, () => {
      const diskProblem = diskProblemOf(context.disk, packager);
      if (diskProblem) {
        // Ended while the disk still has room to finish the run's playlists whole; the lesson then
        // waits out its grace period, and ends, as after any drop.
        log.error('disk full: ending the run', { reason: diskProblem });
        publisher.close();
        return 'closed';
      }
      if (Date.now() - feed.lastTagAt() > config.ingest.encoderIdleSeconds * 1000) {
        log.warn('encoder idle, closing it', { idleSeconds: config.ingest.encoderIdleSeconds });
        publisher.close();
        return 'closed';
      }
      if (Date.now() - Math.max(runStartedAt, packager.lastSegmentAt()) > stallMs) return 'stalled';
      return isClosed() ? 'closed' : 'ok';
    });
    detach();
    await packager.finishRun();
    if (isClosed()) return;
    // ffmpeg that could not write its segments exits: a full disk is not a reason to start it again.
    await context.disk.check();
    const diskProblem = diskProblemOf(context.disk, packager);
    if (diskProblem) {
      log.error('disk full: ending the run', { reason: diskProblem, stderr: exit.stderrTail });
      publisher.close();
      return;
    }
    log.error(exit.error === 'stalled' ? 'transcoder stalled' : 'transcoder exited', { error: exit.error, stderr: exit.stderrTail });
    const now = Date.now();
    restarts.push(now);
    while (restarts.length > 0 && now - restarts[0]! > 60_000) restarts.shift();
    if (restarts.length > maxRestartsPerMinute) throw new Error(`ffmpeg failed ${restarts.length} times in a minute; giving up on this publish`);
    await new Promise((resolve) => setTimeout(resolve, 500));
  }
}

/** Why the run must stop writing (the disk is in alarm, or the packager's last write failed for want of disk), or undefined. */
function diskProblemOf(disk: DiskGuard, packager: LessonPackager): string | undefined {
  const space = disk.state();
  if (!space.ok) return space.reason;
  const failure = packager.lastWriteError();
  if (failure?.code && diskErrorCodes.has(failure.code)) return `${failure.code}: ${failure.message}`;
  return undefined;
}

/** Waits for ffmpeg to exit, checking once a second whether the encoder left or ffmpeg stalled. */
function superviseRun(transcoder: Transcoder, check: () => 'ok' | 'closed' | 'stalled'): Promise<TranscoderExit> {
  return new Promise((resolve) => {
    const timer = setInterval(() => {
      const state = check();
      if (state === 'closed') void transcoder.stop().then(resolve);
      if (state === 'stalled') {
        transcoder.kill();
        void transcoder.exited.then((exit) => resolve({ ...exit, expected: false, error: 'stalled' }));
      }
      if (state !== 'ok') clearInterval(timer);
    }, 1000);
    void transcoder.exited.then((exit) => {
      clearInterval(timer);
      resolve(exit);
    });
  });
}

function withTimeout<T>(promise: Promise<T>, ms: number, message: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => (timer = setTimeout(() => reject(new Error(`${message} within ${ms / 1000} s`)), ms)));
  return Promise.race([promise, timeout]).finally(() => clearTimeout(timer));
}
