// Schools, each in a city.
import type { City, School } from '../shared/catalog-types.ts';
import { Field } from '../shared/forms.tsx';
import { CrudSection, OptionsSelect, type CrudConfig } from './crud-section.tsx';

type Form = { cityId: string; name: string; recordLessons: boolean };

const config: CrudConfig<School, Form> = {
  noun: 'school',
  path: '/schools',
  columns: [
    { label: 'Name', value: (school) => <a href={`/school?school=${school.id}`}>{school.name}</a> },
    { label: 'City', value: (school) => school.cityName },
    { label: 'Classrooms', value: (school) => school.classroomCount },
    { label: 'Recording', value: (school) => (school.recordLessons ? 'On' : 'Off') },
  ],
  blank: () => ({ cityId: '', name: '', recordLessons: true }),
  fromItem: (school) => ({ cityId: String(school.cityId), name: school.name, recordLessons: school.recordLessons }),
  toBody: (form) => ({ cityId: Number(form.cityId), name: form.name.trim(), recordLessons: form.recordLessons }),
  fields: (form, set) => (
    <>
      <Field label="City">
        <OptionsSelect<City> name="cityId" path="/cities?limit=200" value={form.cityId} onChange={(cityId) => set({ cityId })} label={(city) => city.name} />
      </Field>
      <Field label="Name">
        <input name="name" required value={form.name} onInput={(event) => set({ name: event.currentTarget.value })} />
      </Field>
      <Field label="Recording">
        <select name="recordLessons" value={form.recordLessons ? 'on' : 'off'} onChange={(event) => set({ recordLessons: event.currentTarget.value === 'on' })}>
          <option value="on">Record its lessons</option>
          <option value="off">Don't record its lessons</option>
        </select>
      </Field>
    </>
  ),
};

export function SchoolsSection() {
  return <CrudSection config={config} />;
}
