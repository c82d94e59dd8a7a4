// The student-facing timetable at /: what is live now, what comes next, filtered by city, school,
// grade and subject or searched, refreshed every 10 s so a lesson that goes live shows up by itself;
// as lists, or this week as a calendar grid of days and periods (week-grid.tsx, `?view=week`).
import { useEffect, useState } from 'preact/hooks';
import type { TimetableLesson } from '../../../services/catalog/queries/timetable.ts';
import type { ListPage, TimetableFacets } from '../shared/catalog-types.ts';
import { i18n, t } from '../i18n/i18n.ts';
import { PageFrame } from '../shared/page-frame.tsx';
import { useApiData } from '../shared/use-api-data.ts';
import { FilterBar } from './filter-bar.tsx';
import { LessonCard } from './lesson-card.tsx';
import { filtersFromSearch, filtersToSearch, timetableSections, type TimetableFilters } from './timetable-filters.ts';
import { WeekGrid } from './week-grid.tsx';
import { weekBounds } from './week-grid-model.ts';

const refreshMs = 10_000;

export function TimetablePage() {
  return <PageFrame title={t('page.timetable')}>{() => <Timetable />}</PageFrame>;
}

const views = ['list', 'week'] as const;
type View = (typeof views)[number];
const viewLabels = { list: () => t('timetable.viewList'), week: () => t('timetable.viewWeek') } as const;

/** The API query of a view: the week grid asks for this week, Monday to Sunday in the province's zone. */
function apiQuery(query: string, view: View): string {
  if (view === 'list') return query;
  const { from, to } = weekBounds(new Date(), i18n().timeZone);
  const params = new URLSearchParams(query);
  params.set('range', 'week');
  params.set('from', from.toISOString());
  params.set('to', to.toISOString());
  return params.toString();
}

function Timetable() {
  const [filters, setFilters] = useState<TimetableFilters>(() => filtersFromSearch(location.search));
  const [view, setView] = useState<View>(() => (new URLSearchParams(location.search).get('view') === 'week' ? 'week' : 'list'));
  const query = useDebounced(filtersToSearch(filters), 250);
  const facets = useApiData<TimetableFacets>('/timetable/facets');
  const timetable = useApiData<ListPage<TimetableLesson>>(`/timetable?${apiQuery(query, view)}&limit=200`, refreshMs);

  useEffect(() => history.replaceState(null, '', `/?${query}${view === 'week' ? '&view=week' : ''}`), [query, view]);

  const now = new Date();
  const sections = timetable.data && view === 'list' ? timetableSections(timetable.data.items) : undefined;
  return (
    <>
      <FilterBar filters={filters} facets={facets.data} showRange={view === 'list'} onChange={setFilters} />
      <div class="segmented timetable-views" role="group" aria-label={t('timetable.view')}>
        {views.map((choice) => (
          <button key={choice} type="button" class="button" aria-pressed={view === choice} onClick={() => setView(choice)}>
            {viewLabels[choice]()}
          </button>
        ))}
      </div>
      {timetable.error && (
        <p class="form-error" role="alert">
          {t('timetable.loadFailed', { error: timetable.error })}
        </p>
      )}
      {!timetable.data && !timetable.error && <p class="muted">{t('timetable.loading')}</p>}
      {timetable.data && view === 'week' && <WeekGrid lessons={timetable.data.items} now={now} />}
      {sections && (
        <div class="timetable" data-lesson-count={timetable.data?.items.length}>
          <LessonSection title={t('timetable.live')} lessons={sections.live} now={now} empty={t('timetable.noLive')} id="live" />
          <LessonSection title={t('timetable.upcoming')} lessons={sections.upcoming} now={now} empty={t('timetable.noUpcoming')} id="upcoming" />
          {sections.ended.length > 0 && <LessonSection title={t('timetable.ended')} lessons={sections.ended} now={now} id="ended" />}
        </div>
      )}
    </>
  );
}

type SectionProps = { title: string; lessons: TimetableLesson[]; now: Date; empty?: string; id: string };

function LessonSection({ title, lessons, now, empty, id }: SectionProps) {
  return (
    <section class="timetable-section" aria-labelledby={`${id}-heading`}>
      <h2 id={`${id}-heading`}>{title}</h2>
      {lessons.length === 0 ? (
        <p class="empty">{empty}</p>
      ) : (
        <ul class="lessons" data-section={id}>
          {lessons.map((lesson) => (
            <li key={lesson.id}>
              <LessonCard lesson={lesson} now={now} />
            </li>
          ))}
        </ul>
      )}
    </section>
  );
}

/** `value`, once it has stopped changing for `ms` (typing in the search box makes one request, not one per key). */
function useDebounced(value: string, ms: number): string {
  const [settled, setSettled] = useState(value);
  useEffect(() => {
    const timer = setTimeout(() => setSettled(value), ms);
    return () => clearTimeout(timer);
  }, [value, ms]);
  return settled;
}
