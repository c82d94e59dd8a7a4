// At start-up, the lessons a previous process of this node was carrying when it died. Each one
// whose folder says what it was (its manifest) is continued: the packager is rebuilt from the
// folder, what the dead run's ffmpeg finished but nobody published is recovered, and the lesson
// waits for its classroom for what is left of the grace period, counted from the folder's last
// write. A classroom that publishes in time continues the same lesson and the same recording
// after a discontinuity; otherwise the lesson ends and its recordings become replays as usual.
import { join } from 'node:path';
import type { Logger } from '../core/log.ts';
import { readLessonManifest } from '../packager/lesson-manifest.ts';
import { createLessonPackager, readPackagedLesson } from '../packager/lesson-packager.ts';
import { segmentSecondsFor } from '../transcode/ladder.ts';
import type { CatalogPort } from './catalog-port.ts';
import type { LessonRegistry } from './lessons.ts';

export type OrphanOptions = {
  catalog: Pick<CatalogPort, 'orphanedLessons'>;
  node: string;
  liveDir: string;
  lessons: LessonRegistry;
  graceSeconds: number;
  audioKbps: number;
  windowSize: number;
  log: Logger;
  /** Ends a lesson that cannot be continued (and makes its recordings into replays). */
  endLesson(lessonId: string): Promise<void>;
};

export async function continueOrphanedLessons(options: OrphanOptions): Promise<void> {
  const { log } = options;
  for (const orphan of await options.catalog.orphanedLessons(options.node)) {
    const lessonDir = join(options.liveDir, orphan.id);
    const lessonLog = log.child({ lesson: orphan.id, classroom: orphan.classroomId });
    try {
      const manifest = await readLessonManifest(lessonDir);
      if (!manifest) {
        lessonLog.warn('lesson ended: this node stopped while carrying it, before it had media');
        await options.endLesson(orphan.id);
        continue;
      }
      const restored = await readPackagedLesson(lessonDir, [...manifest.ladder, manifest.source]);
      const segmentSeconds = segmentSecondsFor[orphan.latencyMode];
      const packager = createLessonPackager({
        lessonDir,
        ladder: manifest.ladder,
        source: manifest.source,
        hasAudio: manifest.hasAudio,
        audioKbps: options.audioKbps,
        segmentSeconds,
        windowSize: options.windowSize,
        log: lessonLog,
        restored,
      });
      let recovered = 0;
      for (const run of restored.leftoverRuns) recovered += await packager.recoverRun(run);
      const lastWriteAt = restored.lastWriteAt || Date.now();
      const graceMs = options.graceSeconds * 1000 - (Date.now() - lastWriteAt);
      options.lessons.adopt(
        orphan.classroomId,
        { id: orphan.id, title: orphan.title, latencyMode: orphan.latencyMode, segmentSeconds, protected: orphan.visibility !== 'public' },
        // At least one run: the lesson went live, so its next run is a reconnect, not its first.
        { startedAt: orphan.wentLiveAt?.getTime() ?? lastWriteAt, runs: Math.max(1, restored.lastRun), format: manifest, packager },
        graceMs,
      );
      lessonLog.warn('lesson interrupted by a restart of this node; waiting for its classroom', {
        segments: packager.segmentCount(),
        recoveredSegments: recovered,
        graceSecondsLeft: Math.max(0, Math.round(graceMs / 1000)),
      });
    } catch (error) {
      lessonLog.error('lesson ended: its folder could not be read back after a restart', { error });
      await options.endLesson(orphan.id);
    }
  }
}
