// A classroom's lessons on the school page: the live and next ones, a live one with its "End lesson
// now" button (confirmed first: the encoder is cut off, and the lesson cannot be continued), and the
// ones that ended, each linked to its replay. Its words are the catalogs' `school.*` keys; the
// confirmation's end time is written in the province's time zone.
import type { TimetableLesson } from '../shared/catalog-types.ts';
import { api } from '../shared/api-client.ts';
import { FormError, useSubmit } from '../shared/forms.tsx';
import { lessonTimeRange } from '../shared/lesson-times.ts';
import { lessonTitle } from '../shared/lesson-title.ts';
import { t } from '../i18n/i18n.ts';

/** Ended lessons listed per classroom, newest first. */
const endedShown = 3;

type Props = { lessons: TimetableLesson[]; onChanged(): void };

export function ClassroomLessons({ lessons, onChanged }: Props) {
  const now = new Date();
  const next = lessons.filter((lesson) => lesson.state !== 'ended').slice(0, 5);
  const ended = lessons
    .filter((lesson) => lesson.state === 'ended')
    .sort((a, b) => (b.endedAt ?? b.startsAt).localeCompare(a.endedAt ?? a.startsAt))
    .slice(0, endedShown);
  return (
    <>
      <h3>{t('school.nextLessons')}</h3>
      {next.length === 0 ? (
        <p class="empty">{t('school.noLessons')}</p>
      ) : (
        <ul class="plain-list">
          {next.map((lesson) => (
            <li key={lesson.id} data-lesson={lesson.id}>
              <a href={lesson.watchUrl}>{lessonTitle(lesson)}</a> <span class="muted">{lessonTimeRange(lesson.startsAt, lesson.endsAt, now)}</span>
              {lesson.state === 'live' && <span class="badge badge-live">{t('lesson.live')}</span>}
              {lesson.state === 'live' && <EndLessonButton lesson={lesson} onEnded={onChanged} />}
            </li>
          ))}
        </ul>
      )}
      {ended.length > 0 && (
        <>
          <h3>{t('school.endedLessons')}</h3>
          <ul class="plain-list">
            {ended.map((lesson) => (
              <li key={lesson.id} data-lesson={lesson.id} data-state="ended">
                <EndedLesson lesson={lesson} now={now} />
              </li>
            ))}
          </ul>
        </>
      )}
    </>
  );
}

function EndedLesson({ lesson, now }: { lesson: TimetableLesson; now: Date }) {
  const replay = lesson.replays[0];
  return (
    <>
      {replay ? <a href={replay.replayUrl}>{lessonTitle(lesson)}</a> : lessonTitle(lesson)} <span class="muted">{lessonTimeRange(lesson.startsAt, lesson.endedAt ?? lesson.endsAt, now)}</span>
      <span class="badge badge-ended">{t('lesson.ended')}</span>{' '}
      {replay ? (
        <a class="lesson-replay" href={replay.replayUrl}>
          {t('school.replay')}
        </a>
      ) : (
        <span class="muted">{lesson.recordEffective ? t('school.replayPending') : t('school.notRecorded')}</span>
      )}
    </>
  );
}

function EndLessonButton({ lesson, onEnded }: { lesson: TimetableLesson; onEnded(): void }) {
  const submit = useSubmit();
  // Asked already (its ingest node is finishing it): no second request.
  if (lesson.endRequestedAt) return <span class="muted lesson-ending">{t('school.ending')}</span>;
  // A scheduled lesson holds its classroom until its scheduled end; an ad-hoc one for a few minutes.
  const until = lesson.endsAt && !lesson.adHoc ? new Date(lesson.endsAt) : undefined;
  const end = () => {
    if (!confirm(t('school.confirmEnd', { title: lessonTitle(lesson), scheduled: until ? 'yes' : 'no', until }))) return;
    void submit.run(async () => {
      await api.post(`/lessons/${encodeURIComponent(lesson.id)}/end`, {});
      onEnded();
    });
  };
  return (
    <>
      {' '}
      <button type="button" class="button button-quiet button-danger" data-end-lesson disabled={submit.busy} onClick={end}>
        {submit.busy ? t('school.ending') : t('school.endNow')}
      </button>
      <FormError message={submit.error} />
    </>
  );
}
