// GET /api/v1/ingest/lessons?state=live|ended|all: the lessons this ingest node carries, with the
// URL to play each and the renditions it publishes. Node-local (no catalog): the catalog's
// /api/v1/lessons is the province-wide list; this one shows what one node is doing right now.
import { Router } from 'express';
import type { Lesson } from '../ingest/lessons.ts';
import { sendError } from '../core/http-errors.ts';

const states = ['live', 'ended', 'all'] as const;
export const ingestLessonsPath = '/api/v1/ingest/lessons';

export type LessonSummary = {
  id: string;
  title: string;
  classroomId: string;
  state: Lesson['state'];
  latencyMode: Lesson['latencyMode'];
  startedAt: string;
  endedAt: string | null;
  renditions: string[];
  masterUrl: string;
  watchUrl: string;
};

export function summarizeLesson(lesson: Lesson): LessonSummary {
  return {
    id: lesson.id,
    title: lesson.title,
    classroomId: lesson.classroomId,
    state: lesson.state,
    latencyMode: lesson.latencyMode,
    startedAt: new Date(lesson.startedAt).toISOString(),
    endedAt: lesson.endedAt ? new Date(lesson.endedAt).toISOString() : null,
    renditions: lesson.ladder?.map((rendition) => rendition.name) ?? [],
    masterUrl: `/live/${lesson.id}/master.m3u8`,
    watchUrl: `/watch/${lesson.id}`,
  };
}

export function lessonsApi(listLessons: () => Lesson[]): Router {
  const router = Router();
  router.get(ingestLessonsPath, (request, response) => {
    const state = request.query.state ?? 'all';
    if (typeof state !== 'string' || !(states as readonly string[]).includes(state)) {
      return sendError(response, 400, `state must be one of ${states.join(', ')}`, `for example ${ingestLessonsPath}?state=live`);
    }
    // A lesson waiting for its encoder to come back is still live for viewers.
    const matches = (lesson: Lesson) =>
      state === 'all' || (state === 'ended' ? lesson.state === 'ended' : lesson.state === 'live' || lesson.state === 'reconnecting');
    const lessons = listLessons().filter(matches).sort((a, b) => b.startedAt - a.startedAt);
    response.set('Cache-Control', 'public, max-age=1').json({ lessons: lessons.map(summarizeLesson) });
  });
  return router;
}
