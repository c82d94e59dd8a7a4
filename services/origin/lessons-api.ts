// GET /api/v1/ingest/lessons?state=live|ended|all: the lessons this ingest node carries, with the
// URL to play each and the renditions it publishes. Node-local (no catalog): the catalog's
// /api/v1/lessons is the province-wide list; this one shows what one node is doing right now.
// Lessons that are not public (school or protected visibility) are listed only to a caller the
// node recognises (an operator signed in to the catalog): anyone else would learn their ids and
// titles, and the id is half of what a viewer needs to ask for a token.
import { Router, type Request } from 'express';
import type { LiveLesson } from '../ingest/lessons.ts';
import { sendError } from '../core/http-errors.ts';

const states = ['live', 'ended', 'all'] as const;
export const ingestLessonsPath = '/api/v1/ingest/lessons';

export type LessonSummary = {
  id: string;
  title: string;
  classroomId: string;
  state: LiveLesson['state'];
  latencyMode: LiveLesson['latencyMode'];
  startedAt: string;
  endedAt: string | null;
  renditions: string[];
  masterUrl: string;
  watchUrl: string;
};

export function summarizeLesson(lesson: LiveLesson): LessonSummary {
  return {
    id: lesson.id,
    title: lesson.title,
    classroomId: lesson.classroomId,
    state: lesson.state,
    latencyMode: lesson.latencyMode,
    startedAt: new Date(lesson.startedAt).toISOString(),
    endedAt: lesson.endedAt ? new Date(lesson.endedAt).toISOString() : null,
    renditions: lesson.format?.ladder.map((rendition) => rendition.name) ?? [],
    masterUrl: `/live/${lesson.id}/master.m3u8`,
    watchUrl: `/watch/${lesson.id}`,
  };
}

export type LessonsApiOptions = {
  /** Whether the caller may see lessons that are not public; by default nobody may. */
  seesProtected?: (request: Request) => Promise<boolean>;
};

export function lessonsApi(listLessons: () => LiveLesson[], options: LessonsApiOptions = {}): Router {
  const router = Router();
  router.get(ingestLessonsPath, async (request, response) => {
    const state = request.query.state ?? 'all';
    if (typeof state !== 'string' || !(states as readonly string[]).includes(state)) {
      return sendError(response, 400, `state must be one of ${states.join(', ')}`, `for example ${ingestLessonsPath}?state=live`);
    }
    // A lesson waiting for its encoder to come back is still live for viewers.
    const matches = (lesson: LiveLesson) =>
      state === 'all' || (state === 'ended' ? lesson.state === 'ended' : lesson.state === 'live' || lesson.state === 'reconnecting');
    const seesProtected = (await options.seesProtected?.(request).catch(() => false)) ?? false;
    const visible = (lesson: LiveLesson) => seesProtected || !lesson.protected;
    const lessons = listLessons().filter((lesson) => matches(lesson) && visible(lesson)).sort((a, b) => b.startedAt - a.startedAt);
    // The answer depends on who asks, so a shared cache must not hand one caller's list to another.
    response.set('Cache-Control', seesProtected ? 'private, no-store' : 'public, max-age=1').set('Vary', 'Cookie, Authorization');
    response.json({ lessons: lessons.map(summarizeLesson) });
  });
  return router;
}
