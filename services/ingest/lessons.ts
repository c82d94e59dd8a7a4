// The lessons this ingest node is carrying. A classroom's publish opens a lesson (which one the
// catalog decides); when its encoder drops, the lesson waits out the reconnect grace period, and a
// publish from the same classroom within it continues the same lesson. After the grace period the
// lesson ends for good; "End lesson now" ends it at once (endNow). The catalog hears when a lesson
// first goes live, when it ends, and when a publish that took it produced nothing (lifecycle hooks).
// Called LiveLesson, not Lesson: the catalog's Lesson is the lesson's record; this is one node's
// carrying of it, with the parts (format, packager, encoders) that exist only while it is carried.
import { join } from 'node:path';
import type { LatencyMode } from '../core/config/schema.ts';
import type { Logger } from '../core/log.ts';
import type { LessonManifest } from '../packager/lesson-manifest.ts';
import type { LessonPackager } from '../packager/lesson-packager.ts';
import type { LessonPictures } from '../pictures/lesson-pictures.ts';
import type { LessonRenditions } from './lesson-renditions.ts';

export type LessonState = 'starting' | 'live' | 'reconnecting' | 'ended';

/**
 * What a lesson is published as (its ladder, the source copy's track that is its recording, whether
 * it has audio), fixed by its first run's source so every later run fills the same playlists: the
 * same fields its folder's manifest keeps for a restart (lesson-manifest.ts).
 */
export type LessonFormat = LessonManifest;

/** The encoders of the runs this process carries for a lesson, made together by the first of them. */
export type LessonEncoders = {
  /** The ladder's encoders (lesson-renditions.ts); they may still be finishing after a run has ended. */
  renditions: LessonRenditions;
  /** Its poster and seek-bar thumbnails (services/pictures/lesson-pictures.ts), made beside it at low priority. */
  pictures: LessonPictures;
};

export type LiveLesson = {
  id: string;
  title: string;
  classroomId: string;
  latencyMode: LatencyMode;
  segmentSeconds: number;
  /** Not public in the catalog (school or protected): its files need a playback token (playback-guard.ts). */
  protected: boolean;
  dir: string;
  state: LessonState;
  startedAt: number;
  endedAt?: number;
  /** Wall-clock time the first media this node carried for the lesson arrived (its first keyframe): its recording starts there. */
  mediaStartedAt?: number;
  /** Encoder runs after the first (reconnects, switches) and rendition ffmpegs started again after dying or freezing. */
  restarts: number;
  /** Run numbers taken so far: every ffmpeg of the lesson (source copy or rendition) takes its own. */
  runs: number;
  /** Run numbers taken before this node carried the lesson (a takeover: takeover-numbering.ts); 0 otherwise. */
  runsBefore: number;
  /** The sequence number of this node's first segment when it took the lesson over from a node that went down. */
  firstSequence?: number;
  /**
   * Set at once with `packager`, by its first run's source or read back from its folder after a
   * restart; kept after it ends (the replay has the same renditions). Undefined before its first keyframe.
   */
  format?: LessonFormat;
  /** Its playlists while this node carries it, made with `format`; dropped when it ends (the segment list is on disk). */
  packager?: LessonPackager;
  /** Made by the first run this process carries (a lesson adopted after a restart has none until its classroom is back); dropped when it ends. */
  encoders?: LessonEncoders;
  /** Settles when the current run's source copy has finished; the next run waits for it. */
  idle: Promise<void>;
  /** The catalog writes about this lesson, in order; ending waits for them. */
  catalogWrites: Promise<void>;
};

/** What the catalog gave a publish: the lesson to carry. */
export type LessonPlan = {
  id: string;
  title: string;
  latencyMode: LatencyMode;
  segmentSeconds: number;
  /** Read once, when the lesson opens: the origin then checks tokens without asking the catalog. Default false. */
  protected?: boolean;
  /** Set when this node continues a lesson from a node that went down: where its numbering starts. */
  takeover?: { firstSequence: number; runsBefore: number };
};

/** What an adopted lesson brings from its folder: the runs so far, its format and the restored packager. */
export type AdoptedLesson = { startedAt: number; runs: number; format: LessonFormat; packager: LessonPackager };

/** Where the registry reports a lesson's life (the catalog); each hook's failure is logged, not thrown. */
export type LessonLifecycle = {
  live(lesson: LiveLesson): Promise<void>;
  ended(lesson: LiveLesson): Promise<void>;
  abandoned(lesson: LiveLesson): Promise<void>;
};

export type LessonRegistry = {
  /** The classroom's lesson waiting in its grace period, now continuing; undefined if there is none. */
  resume(classroomId: string): LiveLesson | undefined;
  /** A new lesson for a publish from this classroom. */
  open(classroomId: string, plan: LessonPlan): LiveLesson;
  /**
   * A lesson a previous process of this node was carrying when it died, continued from its folder:
   * it waits for its classroom's encoder as after a drop, for `graceMs` (what is left of the grace
   * period since the folder was last written), then ends.
   */
  adopt(classroomId: string, plan: LessonPlan, carried: AdoptedLesson, graceMs: number): LiveLesson;
  /** A new encoder run of the lesson starts (first publish, reconnect or transcoder restart); returns its number. */
  beginRun(lesson: LiveLesson): number;
  /** The lesson's encoder is gone: start the grace period. */
  release(lesson: LiveLesson): void;
  /**
   * Ends the lesson now, without a grace period ("End lesson now"): once its run has finished (the
   * caller cuts its encoders off), its playlists are closed and the catalog told, as after a grace period.
   */
  endNow(lesson: LiveLesson): Promise<void>;
  get(id: string): LiveLesson | undefined;
  list(): LiveLesson[];
  /** Ends every lesson now (shutdown). */
  endAll(): Promise<void>;
};

const maxEndedLessonsKept = 200;

export type LessonRegistryOptions = { liveDir: string; graceSeconds: number; log: Logger; lifecycle?: LessonLifecycle };

export function createLessonRegistry(options: LessonRegistryOptions): LessonRegistry {
  const lessons = new Map<string, LiveLesson>();
  const graceTimers = new Map<string, NodeJS.Timeout>();
  /** Catalog writes of lessons no longer in the map; shutdown waits for them too. */
  const forgotten = new Set<Promise<void>>();

  const tellCatalog = (lesson: LiveLesson, hook: keyof LessonLifecycle) => {
    const lifecycle = options.lifecycle;
    if (!lifecycle) return;
    lesson.catalogWrites = lesson.catalogWrites
      .then(() => lifecycle[hook](lesson))
      .catch((error: unknown) => options.log.error('lesson state not written to the catalog', { lesson: lesson.id, state: hook, error }));
  };

  // The catalog keeps lesson history; this node remembers its most recent ended lessons for /live's
  // cache headers and its own lesson list.
  const forgetOldestEnded = () => {
    const ended = [...lessons.values()].filter((lesson) => lesson.state === 'ended');
    for (const lesson of ended.slice(0, Math.max(0, ended.length - maxEndedLessonsKept))) lessons.delete(lesson.id);
  };

  /** Ends in progress, so shutdown waits for one the grace timer started. */
  const endings = new Map<LiveLesson, Promise<void>>();
  const end = (lesson: LiveLesson): Promise<void> => {
    const ending = endings.get(lesson);
    if (ending) return ending;
    if (lesson.state === 'ended') return Promise.resolve();
    const started = finish(lesson).finally(() => endings.delete(lesson));
    endings.set(lesson, started);
    return started;
  };
  const finish = async (lesson: LiveLesson) => {
    graceTimers.delete(lesson.id);
    lesson.endedAt = Date.now();
    await lesson.idle;
    // Every rendition has written what it held: a slow encoder's backlog is part of the lesson.
    await lesson.encoders?.renditions.settled();
    // The last thumbnails, so a replay written from the lesson has them all.
    await lesson.encoders?.pictures.finish();
    // An unwritable disk must not keep the lesson from ending: its playlists stay as they were.
    await lesson.packager?.end().catch((error: unknown) => options.log.error('lesson playlists not marked complete', { lesson: lesson.id, error }));
    // Called ended only once its playlists say so (#EXT-X-ENDLIST): whoever sees the state can
    // rely on the files. While ending, `endings` keeps a publish from resuming it.
    lesson.state = 'ended';
    lesson.packager?.close();
    // The segment list is on disk now; an ended lesson keeps only its summary in memory.
    delete lesson.packager;
    delete lesson.encoders;
    tellCatalog(lesson, 'ended');
    await lesson.catalogWrites;
    forgetOldestEnded();
    options.log.info('lesson ended', { lesson: lesson.id, classroom: lesson.classroomId, runs: lesson.runs });
  };

  /** A lesson this node now carries, opened fresh or adopted after a restart. */
  const add = (classroomId: string, plan: LessonPlan, start: Pick<LiveLesson, 'state' | 'startedAt' | 'runs'> & Partial<AdoptedLesson>): LiveLesson => {
    // An ended lesson is only remembered; it comes back when this node takes it over again.
    const known = lessons.get(plan.id);
    if (known && known.state !== 'ended') throw new Error(`lesson ${plan.id} is already open on this node`);
    const lesson: LiveLesson = {
      id: plan.id,
      title: plan.title,
      classroomId,
      latencyMode: plan.latencyMode,
      segmentSeconds: plan.segmentSeconds,
      protected: plan.protected ?? false,
      dir: join(options.liveDir, plan.id),
      runsBefore: plan.takeover?.runsBefore ?? 0,
      ...(plan.takeover ? { firstSequence: plan.takeover.firstSequence } : {}),
      ...start,
      restarts: 0,
      idle: Promise.resolve(),
      catalogWrites: Promise.resolve(),
    };
    lessons.set(plan.id, lesson);
    return lesson;
  };

  return {
    resume(classroomId) {
      const waiting = [...lessons.values()].find((lesson) => lesson.classroomId === classroomId && lesson.state === 'reconnecting' && !endings.has(lesson));
      if (!waiting) return undefined;
      clearTimeout(graceTimers.get(waiting.id));
      graceTimers.delete(waiting.id);
      waiting.state = 'live';
      options.log.info('lesson continues', { lesson: waiting.id, classroom: classroomId });
      return waiting;
    },
    open(classroomId, plan) {
      const lesson = add(classroomId, plan, { state: 'starting', startedAt: Date.now(), runs: plan.takeover?.runsBefore ?? 0 });
      options.log.info('lesson opened', { lesson: plan.id, classroom: classroomId, latencyMode: plan.latencyMode });
      return lesson;
    },
    adopt(classroomId, plan, carried, graceMs) {
      const lesson = add(classroomId, plan, { state: 'reconnecting', ...carried });
      graceTimers.set(lesson.id, setTimeout(() => void end(lesson), Math.max(0, graceMs)));
      options.log.info('lesson adopted after a restart', { lesson: plan.id, classroom: classroomId, runs: carried.runs, graceSeconds: Math.round(Math.max(0, graceMs) / 1000) });
      return lesson;
    },
    beginRun(lesson) {
      lesson.state = 'live';
      const run = ++lesson.runs;
      if (run === lesson.runsBefore + 1) tellCatalog(lesson, 'live');
      return run;
    },
    release(lesson) {
      if (lesson.state === 'ended' || endings.has(lesson)) return;
      // A publish that never produced media (no keyframe, wrong codec) leaves no lesson behind.
      if (lesson.runs === lesson.runsBefore) {
        lessons.delete(lesson.id);
        tellCatalog(lesson, 'abandoned');
        const writes = lesson.catalogWrites;
        forgotten.add(writes);
        void writes.then(() => forgotten.delete(writes));
        return;
      }
      lesson.state = 'reconnecting';
      clearTimeout(graceTimers.get(lesson.id));
      graceTimers.set(lesson.id, setTimeout(() => void end(lesson), options.graceSeconds * 1000));
    },
    endNow(lesson) {
      clearTimeout(graceTimers.get(lesson.id));
      return end(lesson);
    },
    get: (id) => lessons.get(id),
    list: () => [...lessons.values()],
    async endAll() {
      for (const timer of graceTimers.values()) clearTimeout(timer);
      await Promise.all([...lessons.values()].map(end));
      await Promise.all(forgotten);
    },
  };
}
