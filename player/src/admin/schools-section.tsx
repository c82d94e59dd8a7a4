// Schools, each in a city.
import type { City, School } from '../shared/catalog-types.ts';
import { t } from '../i18n/i18n.ts';
import { Field } from '../shared/forms.tsx';
import { CrudSection, OptionsSelect, type CrudConfig } from './crud-section.tsx';

type Form = { cityId: string; name: string; recordLessons: boolean };

const config: CrudConfig<School, Form> = {
  noun: 'school',
  path: '/schools',
  nameOf: (school) => school.name,
  sortByName: true,
  columns: [
    { label: () => t('field.name'), value: (school) => <a href={`/school?school=${school.id}`}>{school.name}</a> },
    { label: () => t('field.city'), value: (school) => school.cityName },
    { label: () => t('field.classrooms'), value: (school) => school.classroomCount },
    { label: () => t('field.recording'), value: (school) => (school.recordLessons ? t('value.on') : t('value.off')) },
  ],
  blank: () => ({ cityId: '', name: '', recordLessons: true }),
  fromItem: (school) => ({ cityId: String(school.cityId), name: school.name, recordLessons: school.recordLessons }),
  toBody: (form) => ({ cityId: Number(form.cityId), name: form.name.trim(), recordLessons: form.recordLessons }),
  fields: (form, set) => (
    <>
      <Field label={t('field.city')}>
        <OptionsSelect<City> name="cityId" path="/cities?limit=200" value={form.cityId} onChange={(cityId) => set({ cityId })} label={(city) => city.name} />
      </Field>
      <Field label={t('field.name')}>
        <input name="name" required value={form.name} onInput={(event) => set({ name: event.currentTarget.value })} />
      </Field>
      <Field label={t('field.recording')}>
        <select name="recordLessons" value={form.recordLessons ? 'on' : 'off'} onChange={(event) => set({ recordLessons: event.currentTarget.value === 'on' })}>
          <option value="on">{t('schools.recordOn')}</option>
          <option value="off">{t('schools.recordOff')}</option>
        </select>
      </Field>
    </>
  ),
};

export function SchoolsSection() {
  return <CrudSection config={config} />;
}
