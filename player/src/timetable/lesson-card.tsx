// One lesson on the timetable: live ones with a LIVE badge, their poster and viewer count
// (live-extras.tsx), coming ones with their start, both linking to the watch page; ended ones with
// when they really ran (went live, ended: the catalog's lesson row, not the schedule) and their
// replay (watch it, get its MP4) once a recording is ready, greyed and not a link while they have none.
import type { TimetableLesson } from '../../../services/catalog/queries/timetable.ts';
import { t } from '../i18n/i18n.ts';
import { gradeLabel } from '../shared/grade-label.ts';
import { lessonTitle } from '../shared/lesson-title.ts';
import { lessonTimeRange, relativeTime } from '../shared/lesson-times.ts';
import { ReplayActions } from './replay-actions.tsx';
import { LessonPoster, ViewerCount } from './live-extras.tsx';

export function LessonCard({ lesson, now }: { lesson: TimetableLesson; now: Date }) {
  const course = [lesson.subject, lesson.grade && gradeLabel(lesson.grade), lesson.teacherName].filter(Boolean).join(' · ');
  const place = [lesson.schoolName, lesson.cityName, lesson.classroomName].filter(Boolean).join(' · ');
  const scheduled = lessonTimeRange(lesson.startsAt, lesson.endsAt, now);
  // An ended lesson says when it really ran; the schedule stays in its tooltip.
  const ran = lesson.state === 'ended' && lesson.wentLiveAt ? t('lesson.ran', { range: lessonTimeRange(lesson.wentLiveAt, lesson.endedAt, now) }) : null;
  const live = lesson.state === 'live';
  const body = (
    <>
      {live && <LessonPoster lessonId={lesson.id} />}
      <span class="lesson-card-top">
        <StateBadge lesson={lesson} now={now} />
        {ran ? (
          <span class="lesson-when" data-when="ran" title={t('lesson.scheduledWas', { range: scheduled })}>
            {ran}
          </span>
        ) : (
          <span class="lesson-when" data-when="scheduled">
            {scheduled}
          </span>
        )}
        {live && <ViewerCount lessonId={lesson.id} />}
      </span>
      <span class="lesson-title">{lessonTitle(lesson)}</span>
      {course && <span class="lesson-detail">{course}</span>}
      {place && <span class="lesson-detail">{place}</span>}
    </>
  );
  if (lesson.state === 'ended' && lesson.replays.length > 0) {
    return (
      <div class="lesson-card" data-lesson={lesson.id} data-state="ended">
        {body}
        <ReplayActions replays={lesson.replays} />
      </div>
    );
  }
  if (lesson.state === 'ended') {
    return (
      <div class="lesson-card lesson-card-ended" data-lesson={lesson.id} data-state="ended" aria-disabled="true">
        {body}
      </div>
    );
  }
  return (
    <a class={`lesson-card lesson-card-${lesson.state}`} href={lesson.watchUrl} data-lesson={lesson.id} data-state={lesson.state}>
      {body}
    </a>
  );
}

function StateBadge({ lesson, now }: { lesson: TimetableLesson; now: Date }) {
  if (lesson.state === 'live') return <span class="badge badge-live">{t('lesson.live')}</span>;
  if (lesson.state === 'ended') return <span class="badge badge-ended">{t('lesson.ended')}</span>;
  const startsAt = new Date(lesson.startsAt);
  const when = relativeTime(startsAt, now);
  // A lesson past its start that is not live yet is late, not "starting 5 min ago".
  return <span class="badge badge-scheduled">{startsAt.getTime() < now.getTime() - 60_000 ? t('lesson.late', { when }) : t('lesson.starts', { when })}</span>;
}
