// The platform's settings on the admin page: the province's time zone, which every time on the
// pages is shown in and the timetable's days follow. Saving reloads the page, drawn in the new zone.
import { useEffect, useState } from 'preact/hooks';
import { i18n, t } from '../i18n/i18n.ts';
import { api } from '../shared/api-client.ts';
import { Field, FormError, useSubmit } from '../shared/forms.tsx';
import { useApiData } from '../shared/use-api-data.ts';

type Settings = { timeZone: string; defaultLocale: string };

export function SettingsSection() {
  const settings = useApiData<Settings>('/settings');
  const [zone, setZone] = useState('');
  const save = useSubmit();
  useEffect(() => setZone(settings.data?.timeZone ?? ''), [settings.data]);
  const submit = (event: Event) => {
    event.preventDefault();
    void save.run(async () => {
      await api.patch('/settings', { timeZone: zone });
      location.reload();
    });
  };
  return (
    <form class="card form form-grid" data-form="settings" onSubmit={submit}>
      <h2 class="form-title">{t('admin.settings')}</h2>
      <Field label={t('settings.timeZone')}>
        <select name="timeZone" value={zone} onChange={(event) => setZone(event.currentTarget.value)}>
          {Intl.supportedValuesOf('timeZone').map((name) => (
            <option key={name} value={name}>
              {name}
            </option>
          ))}
        </select>
      </Field>
      <p class="muted field-wide">{t('settings.timeZoneNote', { now: Date.now() })}</p>
      <FormError message={settings.error || save.error} />
      <div class="form-actions">
        <button class="button button-primary" type="submit" disabled={save.busy || zone === '' || zone === i18n().timeZone}>
          {t('crud.save')}
        </button>
      </div>
    </form>
  );
}
