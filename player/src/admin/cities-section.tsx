// Cities of the province: the top of the school tree and the timetable's first filter.
import type { City } from '../shared/catalog-types.ts';
import { t } from '../i18n/i18n.ts';
import { Field } from '../shared/forms.tsx';
import { CrudSection, type CrudConfig } from './crud-section.tsx';

type Form = { name: string };

const config: CrudConfig<City, Form> = {
  noun: 'city',
  path: '/cities',
  nameOf: (city) => city.name,
  sortByName: true,
  columns: [
    { label: () => t('field.name'), value: (city) => city.name },
    { label: () => t('field.schools'), value: (city) => city.schoolCount },
  ],
  blank: () => ({ name: '' }),
  fromItem: (city) => ({ name: city.name }),
  toBody: (form) => ({ name: form.name.trim() }),
  fields: (form, set) => (
    <Field label={t('field.name')}>
      <input name="name" required value={form.name} onInput={(event) => set({ name: event.currentTarget.value })} />
    </Field>
  ),
};

export function CitiesSection() {
  return <CrudSection config={config} />;
}
