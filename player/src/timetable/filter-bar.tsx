// The timetable's filters: today or this week, city, school, grade, subject, and a search box.
// The choices come from GET /timetable/facets.
import { i18n, t } from '../i18n/i18n.ts';
import type { TimetableFacets } from '../shared/catalog-types.ts';
import { gradeLabel } from '../shared/grade-label.ts';
import { schoolsInCity, timetableRanges, type TimetableFilters } from './timetable-filters.ts';

/** `showRange`: whether to offer today or this week (the week grid is always this week). */
type Props = { filters: TimetableFilters; facets: TimetableFacets | undefined; showRange: boolean; onChange(filters: TimetableFilters): void };

const rangeLabels = { today: () => t('timetable.today'), week: () => t('timetable.week') } as const;

export function FilterBar({ filters, facets, showRange, onChange }: Props) {
  const set = (change: Partial<TimetableFilters>) => onChange({ ...filters, ...change });
  // In the order a reader of the page's language expects (pinyin order on a Chinese page).
  const byName = <T extends { name: string }>(items: readonly T[]) => [...items].sort((a, b) => i18n().compare(a.name, b.name));
  const sorted = (values: readonly string[]) => [...values].sort(i18n().compare);
  const schools = byName(schoolsInCity(facets?.schools ?? [], filters.cityId));
  return (
    <form class={showRange ? 'filter-bar' : 'filter-bar filter-bar-no-range'} role="search" onSubmit={(event) => event.preventDefault()}>
      {showRange && (
        <div class="segmented" role="group" aria-label={t('timetable.when')}>
          {timetableRanges.map((range) => (
            <button key={range} type="button" class="button" aria-pressed={filters.range === range} onClick={() => set({ range })}>
              {rangeLabels[range]()}
            </button>
          ))}
        </div>
      )}
      <input
        class="filter-search"
        type="search"
        name="q"
        placeholder={t('timetable.search')}
        aria-label={t('timetable.searchLabel')}
        value={filters.q}
        onInput={(event) => set({ q: event.currentTarget.value })}
      />
      <select aria-label={t('timetable.city')} value={filters.cityId} onChange={(event) => set({ cityId: event.currentTarget.value, schoolId: '' })}>
        <option value="">{t('timetable.allCities')}</option>
        {byName(facets?.cities ?? []).map((city) => (
          <option key={city.id} value={String(city.id)}>
            {city.name}
          </option>
        ))}
      </select>
      <select aria-label={t('timetable.school')} value={filters.schoolId} onChange={(event) => set({ schoolId: event.currentTarget.value })}>
        <option value="">{t('timetable.allSchools')}</option>
        {schools.map((school) => (
          <option key={school.id} value={String(school.id)}>
            {school.name}
          </option>
        ))}
      </select>
      <select aria-label={t('timetable.grade')} value={filters.grade} onChange={(event) => set({ grade: event.currentTarget.value })}>
        <option value="">{t('timetable.allGrades')}</option>
        {sorted(facets?.grades ?? []).map((grade) => (
          <option key={grade} value={grade}>
            {gradeLabel(grade)}
          </option>
        ))}
      </select>
      <select aria-label={t('timetable.subject')} value={filters.subject} onChange={(event) => set({ subject: event.currentTarget.value })}>
        <option value="">{t('timetable.allSubjects')}</option>
        {sorted(facets?.subjects ?? []).map((subject) => (
          <option key={subject} value={subject}>
            {subject}
          </option>
        ))}
      </select>
    </form>
  );
}
