// The school's recording switch on the school page, where its admins manage their school (the admin
// page is for operators): whether its lessons are recorded when they go live. A lesson may still
// say otherwise (its own switch, on the admin page or through the API), and a teacher may start
// recording a live lesson by hand whatever the switch says.
import type { School } from '../shared/catalog-types.ts';
import { api } from '../shared/api-client.ts';
import { FormError, useSubmit } from '../shared/forms.tsx';
import { useApiData } from '../shared/use-api-data.ts';
import { t } from '../i18n/i18n.ts';

export function RecordingSwitch({ schoolId }: { schoolId: string }) {
  const school = useApiData<School>(`/schools/${schoolId}`);
  const submit = useSubmit();
  if (!school.data) return null;
  const change = (recordLessons: boolean) =>
    void submit.run(async () => {
      await api.patch<School>(`/schools/${schoolId}`, { recordLessons });
      school.reload();
    });
  return (
    <div class="toolbar">
      <label class="field">
        <span class="field-label">{t('school.recording')}</span>
        <select name="recordLessons" value={school.data.recordLessons ? 'on' : 'off'} disabled={submit.busy} onChange={(event) => change(event.currentTarget.value === 'on')}>
          <option value="on">{t('school.recordOn')}</option>
          <option value="off">{t('school.recordOff')}</option>
        </select>
      </label>
      <FormError message={submit.error} />
    </div>
  );
}
