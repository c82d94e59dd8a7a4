// The catalog's side of the ingest's port (services/ingest/catalog-port.ts): each question the
// ingest asks, answered from the database by the functions beside this file. The roles build it
// once per ingest (services/roles/ingest.ts). A refusal the catalog makes on purpose becomes the
// ingest's own PublishRefusal, so the ingest never needs the catalog's error classes.
import { PublishRefusal, type CatalogPort } from '../../ingest/catalog-port.ts';
import type { Database } from '../db/database.ts';
import { admitClassroom } from './classroom-assignment.ts';
import { disconnectNodeEncoders, reportEncoder } from './encoder-status.ts';
import { ensureClassrooms } from './ensure-classrooms.ts';
import { openKeyDirectory } from './key-directory.ts';
import { endRequestedAmong } from './lesson-end-requests.ts';
import {
  abandonLesson,
  endLessonHere,
  lessonForPublish,
  markLive,
  markTakenOver,
  orphanedLessons,
  PublishRefusal as CatalogRefusal,
  takeOverLesson,
} from './lesson-lifecycle.ts';
import { finishRecordings, openDefaultRecording } from './recording-lifecycle.ts';

export function ingestCatalogPort(db: Database): CatalogPort {
  return {
    ensureClassrooms: (classrooms, log) => ensureClassrooms(db, classrooms, log),
    openKeyDirectory: (options) => openKeyDirectory(db, options),
    admitClassroom: (classroomId, node, downSeconds) => admitClassroom(db, classroomId, node, downSeconds),
    takeOverLesson: (classroomId, node, options) => takeOverLesson(db, classroomId, node, options),
    lessonForPublish: (classroomId, now, earlyMinutes, adHoc) =>
      lessonForPublish(db, classroomId, now, earlyMinutes, adHoc).catch((error: unknown) => {
        throw error instanceof CatalogRefusal ? new PublishRefusal(error.message) : error;
      }),
    markLive: (lessonId, node) => markLive(db, lessonId, node),
    markTakenOver: (lessonId, node) => markTakenOver(db, lessonId, node),
    endLessonHere: (lessonId, node) => endLessonHere(db, lessonId, node),
    abandonLesson: (lessonId) => abandonLesson(db, lessonId),
    openDefaultRecording: async (lessonId, mediaFrom) => {
      await openDefaultRecording(db, lessonId, mediaFrom);
    },
    finishRecordings: (options) => finishRecordings(db, options),
    reportEncoder: (facts, sample, log) => reportEncoder(db, facts, sample, log),
    disconnectNodeEncoders: (node) => disconnectNodeEncoders(db, node),
    endRequestedAmong: (lessonIds) => endRequestedAmong(db, lessonIds),
    orphanedLessons: (node) => orphanedLessons(db, node),
  };
}
