// Lessons of the timetable: a classroom, an optional course, a title and a time. The form's times
// are the browser's local time (datetime-local) and go to the API as ISO times.
import type { Classroom, Course, LatencyMode, Lesson, Visibility } from '../shared/catalog-types.ts';
import { Field } from '../shared/forms.tsx';
import { defaultLessonTimes, fromDateTimeLocal, lessonTimeRange, toDateTimeLocal } from '../shared/lesson-times.ts';
import { CrudSection, OptionsSelect, type CrudConfig } from './crud-section.tsx';

/** The lesson's recording switch as the form's select holds it: 'school' is null (follow the school). */
type RecordChoice = 'school' | 'on' | 'off';
type Form = {
  classroomId: string;
  courseId: string;
  title: string;
  startsAt: string;
  endsAt: string;
  latencyMode: LatencyMode;
  visibility: Visibility;
  p2pEnabled: boolean;
  record: RecordChoice;
};

const recordChoice = (record: boolean | null): RecordChoice => (record === null ? 'school' : record ? 'on' : 'off');
const recordValue = (choice: RecordChoice): boolean | null => (choice === 'school' ? null : choice === 'on');

const config: CrudConfig<Lesson, Form> = {
  noun: 'lesson',
  path: '/lessons',
  columns: [
    { label: 'Title', value: (lesson) => (lesson.state === 'ended' ? lesson.title : <a href={lesson.watchUrl}>{lesson.title}</a>) },
    { label: 'When', value: (lesson) => lessonTimeRange(lesson.startsAt, lesson.endsAt, new Date()) },
    { label: 'Classroom', value: (lesson) => `${lesson.classroomName}${lesson.schoolName ? ` · ${lesson.schoolName}` : ''}` },
    { label: 'State', value: (lesson) => <span class={`badge badge-${lesson.state}`}>{lesson.state}</span> },
  ],
  blank: () => {
    const { startsAt, endsAt } = defaultLessonTimes(new Date());
    return { classroomId: '', courseId: '', title: '', startsAt: toDateTimeLocal(startsAt), endsAt: toDateTimeLocal(endsAt), latencyMode: 'normal', visibility: 'public', p2pEnabled: true, record: 'school' };
  },
  fromItem: (lesson) => ({
    classroomId: lesson.classroomId,
    courseId: lesson.courseId === null ? '' : String(lesson.courseId),
    title: lesson.title,
    startsAt: toDateTimeLocal(new Date(lesson.startsAt)),
    endsAt: lesson.endsAt ? toDateTimeLocal(new Date(lesson.endsAt)) : '',
    latencyMode: lesson.latencyMode,
    visibility: lesson.visibility,
    p2pEnabled: lesson.p2pEnabled,
    record: recordChoice(lesson.record),
  }),
  toBody: (form, editing) => {
    const startsAt = fromDateTimeLocal(form.startsAt);
    const endsAt = fromDateTimeLocal(form.endsAt);
    if (!startsAt || !endsAt) throw new Error('Give the lesson a start and an end time.');
    if (endsAt <= startsAt) throw new Error('The lesson must end after it starts.');
    const body = {
      title: form.title.trim(),
      courseId: form.courseId === '' ? null : Number(form.courseId),
      startsAt,
      endsAt,
      latencyMode: form.latencyMode,
      visibility: form.visibility,
      p2pEnabled: form.p2pEnabled,
      record: recordValue(form.record),
    };
    // A live lesson cannot change classroom, so an edit sends the classroom only when it changed.
    return !editing || editing.classroomId !== form.classroomId ? { ...body, classroomId: form.classroomId } : body;
  },
  fields: (form, set) => (
    <>
      <Field label="Classroom">
        <OptionsSelect<Classroom>
          name="classroomId"
          path="/classrooms?limit=200"
          value={form.classroomId}
          onChange={(classroomId) => set({ classroomId })}
          label={(classroom) => `${classroom.name}${classroom.schoolName ? ` (${classroom.schoolName})` : ''}`}
        />
      </Field>
      <Field label="Course">
        <OptionsSelect<Course> name="courseId" path="/courses?limit=200" optional="No course" value={form.courseId} onChange={(courseId) => set({ courseId })} label={(course) => `${course.title} (${course.schoolName})`} />
      </Field>
      <Field label="Title" wide>
        <input name="title" required value={form.title} onInput={(event) => set({ title: event.currentTarget.value })} />
      </Field>
      <Field label="Starts">
        <input name="startsAt" type="datetime-local" required value={form.startsAt} onInput={(event) => set({ startsAt: event.currentTarget.value })} />
      </Field>
      <Field label="Ends">
        <input name="endsAt" type="datetime-local" required value={form.endsAt} onInput={(event) => set({ endsAt: event.currentTarget.value })} />
      </Field>
      <Field label="Latency">
        <select name="latencyMode" value={form.latencyMode} onChange={(event) => set({ latencyMode: event.currentTarget.value as LatencyMode })}>
          <option value="low">Low (1 s segments)</option>
          <option value="normal">Normal (2 s)</option>
          <option value="high">High (4 s, most peer-to-peer)</option>
        </select>
      </Field>
      <Field label="Who may watch">
        <select name="visibility" value={form.visibility} onChange={(event) => set({ visibility: event.currentTarget.value as Visibility })}>
          <option value="public">Anyone</option>
          <option value="school">The school's accounts</option>
          <option value="protected">Protected</option>
        </select>
      </Field>
      <Field label="Peer-to-peer">
        <select name="p2pEnabled" value={form.p2pEnabled ? 'on' : 'off'} onChange={(event) => set({ p2pEnabled: event.currentTarget.value === 'on' })}>
          <option value="on">Viewers share segments</option>
          <option value="off">Off: every viewer fetches from the relay</option>
        </select>
      </Field>
      <Field label="Recording">
        <select name="record" value={form.record} onChange={(event) => set({ record: event.currentTarget.value as RecordChoice })}>
          <option value="school">As the school decides</option>
          <option value="on">Record when it goes live</option>
          <option value="off">Don't record</option>
        </select>
      </Field>
    </>
  ),
};

export function LessonsSection() {
  return <CrudSection config={config} />;
}
