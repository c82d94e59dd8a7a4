// Courses: what a school teaches, by subject and grade; lessons belong to them.
import type { Course, School } from '../shared/catalog-types.ts';
import { t } from '../i18n/i18n.ts';
import { Field } from '../shared/forms.tsx';
import { gradeLabel } from '../shared/grade-label.ts';
import { CrudSection, OptionsSelect, type CrudConfig } from './crud-section.tsx';

type Form = { schoolId: string; title: string; subject: string; grade: string; teacherName: string; description: string };

const config: CrudConfig<Course, Form> = {
  noun: 'course',
  path: '/courses',
  nameOf: (course) => course.title,
  sortByName: true,
  columns: [
    { label: () => t('field.title'), value: (course) => course.title },
    { label: () => t('field.subject'), value: (course) => course.subject },
    { label: () => t('field.grade'), value: (course) => gradeLabel(course.grade) },
    { label: () => t('field.school'), value: (course) => course.schoolName },
    { label: () => t('field.teacher'), value: (course) => course.teacherName || t('value.none') },
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
      <Field label={t('field.school')}>
        <OptionsSelect<School> name="schoolId" path="/schools?limit=200" value={form.schoolId} onChange={(schoolId) => set({ schoolId })} label={(school) => t('school.option', { school: school.name, city: school.cityName })} />
      </Field>
      <Field label={t('field.title')}>
        <input name="title" required value={form.title} onInput={(event) => set({ title: event.currentTarget.value })} />
      </Field>
      <Field label={t('field.subject')}>
        <input name="subject" required placeholder={t('courses.subjectExample')} value={form.subject} onInput={(event) => set({ subject: event.currentTarget.value })} />
      </Field>
      <Field label={t('field.grade')}>
        <input name="grade" required placeholder={t('courses.gradeExample')} value={form.grade} onInput={(event) => set({ grade: event.currentTarget.value })} />
      </Field>
      <Field label={t('field.teacher')}>
        <input name="teacherName" value={form.teacherName} onInput={(event) => set({ teacherName: event.currentTarget.value })} />
      </Field>
      <Field label={t('field.description')} wide>
        <textarea name="description" rows={2} value={form.description} onInput={(event) => set({ description: event.currentTarget.value })} />
      </Field>
    </>
  ),
};

export function CoursesSection() {
  return <CrudSection config={config} />;
}
