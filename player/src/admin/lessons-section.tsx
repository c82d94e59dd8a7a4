// Lessons of the timetable: a classroom, an optional course, a title and a time. The form's times
// are the province's wall clock (datetime-local, in web.timeZone whatever the browser's own zone)
// and go to the API as ISO times.
import type { Classroom, Course, LatencyMode, Lesson, Visibility } from '../shared/catalog-types.ts';
import { i18n, t } from '../i18n/i18n.ts';
import { Field } from '../shared/forms.tsx';
import { lessonTitle } from '../shared/lesson-title.ts';
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
  nameOf: (lesson) => lesson.title,
  columns: [
    { label: () => t('field.title'), value: (lesson) => (lesson.state === 'ended' ? lessonTitle(lesson) : <a href={lesson.watchUrl}>{lessonTitle(lesson)}</a>) },
    { label: () => t('field.when'), value: (lesson) => lessonTimeRange(lesson.startsAt, lesson.endsAt, new Date()) },
    { label: () => t('field.classroom'), value: (lesson) => `${lesson.classroomName}${lesson.schoolName ? ` · ${lesson.schoolName}` : ''}` },
    { label: () => t('field.state'), value: (lesson) => <span class={`badge badge-${lesson.state}`}>{t('lessons.state', { state: lesson.state })}</span> },
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
    if (!startsAt || !endsAt) throw new Error(t('lessons.needTimes'));
    if (endsAt <= startsAt) throw new Error(t('lessons.endAfterStart'));
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
      <Field label={t('field.classroom')}>
        <OptionsSelect<Classroom>
          name="classroomId"
          path="/classrooms?limit=200"
          value={form.classroomId}
          onChange={(classroomId) => set({ classroomId })}
          label={(classroom) => (classroom.schoolName ? t('school.option', { school: classroom.name, city: classroom.schoolName }) : classroom.name)}
        />
      </Field>
      <Field label={t('field.course')}>
        <OptionsSelect<Course> name="courseId" path="/courses?limit=200" optional={t('value.none')} value={form.courseId} onChange={(courseId) => set({ courseId })} label={(course) => t('school.option', { school: course.title, city: course.schoolName })} />
      </Field>
      <Field label={t('field.title')} wide>
        <input name="title" required value={form.title} onInput={(event) => set({ title: event.currentTarget.value })} />
      </Field>
      <Field label={t('lessons.starts')}>
        <input name="startsAt" type="datetime-local" required value={form.startsAt} onInput={(event) => set({ startsAt: event.currentTarget.value })} />
      </Field>
      <Field label={t('lessons.ends')}>
        <input name="endsAt" type="datetime-local" required value={form.endsAt} onInput={(event) => set({ endsAt: event.currentTarget.value })} />
      </Field>
      <p class="muted field-wide" data-time-zone={i18n().timeZone}>
        {t('lessons.timeZone', { zone: i18n().timeZone })}
      </p>
      <Field label={t('lessons.latency')}>
        <select name="latencyMode" value={form.latencyMode} onChange={(event) => set({ latencyMode: event.currentTarget.value as LatencyMode })}>
          <option value="low">{t('lessons.latencyLow')}</option>
          <option value="normal">{t('lessons.latencyNormal')}</option>
          <option value="high">{t('lessons.latencyHigh')}</option>
        </select>
      </Field>
      <Field label={t('lessons.visibility')}>
        <select name="visibility" value={form.visibility} onChange={(event) => set({ visibility: event.currentTarget.value as Visibility })}>
          <option value="public">{t('lessons.public')}</option>
          <option value="school">{t('lessons.school')}</option>
          <option value="protected">{t('lessons.protected')}</option>
        </select>
      </Field>
      <Field label={t('lessons.p2p')}>
        <select name="p2pEnabled" value={form.p2pEnabled ? 'on' : 'off'} onChange={(event) => set({ p2pEnabled: event.currentTarget.value === 'on' })}>
          <option value="on">{t('lessons.p2pOn')}</option>
          <option value="off">{t('lessons.p2pOff')}</option>
        </select>
      </Field>
      <Field label={t('field.recording')}>
        <select name="record" value={form.record} onChange={(event) => set({ record: event.currentTarget.value as RecordChoice })}>
          <option value="school">{t('lessons.recordSchool')}</option>
          <option value="on">{t('lessons.recordOn')}</option>
          <option value="off">{t('lessons.recordOff')}</option>
        </select>
      </Field>
    </>
  ),
};

export function LessonsSection() {
  return <CrudSection config={config} />;
}
