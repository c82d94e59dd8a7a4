// "End lesson now" on this node: every catalog.keyRefreshSeconds, asks the catalog whether someone
// asked to end one of the lessons this node carries (live, or waiting out its reconnect grace), and
// ends each such lesson at once: its classroom's encoders are cut off and the lesson ends without a
// grace period (its last segments written, #EXT-X-ENDLIST, the catalog told, the recording made
// into its replay). A push from the classroom after that is refused for a while by the catalog
// (lesson-lifecycle.ts). Asks nothing while the node carries no lesson.
import type { Logger } from '../core/log.ts';
import type { CatalogPort } from './catalog-port.ts';
import type { LiveLesson, LessonRegistry } from './lessons.ts';

export type LessonEndWatchOptions = {
  catalog: Pick<CatalogPort, 'endRequestedAmong'>;
  lessons: LessonRegistry;
  intervalSeconds: number;
  /** Closes the encoders pushing from this classroom, if any. */
  disconnectClassroom(classroomId: string): void;
  log: Logger;
};

export type LessonEndWatch = { close(): Promise<void> };

export function watchLessonEnds(options: LessonEndWatchOptions): LessonEndWatch {
  const { lessons, log } = options;
  let failing = false;
  /** One poll at a time: a slow catalog must not pile them up. */
  let polling: Promise<void> | undefined;
  /** Lessons already being ended here: a later poll, before they have finished, leaves them be. */
  const ending = new WeakSet<LiveLesson>();
  const poll = async () => {
    const carried = lessons.list().filter((lesson) => lesson.state !== 'ended' && !ending.has(lesson));
    if (carried.length === 0) return;
    const requested = new Set(await options.catalog.endRequestedAmong(carried.map((lesson) => lesson.id)));
    failing = false;
    for (const lesson of carried) {
      if (!requested.has(lesson.id) || lesson.state === 'ended') continue;
      ending.add(lesson);
      log.info('lesson ended now, as asked in the catalog', { lesson: lesson.id, classroom: lesson.classroomId, state: lesson.state });
      // endNow first: once it has begun, the encoders' departure starts no grace period and a quick
      // reconnect cannot resume the lesson.
      const ended = lessons.endNow(lesson);
      options.disconnectClassroom(lesson.classroomId);
      void ended.catch((error: unknown) => log.error('lesson not ended as asked', { lesson: lesson.id, error }));
    }
  };
  const timer = setInterval(() => {
    polling ??= poll()
      .catch((error: unknown) => {
        // Requests wait in the catalog: the next poll that reaches it ends the lesson.
        if (!failing) log.warn('end-lesson requests not read from the catalog; trying again', { error });
        failing = true;
      })
      .finally(() => (polling = undefined));
  }, options.intervalSeconds * 1000);
  timer.unref();
  return {
    async close() {
      clearInterval(timer);
      await polling;
    },
  };
}
