// /school: a school admin's classrooms (an operator picks the school first): stream URLs and keys,
// encoder status refreshed every 5 s, key rotation, each classroom's lessons (live ones with "End
// lesson now", ended ones with their replays), a warning when the RTMP address shown only works on
// the server's own machine, and whether the school's lessons are recorded by default.
import { useState } from 'preact/hooks';
import { isLoopbackUrl } from '../../../services/core/loopback-host.ts';
import type { Account, Classroom, ListPage, School, TimetableLesson } from '../shared/catalog-types.ts';
import { PageFrame } from '../shared/page-frame.tsx';
import { useApiData } from '../shared/use-api-data.ts';
import { ClassroomCard } from './classroom-card.tsx';
import { RecordingSwitch } from './recording-switch.tsx';

const refreshMs = 5000;

const text = {
  chooseSchool: 'Choose a school above to see its classrooms: where their encoders push (RTMP address and stream keys), whether they are live, and their lessons and replays.',
  noSchools: 'There are no schools yet. Add a city and a school on the Admin page, then come back here.',
  loopbackRtmp: (url: string) =>
    `Encoders on other machines cannot push to ${url}: it is this server's own loopback address. ` +
    'Set ingest.rtmpUrl in the configuration to an address encoders can reach (e.g. rtmp://ingest.example.edu:1935/live) and restart, or open this page by the server\'s network name.',
};

export function SchoolPage() {
  return <PageFrame title="School" allow={['operator', 'school_admin']}>{(account) => account && <SchoolView account={account} />}</PageFrame>;
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
      {schoolId ? <Classrooms schoolId={schoolId} /> : account.role !== 'operator' && <p class="notice">Your account belongs to no school.</p>}
    </>
  );
}

function SchoolPicker({ value, onPick }: { value: string; onPick(id: string): void }) {
  const schools = useApiData<ListPage<School>>('/schools?limit=200');
  return (
    <div class="toolbar">
      <label class="field">
        <span class="field-label">School</span>
        <select name="school" value={value} onChange={(event) => onPick(event.currentTarget.value)}>
          <option value="">Choose a school…</option>
          {schools.data?.items.map((school) => (
            <option key={school.id} value={String(school.id)}>
              {`${school.name} (${school.cityName})`}
            </option>
          ))}
        </select>
      </label>
      {schools.error && <p class="form-error" role="alert">{schools.error}</p>}
      {!value && schools.data && (
        <p class="notice" data-hint>
          {schools.data.items.length === 0 ? text.noSchools : text.chooseSchool}
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
  // From the start of today (UTC), so the lessons that ended today are listed with their replays.
  const lessons = useApiData<ListPage<TimetableLesson>>(`/timetable?schoolId=${schoolId}&range=week&limit=200`, refreshMs * 6);
  const loopback = classrooms.data?.items.find((classroom) => isLoopbackUrl(classroom.rtmpUrl))?.rtmpUrl;
  return (
    <>
      {classrooms.error && <p class="form-error" role="alert">{classrooms.error}</p>}
      {loopback && (
        <p class="encoder-advice school-warning" role="alert" data-rtmp-loopback>
          {text.loopbackRtmp(loopback)}
        </p>
      )}
      {!classrooms.data && !classrooms.error && <p class="muted">Loading the classrooms…</p>}
      {classrooms.data?.items.length === 0 && <p class="notice">This school has no classrooms yet. An operator adds them on the Admin page.</p>}
      <div class="classrooms">
        {classrooms.data?.items.map((classroom) => (
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
