// The live classroom, one line per live lesson: its questions (and how many are still open), its
// comments, posts in the last five minutes, hidden items and muted authors, with a link to the
// lesson's teacher console (services/stats/dashboard-classroom.ts).
import type { ClassroomFigures } from '../../../services/stats/dashboard-classroom.ts';
import { t } from '../i18n/i18n.ts';
import { count } from './dashboard-format.ts';

export function ClassroomTable({ lessons }: { lessons: ClassroomFigures[] }) {
  if (lessons.length === 0) return <p class="muted">{t('dashboard.classroomNone')}</p>;
  return (
    <div class="table-scroll">
      <table class="data-table classroom-table">
        <thead>
          <tr>
            <th>{t('dashboard.classroomLesson')}</th>
            <th>{t('dashboard.classroomQuestions')}</th>
            <th>{t('dashboard.classroomOpen')}</th>
            <th>{t('dashboard.classroomComments')}</th>
            <th>{t('dashboard.classroomRecent')}</th>
            <th>{t('dashboard.classroomHidden')}</th>
            <th>{t('dashboard.classroomMuted')}</th>
          </tr>
        </thead>
        <tbody>
          {lessons.map((lesson) => (
            <tr key={lesson.lessonId} data-classroom-lesson={lesson.lessonId}>
              <td>
                <a href={`/teach/${encodeURIComponent(lesson.lessonId)}`}>{lesson.title}</a>
              </td>
              <td data-cell="questions">{count(lesson.questions)}</td>
              <td data-cell="open">{count(lesson.openQuestions)}</td>
              <td data-cell="comments">{count(lesson.comments)}</td>
              <td data-cell="recent">{count(lesson.recentPosts)}</td>
              <td data-cell="hidden">{count(lesson.hidden)}</td>
              <td data-cell="muted">{count(lesson.muted)}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}
