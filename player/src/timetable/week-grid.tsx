// The timetable's week view: this week (Monday to Sunday, in the province's time zone) as a
// calendar grid of days across and periods down (week-grid-model.ts). Each lesson links where its
// card would: live and coming lessons to the watch page, ended ones to their replay. On a phone the
// grid scrolls sideways with the periods kept in view, starting at today.
import { useEffect, useRef } from 'preact/hooks';
import type { TimetableLesson } from '../../../services/catalog/queries/timetable.ts';
import { i18n, t } from '../i18n/i18n.ts';
import { lessonTitle } from '../shared/lesson-title.ts';
import { weekGrid } from './week-grid-model.ts';

export function WeekGrid({ lessons, now }: { lessons: TimetableLesson[]; now: Date }) {
  const grid = weekGrid(lessons, now, i18n().timeZone);
  const scroller = useRef<HTMLDivElement>(null);
  // A phone shows two or three days at once: start at today's.
  useEffect(() => {
    const box = scroller.current;
    const today = box?.querySelector<HTMLElement>('th.week-today');
    const periods = box?.querySelector<HTMLElement>('thead th');
    if (box && today && periods && box.scrollWidth > box.clientWidth) box.scrollLeft = today.offsetLeft - periods.offsetWidth;
  }, [grid.periods.length]);
  return (
    <div class="week-grid-scroll" ref={scroller}>
      <table class="week-grid" data-periods={grid.periods.length}>
        <caption>{t('timetable.weekCaption')}</caption>
        <thead>
          <tr>
            <th scope="col">{t('timetable.periodHeading')}</th>
            {grid.days.map((day) => (
              <th scope="col" key={day.day} data-day={day.day} class={day.isToday ? 'week-today' : undefined} aria-current={day.isToday ? 'date' : undefined}>
                {t('time.date', { at: day.start })}
              </th>
            ))}
          </tr>
        </thead>
        <tbody>
          {grid.periods.length === 0 && (
            <tr>
              <td colSpan={8} class="empty">
                {t('timetable.noLessonsThisWeek')}
              </td>
            </tr>
          )}
          {grid.periods.map((period) => (
            <tr key={period.time} data-period={period.number}>
              <th scope="row">
                <span class="week-period">{t('timetable.period', { period: period.number })}</span>
                <span class="week-period-time">{period.time}</span>
              </th>
              {period.cells.map((cell, index) => (
                <td key={grid.days[index]!.day} data-day={grid.days[index]!.day} class={grid.days[index]!.isToday ? 'week-today' : undefined}>
                  {cell.map((lesson) => (
                    <WeekLesson key={lesson.id} lesson={lesson} />
                  ))}
                </td>
              ))}
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}

function WeekLesson({ lesson }: { lesson: TimetableLesson }) {
  const href = lesson.state === 'ended' ? lesson.replays[0]?.replayUrl : lesson.watchUrl;
  const words = (
    <>
      {lesson.state === 'live' && <span class="badge badge-live">{t('lesson.live')}</span>}
      <span class="week-lesson-title">{lessonTitle(lesson)}</span>
      {lesson.teacherName && <span class="week-lesson-detail">{lesson.teacherName}</span>}
      {lesson.schoolName && <span class="week-lesson-detail">{lesson.schoolName}</span>}
    </>
  );
  const className = `week-lesson week-lesson-${lesson.state}`;
  return href ? (
    <a class={className} href={href} data-lesson={lesson.id}>
      {words}
    </a>
  ) : (
    <span class={className} data-lesson={lesson.id}>
      {words}
    </span>
  );
}
