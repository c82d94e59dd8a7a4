// A classroom's lessons on the school page: the live and next ones, a live one with its "End lesson
// now" button (confirmed first: the encoder is cut off, and the lesson cannot be continued), and the
// ones that ended, each linked to its replay. The page's words are in `text`, for the message catalogs.
import type { TimetableLesson } from '../shared/catalog-types.ts';
import { api } from '../shared/api-client.ts';
import { FormError, useSubmit } from '../shared/forms.tsx';
import { lessonTimeRange } from '../shared/lesson-times.ts';

const text = {
  nextLessons: 'Next lessons',
  noLessons: 'No lessons scheduled.',
  live: 'Live',
  endNow: 'End lesson now',
  ending: 'Ending…',
  confirmEnd: (title: string, until: string | null) =>
    `End “${title}” now?\n\nThe encoder is disconnected, viewers see the lesson end, and its recording becomes its replay. ` +
    `An ended lesson cannot be continued: the classroom's encoder is refused ${until ? `until ${until}, the lesson's scheduled end` : 'for a few minutes'}.`,
  ended: 'Ended lessons',
  endedBadge: 'Ended',
  replay: 'Replay',
  replayPending: 'replay being prepared',
  notRecorded: 'not recorded',
};

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
      <h3>{text.nextLessons}</h3>
      {next.length === 0 ? (
        <p class="empty">{text.noLessons}</p>
      ) : (
        <ul class="plain-list">
          {next.map((lesson) => (
            <li key={lesson.id} data-lesson={lesson.id}>
              <a href={lesson.watchUrl}>{lesson.title}</a> <span class="muted">{lessonTimeRange(lesson.startsAt, lesson.endsAt, now)}</span>
              {lesson.state === 'live' && <span class="badge badge-live">{text.live}</span>}
              {lesson.state === 'live' && <EndLessonButton lesson={lesson} onEnded={onChanged} />}
            </li>
          ))}
        </ul>
      )}
      {ended.length > 0 && (
        <>
          <h3>{text.ended}</h3>
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
      {replay ? <a href={replay.replayUrl}>{lesson.title}</a> : lesson.title} <span class="muted">{lessonTimeRange(lesson.startsAt, lesson.endedAt ?? lesson.endsAt, now)}</span>
      <span class="badge badge-ended">{text.endedBadge}</span>{' '}
      {replay ? (
        <a class="lesson-replay" href={replay.replayUrl}>
          {text.replay}
        </a>
      ) : (
        <span class="muted">{lesson.recordEffective ? text.replayPending : text.notRecorded}</span>
      )}
    </>
  );
}

function EndLessonButton({ lesson, onEnded }: { lesson: TimetableLesson; onEnded(): void }) {
  const submit = useSubmit();
  // Asked already (its ingest node is finishing it): no second request.
  if (lesson.endRequestedAt) return <span class="muted lesson-ending">{text.ending}</span>;
  const until = lesson.endsAt && !lesson.adHoc ? new Intl.DateTimeFormat(undefined, { hour: '2-digit', minute: '2-digit' }).format(new Date(lesson.endsAt)) : null;
  const end = () => {
    if (!confirm(text.confirmEnd(lesson.title, until))) return;
    void submit.run(async () => {
      await api.post(`/lessons/${encodeURIComponent(lesson.id)}/end`, {});
      onEnded();
    });
  };
  return (
    <>
      {' '}
      <button type="button" class="button button-quiet button-danger" data-end-lesson disabled={submit.busy} onClick={end}>
        {submit.busy ? text.ending : text.endNow}
      </button>
      <FormError message={submit.error} />
    </>
  );
}
