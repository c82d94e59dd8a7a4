// The lessons this ingest node is carrying. A classroom's publish opens a lesson; when its encoder
// drops, the lesson waits out the reconnect grace period, and a publish from the same classroom
// within it continues the same lesson. After the grace period the lesson ends for good.
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import type { LatencyMode } from '../core/config/schema.ts';
import type { Logger } from '../core/log.ts';
import type { LessonPackager } from '../packager/lesson-packager.ts';
import type { Rendition } from '../transcode/ladder.ts';

export type LessonState = 'starting' | 'live' | 'reconnecting' | 'ended';

export type Lesson = {
  id: string;
  classroomId: string;
  latencyMode: LatencyMode;
  segmentSeconds: number;
  dir: string;
  state: LessonState;
  startedAt: number;
  endedAt?: number;
  /** Encoder runs so far; each reconnect or transcoder restart starts a new one. */
  runs: number;
  /** Fixed by the first run, so every run fills the same playlists. */
  ladder?: Rendition[];
  hasAudio?: boolean;
  packager?: LessonPackager;
  /** Settles when the current run has fully finished; the next run waits for it. */
  idle: Promise<void>;
};

export type LessonRegistry = {
  /** The lesson a publish from this classroom belongs to: the one in its grace period, or a new one. */
  open(classroomId: string, latencyMode: LatencyMode, segmentSeconds: number): Lesson;
  /** The lesson's encoder is gone: start the grace period. */
  release(lesson: Lesson): void;
  get(id: string): Lesson | undefined;
  list(): Lesson[];
  /** Ends every lesson now (shutdown). */
  endAll(): Promise<void>;
};

const maxEndedLessonsKept = 200;

export function createLessonRegistry(options: { liveDir: string; graceSeconds: number; log: Logger }): LessonRegistry {
  const lessons = new Map<string, Lesson>();
  const graceTimers = new Map<string, NodeJS.Timeout>();

  // Until the catalog keeps lesson history, this node remembers the most recent ended lessons only.
  const forgetOldestEnded = () => {
    const ended = [...lessons.values()].filter((lesson) => lesson.state === 'ended');
    for (const lesson of ended.slice(0, Math.max(0, ended.length - maxEndedLessonsKept))) lessons.delete(lesson.id);
  };

  const end = async (lesson: Lesson) => {
    graceTimers.delete(lesson.id);
    if (lesson.state === 'ended') return;
    lesson.state = 'ended';
    lesson.endedAt = Date.now();
    await lesson.idle;
    await lesson.packager?.end();
    lesson.packager?.close();
    // The segment list is on disk now; an ended lesson keeps only its summary in memory.
    delete lesson.packager;
    forgetOldestEnded();
    options.log.info('lesson ended', { lesson: lesson.id, classroom: lesson.classroomId, runs: lesson.runs });
  };

  return {
    open(classroomId, latencyMode, segmentSeconds) {
      const waiting = [...lessons.values()].find((lesson) => lesson.classroomId === classroomId && lesson.state === 'reconnecting');
      if (waiting) {
        clearTimeout(graceTimers.get(waiting.id));
        graceTimers.delete(waiting.id);
        waiting.state = 'live';
        options.log.info('lesson continues', { lesson: waiting.id, classroom: classroomId });
        return waiting;
      }
      const id = newLessonId(classroomId, (candidate) => lessons.has(candidate) || existsSync(join(options.liveDir, candidate)));
      const lesson: Lesson = {
        id,
        classroomId,
        latencyMode,
        segmentSeconds,
        dir: join(options.liveDir, id),
        state: 'starting',
        startedAt: Date.now(),
        runs: 0,
        idle: Promise.resolve(),
      };
      lessons.set(id, lesson);
      options.log.info('lesson opened', { lesson: id, classroom: classroomId, latencyMode });
      return lesson;
    },
    release(lesson) {
      if (lesson.state === 'ended') return;
      // A publish that never produced media (no keyframe, wrong codec) leaves no lesson behind.
      if (lesson.runs === 0) {
        lessons.delete(lesson.id);
        return;
      }
      lesson.state = 'reconnecting';
      clearTimeout(graceTimers.get(lesson.id));
      graceTimers.set(lesson.id, setTimeout(() => void end(lesson), options.graceSeconds * 1000));
    },
    get: (id) => lessons.get(id),
    list: () => [...lessons.values()],
    async endAll() {
      for (const timer of graceTimers.values()) clearTimeout(timer);
      await Promise.all([...lessons.values()].map(end));
    },
  };
}

/** `<classroom>-<yyyymmdd>-<hhmmss>` in UTC: readable in logs and URLs, and sorted by time. */
export function newLessonId(classroomId: string, taken: (id: string) => boolean, now = new Date()): string {
  const stamp = now.toISOString().replace(/[-:]/g, '').replace('T', '-').slice(0, 15).toLowerCase();
  const base = `${classroomId}-${stamp}`;
  let id = base;
  for (let suffix = 2; taken(id); suffix++) id = `${base}-${suffix}`;
  return id;
}
