// The student-facing timetable at /: what is live now, what comes next, filtered by city, school,
// grade and subject or searched, refreshed every 10 s so a lesson that goes live shows up by itself.
import { useEffect, useState } from 'preact/hooks';
import type { TimetableLesson } from '../../../services/catalog/queries/timetable.ts';
import type { ListPage, TimetableFacets } from '../shared/catalog-types.ts';
import { t } from '../i18n/i18n.ts';
import { PageFrame } from '../shared/page-frame.tsx';
import { useApiData } from '../shared/use-api-data.ts';
import { FilterBar } from './filter-bar.tsx';
import { LessonCard } from './lesson-card.tsx';
import { filtersFromSearch, filtersToSearch, timetableSections, type TimetableFilters } from './timetable-filters.ts';

const refreshMs = 10_000;

export function TimetablePage() {
  return <PageFrame title={t('page.timetable')}>{(account) => <Timetable signedIn={account !== null} />}</PageFrame>;
}

function Timetable({ signedIn }: { signedIn: boolean }) {
  const [filters, setFilters] = useState<TimetableFilters>(() => filtersFromSearch(location.search));
  const query = useDebounced(filtersToSearch(filters), 250);
  const facets = useApiData<TimetableFacets>('/timetable/facets');
  const timetable = useApiData<ListPage<TimetableLesson>>(`/timetable?${query}&limit=200`, refreshMs);

  useEffect(() => history.replaceState(null, '', `/?${query}`), [query]);

  const now = new Date();
  const sections = timetable.data ? timetableSections(timetable.data.items) : undefined;
  return (
    <>
      <FilterBar filters={filters} facets={facets.data} onChange={setFilters} />
      {timetable.error && (
        <p class="form-error" role="alert">
          {t('timetable.loadFailed', { error: timetable.error })}
        </p>
      )}
      {!sections && !timetable.error && <p class="muted">{t('timetable.loading')}</p>}
      {sections && (
        <div class="timetable" data-lesson-count={timetable.data?.items.length}>
          <LessonSection title={t('timetable.live')} lessons={sections.live} now={now} signedIn={signedIn} empty={t('timetable.noLive')} id="live" />
          <LessonSection title={t('timetable.upcoming')} lessons={sections.upcoming} now={now} signedIn={signedIn} empty={t('timetable.noUpcoming')} id="upcoming" />
          {sections.ended.length > 0 && <LessonSection title={t('timetable.ended')} lessons={sections.ended} now={now} signedIn={signedIn} id="ended" />}
        </div>
      )}
    </>
  );
}

type SectionProps = { title: string; lessons: TimetableLesson[]; now: Date; signedIn: boolean; empty?: string; id: string };

function LessonSection({ title, lessons, now, signedIn, empty, id }: SectionProps) {
  return (
    <section class="timetable-section" aria-labelledby={`${id}-heading`}>
      <h2 id={`${id}-heading`}>{title}</h2>
      {lessons.length === 0 ? (
        <p class="empty">{empty}</p>
      ) : (
        <ul class="lessons" data-section={id}>
          {lessons.map((lesson) => (
            <li key={lesson.id}>
              <LessonCard lesson={lesson} now={now} signedIn={signedIn} />
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
