// The province ingest tier: RTMP in, a lesson per classroom publish, HLS on disk under the data
// directory. Composes the parts; the behaviour lives in the files it imports.
import { join, resolve } from 'node:path';
import type { Config } from '../core/config/schema.ts';
import { findMediaTool } from '../core/ffmpeg-binary.ts';
import type { Logger } from '../core/log.ts';
import { createClassroomKeys, type ClassroomKeys } from './classroom-keys.ts';
import { createLessonRegistry, type LessonRegistry } from './lessons.ts';
import { runPublishSession } from './publish-session.ts';
import { startRtmpServer } from './rtmp-server.ts';

export type Ingest = {
  rtmpPort: number;
  /** Where lessons' HLS files are written: `<dataDir>/live`. */
  liveDir: string;
  lessons: LessonRegistry;
  classrooms: ClassroomKeys;
  close(): Promise<void>;
};

export async function startIngest(config: Config, log: Logger): Promise<Ingest> {
  const ffmpegPath = findMediaTool('ffmpeg', config.ffmpegPath);
  const liveDir = join(resolve(config.dataDir), 'live');
  const classrooms = createClassroomKeys(config.classrooms);
  const lessons = createLessonRegistry({ liveDir, graceSeconds: config.ingest.reconnectGraceSeconds, log });
  const sessions = new Set<Promise<void>>();

  const rtmp = await startRtmpServer({
    host: config.rtmp.host,
    port: config.rtmp.port,
    log,
    authorize: ({ streamKey }) =>
      classrooms.classroomFor(streamKey) ? { accept: true } : { accept: false, reason: 'unknown stream key' },
    onPublish: (publisher) => {
      const classroomId = classrooms.classroomFor(publisher.streamKey)!;
      const session = runPublishSession(publisher, classroomId, { config, lessons, ffmpegPath, log });
      sessions.add(session);
      void session.finally(() => sessions.delete(session));
    },
  });
  log.info('ingest ready', { rtmpPort: rtmp.port, ffmpeg: ffmpegPath, liveDir });

  return {
    rtmpPort: rtmp.port,
    liveDir,
    lessons,
    classrooms,
    async close() {
      await rtmp.close();
      await Promise.all(sessions);
      await lessons.endAll();
    },
  };
}
