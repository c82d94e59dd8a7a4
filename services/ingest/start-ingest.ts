// The province ingest tier: RTMP in, a lesson per classroom publish, HLS on disk under the data
// directory. Stream keys and lessons come from the catalog, asked through the ingest's own port
// (catalog-port.ts). Composes the parts; the behaviour lives in the files it imports.
import { join, resolve } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import type { Config } from '../core/config/schema.ts';
import { findMediaTool } from '../core/ffmpeg-binary.ts';
import type { Logger } from '../core/log.ts';
import type { CatalogPort, KeyDirectory, KeyMatch, ReplayHandoff } from './catalog-port.ts';
import { createClassroomFeeds, type ClassroomFeeds } from './classroom-feeds.ts';
import { startDiskGuard, type DiskGuardOptions, type DiskState } from './disk-guard.ts';
import { watchLessonEnds } from './lesson-end-watch.ts';
import { createLessonRegistry, type LiveLesson, type LessonRegistry } from './lessons.ts';
import { continueOrphanedLessons } from './orphaned-lessons.ts';
import { runPublishSession } from './publish-session.ts';
import { createRefusalCounter } from './rtmp-refusals.ts';
import { startRtmpServer } from './rtmp-server.ts';

export type Ingest = {
  rtmpPort: number;
  /** Where lessons' HLS files are written: `<dataDir>/live`. */
  liveDir: string;
  /** Where finished recordings' replays are written: `<dataDir>/vod`. */
  vodDir: string;
  lessons: LessonRegistry;
  keys: KeyDirectory;
  /** The data disk's last check: not ok (alarm 'full' or 'unwritable') while publishes are refused. */
  diskState(): DiskState;
  close(): Promise<void>;
};

export type IngestOptions = {
  /** Free-space threshold and check interval of the data disk (disk-guard.ts has the defaults). */
  disk?: Pick<DiskGuardOptions, 'minFreeBytes' | 'minFreeRatio' | 'checkSeconds'>;
  /** Where finished replays go next (storage.kind): told when a lesson's replays are written. The caller owns it and closes it after this ingest has closed. */
  replays?: ReplayHandoff;
};

/** How long an accepted encoder may take to send its first keyframe. */
const firstKeyframeTimeoutMs = 15_000;

/** Where an ingest node writes its lessons (`live`) and their replays (`vod`), under the data directory. */
export function ingestDirs(config: Pick<Config, 'dataDir'>): { liveDir: string; vodDir: string } {
  return { liveDir: join(resolve(config.dataDir), 'live'), vodDir: join(resolve(config.dataDir), 'vod') };
}

/** `catalog`: what the ingest asks of the catalog (catalog-port.ts); the caller owns what is behind it and closes it after this ingest has closed. */
export async function startIngest(config: Config, log: Logger, catalog: CatalogPort, options: IngestOptions = {}): Promise<Ingest> {
  const ffmpegPath = findMediaTool('ffmpeg', config.ffmpegPath);
  const { liveDir, vodDir } = ingestDirs(config);
  const node = config.node.id;
  const finish = async (lessonId: string) => {
    await catalog.finishRecordings({ lessonId, lessonDir: join(liveDir, lessonId), vodDir, log });
    options.replays?.replaysWritten();
  };
  await catalog.ensureClassrooms(config.classrooms, log);
  const lessons = createLessonRegistry({
    liveDir,
    graceSeconds: config.ingest.reconnectGraceSeconds,
    log,
    lifecycle: {
      live: async (lesson) => {
        // A lesson taken over from a node that went down has runs numbered before this node's.
        await (lesson.runsBefore > 0 ? catalog.markTakenOver(lesson.id, node) : catalog.markLive(lesson.id, node));
        await catalog.openDefaultRecording(lesson.id, lesson.mediaStartedAt === undefined ? undefined : new Date(lesson.mediaStartedAt));
      },
      ended: async (lesson) => {
        // Another node may have continued it while this one was taken for down: then it goes on there.
        if (await catalog.endLessonHere(lesson.id, node)) await finish(lesson.id);
        else log.warn('lesson continues on another ingest node', { lesson: lesson.id });
      },
      abandoned: (lesson) => catalog.abandonLesson(lesson.id),
    },
  });
  // Lessons a crashed run of this node was carrying wait for their classrooms, as after a drop.
  await continueOrphanedLessons({
    catalog,
    node,
    liveDir,
    lessons,
    graceSeconds: config.ingest.reconnectGraceSeconds,
    audioKbps: config.transcode.audioBitrateKbps,
    windowSize: config.ingest.liveWindowSegments,
    log,
    endLesson: async (lessonId) => {
      if (await catalog.endLessonHere(lessonId, node)) await finish(lessonId);
    },
  });
  await catalog.disconnectNodeEncoders(node);
  const disk = await startDiskGuard({ dir: liveDir, log, ...options.disk });
  const keys = await catalog.openKeyDirectory({ refreshSeconds: config.catalog.keyRefreshSeconds, log });
  const sessions = new Set<Promise<void>>();
  // Publishes refused after the handshake, once the catalog has answered (publish-session.ts).
  const refusals = createRefusalCounter();
  // The encoders each classroom is pushing from: one on its primary key and one on its backup key
  // may push at once (one carries the lesson, the other stands by); a second on the same key kind
  // is refused.
  const classrooms = new Map<string, ClassroomFeeds>();
  const busy = (match: KeyMatch) => (classrooms.get(match.classroomId)?.has(match.keyKind) ? `classroom ${match.classroomId} is already publishing on its ${match.keyKind} key` : undefined);

  const rtmp = await startRtmpServer({
    host: config.rtmp.host,
    port: config.rtmp.port,
    limits: config.rtmp,
    log,
    authorize: ({ streamKey }) => {
      const match = keys.classroomFor(streamKey);
      if (!match) return { accept: false, reason: 'unknown stream key' };
      const space = disk.state();
      if (!space.ok) return { accept: false, reason: `disk ${space.alarm}: ${space.reason}` };
      const reason = busy(match);
      return reason ? { accept: false, reason } : { accept: true };
    },
    onPublish: (publisher) => {
      const refuse = (reason: string) => {
        log.warn('publish refused', { remoteAddress: publisher.remoteAddress, reason });
        publisher.close();
      };
      // Looked up again: the keys may have been refreshed since prePublish.
      const match = keys.classroomFor(publisher.streamKey);
      if (!match) return refuse('the stream key was just revoked');
      const { classroomId } = match;
      const joining = classrooms.get(classroomId);
      const feeds = joining ?? createClassroomFeeds(classroomId, { log, firstKeyframeTimeoutMs });
      const added = feeds.add(match.keyKind, publisher);
      if (typeof added === 'string') return refuse(added);
      if (joining) {
        log.info('encoder joins the classroom', { classroom: classroomId, keyKind: match.keyKind, remoteAddress: publisher.remoteAddress });
        return;
      }
      classrooms.set(classroomId, feeds);
      // Forgotten when its last encoder leaves, so the classroom's next publish starts a new set.
      feeds.onGone(() => {
        if (feeds.isEmpty() && classrooms.get(classroomId) === feeds) classrooms.delete(classroomId);
      });
      const session = runPublishSession(feeds, { config, catalog, lessons, liveDir, ffmpegPath, disk, log, refusals });
      sessions.add(session);
      void session.finally(() => sessions.delete(session));
    },
  }).catch((error: unknown) => {
    keys.close();
    disk.close();
    throw error;
  });
  // "End lesson now" reaches this node as fast as a new stream key does.
  const endWatch = watchLessonEnds({
    catalog,
    lessons,
    intervalSeconds: config.catalog.keyRefreshSeconds,
    disconnectClassroom: (classroomId) => classrooms.get(classroomId)?.closeAll(),
    log,
  });
  log.info('ingest ready', { rtmpPort: rtmp.port, ffmpeg: ffmpegPath, liveDir });

  return {
    rtmpPort: rtmp.port,
    liveDir,
    vodDir,
    lessons,
    keys,
    diskState: () => disk.state(),
    async close() {
      await endWatch.close();
      keys.close();
      disk.close();
      await rtmp.close();
      await Promise.all(sessions);
      await leaveLessons(lessons, log);
    },
  };
}

/**
 * Shutdown (a restart, or the node going away) leaves the lessons this node carries live, as a
 * crash would: their playlists get no #EXT-X-ENDLIST, their sessions and recordings stay open, so
 * the next start adopts them (orphaned-lessons.ts) and their classrooms continue them within the
 * grace period; a node that does not come back has them ended by the node its classrooms move to
 * (takeOverLesson). Every lesson's encoder is gone by now, so each waits in its grace period:
 * resume() stops that timer (the lesson is not continued: the process is stopping) and its packager
 * stops watching. A lesson whose grace period ran out just before finishes ending, replays and all.
 */
async function leaveLessons(lessons: LessonRegistry, log: Logger): Promise<void> {
  // Every rendition first writes what it holds (a slow one's backlog is part of the lesson).
  await Promise.all(lessons.list().map((lesson) => lesson.encoders?.renditions.settled()));
  const left = new Set<LiveLesson>();
  for (const lesson of lessons.list()) {
    if (lesson.state !== 'reconnecting') continue;
    const waiting = lessons.resume(lesson.classroomId);
    if (!waiting) continue;
    waiting.packager?.close();
    left.add(waiting);
    log.info('lesson left live for the next start of this node', { lesson: waiting.id, classroom: waiting.classroomId });
  }
  // Ends already under way: the registry marks each ended once its playlists are complete, and
  // queues its catalog write (the replays) at the same moment.
  const ending = lessons.list().filter((lesson) => lesson.state !== 'ended' && !left.has(lesson));
  while (ending.some((lesson) => lesson.state !== 'ended')) await sleep(50);
  await Promise.all(lessons.list().map((lesson) => lesson.catalogWrites));
}
