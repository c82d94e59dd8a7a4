// The province ingest tier: RTMP in, a lesson per classroom publish, HLS on disk under the data
// directory. Stream keys and lessons come from the catalog. Composes the parts; the behaviour lives
// in the files it imports.
import { join, resolve } from 'node:path';
import type { Config } from '../core/config/schema.ts';
import { findMediaTool } from '../core/ffmpeg-binary.ts';
import type { Logger } from '../core/log.ts';
import type { Database } from '../catalog/db/database.ts';
import { disconnectNodeEncoders } from '../catalog/ingest/encoder-status.ts';
import { ensureClassrooms } from '../catalog/ingest/ensure-classrooms.ts';
import { openKeyDirectory, type KeyDirectory } from '../catalog/ingest/key-directory.ts';
import { abandonLesson, endOrphanedLessons, markEnded, markLive } from '../catalog/ingest/lesson-lifecycle.ts';
import { createLessonRegistry, type LessonRegistry } from './lessons.ts';
import { runPublishSession } from './publish-session.ts';
import { startRtmpServer } from './rtmp-server.ts';

export type Ingest = {
  rtmpPort: number;
  /** Where lessons' HLS files are written: `<dataDir>/live`. */
  liveDir: string;
  lessons: LessonRegistry;
  keys: KeyDirectory;
  close(): Promise<void>;
};

/** `db` is the catalog; the caller owns it and closes it after this ingest has closed. */
export async function startIngest(config: Config, log: Logger, db: Database): Promise<Ingest> {
  const ffmpegPath = findMediaTool('ffmpeg', config.ffmpegPath);
  const liveDir = join(resolve(config.dataDir), 'live');
  const node = config.node.id;
  await ensureClassrooms(db, config.classrooms, log);
  await endOrphanedLessons(db, node, log);
  await disconnectNodeEncoders(db, node);
  const keys = await openKeyDirectory(db, { refreshSeconds: config.catalog.keyRefreshSeconds, log });
  const lessons = createLessonRegistry({
    liveDir,
    graceSeconds: config.ingest.reconnectGraceSeconds,
    log,
    lifecycle: {
      live: (lesson) => markLive(db, lesson.id, node),
      ended: (lesson) => markEnded(db, lesson.id),
      abandoned: (lesson) => abandonLesson(db, lesson.id),
    },
  });
  const sessions = new Set<Promise<void>>();
  // One publish per classroom at a time: a second encoder (say on the backup key) while the first
  // is still connected is refused, as node-media-server refuses a second publisher on one key.
  const publishing = new Set<string>();

  const rtmp = await startRtmpServer({
    host: config.rtmp.host,
    port: config.rtmp.port,
    log,
    authorize: ({ streamKey }) => {
      const match = keys.classroomFor(streamKey);
      if (!match) return { accept: false, reason: 'unknown stream key' };
      if (publishing.has(match.classroomId)) return { accept: false, reason: `classroom ${match.classroomId} is already publishing` };
      return { accept: true };
    },
    onPublish: (publisher) => {
      // Looked up again: the keys may have been refreshed since prePublish.
      const match = keys.classroomFor(publisher.streamKey);
      if (!match || publishing.has(match.classroomId)) {
        log.warn('publish refused', { remoteAddress: publisher.remoteAddress, reason: match ? `classroom ${match.classroomId} is already publishing` : 'the stream key was just revoked' });
        publisher.close();
        return;
      }
      publishing.add(match.classroomId);
      publisher.onClose(() => publishing.delete(match.classroomId));
      const session = runPublishSession(publisher, match, { config, db, lessons, liveDir, ffmpegPath, log });
      sessions.add(session);
      void session.finally(() => sessions.delete(session));
    },
  }).catch((error: unknown) => {
    keys.close();
    throw error;
  });
  log.info('ingest ready', { rtmpPort: rtmp.port, ffmpeg: ffmpegPath, liveDir });

  return {
    rtmpPort: rtmp.port,
    liveDir,
    lessons,
    keys,
    async close() {
      keys.close();
      await rtmp.close();
      await Promise.all(sessions);
      await lessons.endAll();
    },
  };
}
