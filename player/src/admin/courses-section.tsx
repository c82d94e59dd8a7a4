// Courses: what a school teaches, by subject and grade; lessons belong to them.
import type { Course, School } from '../shared/catalog-types.ts';
import { Field } from '../shared/forms.tsx';
import { CrudSection, OptionsSelect, type CrudConfig } from './crud-section.tsx';

type Form = { schoolId: string; title: string; subject: string; grade: string; teacherName: string; description: string };

const config: CrudConfig<Course, Form> = {
  noun: 'course',
  path: '/courses',
  columns: [
    { label: 'Title', value: (course) => course.title },
    { label: 'Subject', value: (course) => course.subject },
    { label: 'Grade', value: (course) => course.grade },
    { label: 'School', value: (course) => course.schoolName },
    { label: 'Teacher', value: (course) => course.teacherName || '—' },
  ],
  blank: () => ({ schoolId: '', title: '', subject: '', grade: '', teacherName: '', description: '' }),
  fromItem: (course) => ({
    schoolId: String(course.schoolId),
    title: course.title,
    subject: course.subject,
    grade: course.grade,
    teacherName: course.teacherName,
    description: course.description,
  }),
  toBody: (form) => ({
    schoolId: Number(form.schoolId),
    title: form.title.trim(),
    subject: form.subject.trim(),
    grade: form.grade.trim(),
    teacherName: form.teacherName.trim(),
    description: form.description.trim(),
  }),
  fields: (form, set) => (
    <>
      <Field label="School">
        <OptionsSelect<School> name="schoolId" path="/schools?limit=200" value={form.schoolId} onChange={(schoolId) => set({ schoolId })} label={(school) => `${school.name} (${school.cityName})`} />
      </Field>
      <Field label="Title">
        <input name="title" required value={form.title} onInput={(event) => set({ title: event.currentTarget.value })} />
      </Field>
      <Field label="Subject">
        <input name="subject" required placeholder="Mathematics" value={form.subject} onInput={(event) => set({ subject: event.currentTarget.value })} />
      </Field>
      <Field label="Grade">
        <input name="grade" required placeholder="9" value={form.grade} onInput={(event) => set({ grade: event.currentTarget.value })} />
      </Field>
      <Field label="Teacher">
        <input name="teacherName" value={form.teacherName} onInput={(event) => set({ teacherName: event.currentTarget.value })} />
      </Field>
      <Field label="Description" wide>
        <textarea name="description" rows={2} value={form.description} onInput={(event) => set({ description: event.currentTarget.value })} />
      </Field>
    </>
  ),
};

export function CoursesSection() {
  return <CrudSection config={config} />;
}
