// How a lesson is titled on a page. An unscheduled (ad-hoc) lesson's stored title is made by the
// ingest in English ("Room 1 (unscheduled)"); a page names it from its classroom in its own language
// instead, so a Chinese page never reads "高一(1)班 (unscheduled)". Pure.
import { t } from '../i18n/i18n.ts';
import type { Lesson } from './catalog-types.ts';

export function lessonTitle(lesson: Pick<Lesson, 'title' | 'adHoc' | 'classroomName'>): string {
  return lesson.adHoc && lesson.classroomName ? t('lesson.adHoc', { classroom: lesson.classroomName }) : lesson.title;
}
