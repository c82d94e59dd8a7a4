// One lesson on the timetable: live ones with a LIVE badge, coming ones with their start, both
// linking to the watch page; ended ones greyed and not a link (replays are not served yet).
import type { Lesson } from '../shared/catalog-types.ts';
import { lessonTimeRange, relativeTime } from '../shared/lesson-times.ts';

export function LessonCard({ lesson, now }: { lesson: Lesson; now: Date }) {
  const course = [lesson.subject, lesson.grade && `grade ${lesson.grade}`, lesson.teacherName].filter(Boolean).join(' · ');
  const place = [lesson.schoolName, lesson.cityName, lesson.classroomName].filter(Boolean).join(' · ');
  const body = (
    <>
      <span class="lesson-card-top">
        <StateBadge lesson={lesson} now={now} />
        <span class="lesson-when">{lessonTimeRange(lesson.startsAt, lesson.endsAt, now)}</span>
      </span>
      <span class="lesson-title">{lesson.title}</span>
      {course && <span class="lesson-detail">{course}</span>}
      {place && <span class="lesson-detail">{place}</span>}
    </>
  );
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

function StateBadge({ lesson, now }: { lesson: Lesson; now: Date }) {
  if (lesson.state === 'live') return <span class="badge badge-live">Live</span>;
  if (lesson.state === 'ended') return <span class="badge badge-ended">Ended</span>;
  return <span class="badge badge-scheduled">{`Starts ${relativeTime(new Date(lesson.startsAt), now)}`}</span>;
}
