// /school: a school admin's classrooms (an operator picks the school first): stream URLs and keys,
// encoder status refreshed every 5 s, key rotation, each classroom's lessons (live ones with "End
// lesson now", ended ones with their replays), a warning when the RTMP address shown only works on
// the server's own machine, whether the school's lessons are recorded by default, and the school's
// recordings (storage, pin, MP4, delete).
import { useState } from 'preact/hooks';
import { isLoopbackUrl } from '../../../services/core/loopback-host.ts';
import type { Account, Classroom, ListPage, School, TimetableLesson } from '../shared/catalog-types.ts';
import { PageFrame } from '../shared/page-frame.tsx';
import { i18n, t } from '../i18n/i18n.ts';
import { useApiData } from '../shared/use-api-data.ts';
import { ClassroomCard } from './classroom-card.tsx';
import { RecordingSwitch } from './recording-switch.tsx';
import { RecordingsSection } from '../recordings/recordings-section.tsx';

const refreshMs = 5000;

export function SchoolPage() {
  return <PageFrame title={t('page.school')} allow={['operator', 'school_admin']}>{(account) => account && <SchoolView account={account} />}</PageFrame>;
}

function SchoolView({ account }: { account: Account }) {
  const [picked, setPicked] = useState(() => new URLSearchParams(location.search).get('school') ?? '');
  const schoolId = account.role === 'operator' ? picked : String(account.schoolId ?? '');
  const pick = (id: string) => {
    setPicked(id);
    history.replaceState(null, '', id ? `/school?school=${id}` : '/school');
  };
  return (
    <>
      {account.role === 'operator' ? <SchoolPicker value={picked} onPick={pick} /> : schoolId && <SchoolName schoolId={schoolId} />}
      {schoolId && <RecordingSwitch schoolId={schoolId} />}
      {schoolId ? <Classrooms schoolId={schoolId} /> : account.role !== 'operator' && <p class="notice">{t('school.noSchool')}</p>}
      {schoolId && <RecordingsSection key={schoolId} operator={account.role === 'operator'} schoolId={schoolId} />}
    </>
  );
}

function SchoolPicker({ value, onPick }: { value: string; onPick(id: string): void }) {
  const schools = useApiData<ListPage<School>>('/schools?limit=200');
  return (
    <div class="toolbar">
      <label class="field">
        <span class="field-label">{t('field.school')}</span>
        <select name="school" value={value} onChange={(event) => onPick(event.currentTarget.value)}>
          <option value="">{t('school.choose')}</option>
          {sortedByName(schools.data?.items ?? []).map((school) => (
            <option key={school.id} value={String(school.id)}>
              {t('school.option', { school: school.name, city: school.cityName })}
            </option>
          ))}
        </select>
      </label>
      {schools.error && <p class="form-error" role="alert">{schools.error}</p>}
      {!value && schools.data && (
        <p class="notice" data-hint>
          {schools.data.items.length === 0 ? t('school.noSchools') : t('school.chooseSchool')}
        </p>
      )}
    </div>
  );
}

function SchoolName({ schoolId }: { schoolId: string }) {
  const school = useApiData<School>(`/schools/${schoolId}`);
  return school.data ? (
    <p class="school-name">
      {school.data.name} <span class="muted">{school.data.cityName}</span>
    </p>
  ) : null;
}

function Classrooms({ schoolId }: { schoolId: string }) {
  const classrooms = useApiData<ListPage<Classroom>>(`/classrooms?schoolId=${schoolId}&limit=200`, refreshMs);
  // From the start of today (in the province's time zone), so the lessons that ended today are listed with their replays.
  const lessons = useApiData<ListPage<TimetableLesson>>(`/timetable?schoolId=${schoolId}&range=week&limit=200`, refreshMs * 6);
  const loopback = classrooms.data?.items.find((classroom) => isLoopbackUrl(classroom.rtmpUrl))?.rtmpUrl;
  return (
    <>
      {classrooms.error && <p class="form-error" role="alert">{classrooms.error}</p>}
      {loopback && (
        <p class="encoder-advice school-warning" role="alert" data-rtmp-loopback>
          {t('school.loopbackRtmp', { url: loopback })}
        </p>
      )}
      {!classrooms.data && !classrooms.error && <p class="muted">{t('school.loadingClassrooms')}</p>}
      {classrooms.data?.items.length === 0 && <p class="notice">{t('school.noClassrooms')}</p>}
      <div class="classrooms">
        {sortedByName(classrooms.data?.items ?? []).map((classroom) => (
          <ClassroomCard
            key={classroom.id}
            classroom={classroom}
            lessons={(lessons.data?.items ?? []).filter((lesson) => lesson.classroomId === classroom.id)}
            onChanged={classrooms.reload}
            onLessonsChanged={lessons.reload}
          />
        ))}
      </div>
    </>
  );
}

/** By name as a reader of the page's language sorts them (pinyin order on a Chinese page). */
function sortedByName<T extends { name: string }>(items: readonly T[]): T[] {
  return [...items].sort((a, b) => i18n().compare(a.name, b.name));
}
