// The recordings tab, on /admin (every school, for operators) and on /school (the school chosen, for
// its admins): the storage each school's recordings use, with its retention (operators change it),
// and the recordings, filtered by school, state and pin, each with its replay, pin, MP4 (prepare,
// then download) and delete (confirmed first). Who may do what is the API's (recordings-routes.ts).
import { useState } from 'preact/hooks';
import type { ListPage, Recording, SchoolStorage } from '../shared/catalog-types.ts';
import { api } from '../shared/api-client.ts';
import { Field, FormError, useSubmit } from '../shared/forms.tsx';
import { useApiData } from '../shared/use-api-data.ts';
import { formatBytes } from '../p2p/delivery-stats.ts';
import { t } from '../i18n/i18n.ts';

type Filters = { schoolId: string; state: string; pinned: string };
type Props = { operator: boolean; schoolId?: string };

const pageSize = 50;
/** Often enough to follow an MP4 being prepared. */
const refreshMs = 4000;

function listPath(filters: Filters): string {
  const query = new URLSearchParams({ limit: String(pageSize) });
  if (filters.schoolId) query.set('schoolId', filters.schoolId);
  if (filters.state) query.set('state', filters.state);
  if (filters.pinned) query.set('pinned', filters.pinned);
  return `/recordings?${query.toString()}`;
}

export function RecordingsSection({ operator, schoolId }: Props) {
  const [filters, setFilters] = useState<Filters>({ schoolId: schoolId ?? '', state: '', pinned: '' });
  const storage = useApiData<{ items: SchoolStorage[]; defaultRetentionDays: number }>(`/recordings/storage${schoolId ? `?schoolId=${schoolId}` : ''}`, refreshMs * 5);
  const list = useApiData<ListPage<Recording>>(listPath({ ...filters, schoolId: schoolId ?? filters.schoolId }), refreshMs);
  const set = (change: Partial<Filters>) => setFilters((current) => ({ ...current, ...change }));
  const changed = () => {
    list.reload();
    storage.reload();
  };
  return (
    <section class="recordings" data-section="recordings">
      <h2>{t('rec.title')}</h2>
      {storage.error && <p class="form-error" role="alert">{storage.error}</p>}
      {storage.data && <StorageTable storage={storage.data.items} defaultDays={storage.data.defaultRetentionDays} operator={operator} onChanged={storage.reload} />}
      <form class="card form form-grid" data-form="recording-filters" onSubmit={(event) => event.preventDefault()}>
        {!schoolId && (
          <Field label={t('field.school')}>
            <select name="schoolId" value={filters.schoolId} onChange={(event) => set({ schoolId: event.currentTarget.value })}>
              <option value="">{t('rec.allSchools')}</option>
              {(storage.data?.items ?? []).map((school) => (
                <option key={school.schoolId} value={String(school.schoolId)}>
                  {school.schoolName}
                </option>
              ))}
            </select>
          </Field>
        )}
        <Field label={t('rec.state')}>
          <select name="state" value={filters.state} onChange={(event) => set({ state: event.currentTarget.value })}>
            <option value="">{t('rec.allStates')}</option>
            {(['ready', 'recording', 'failed'] as const).map((state) => (
              <option key={state} value={state}>
                {t('rec.stateName', { state })}
              </option>
            ))}
          </select>
        </Field>
        <Field label={t('rec.pinned')}>
          <select name="pinned" value={filters.pinned} onChange={(event) => set({ pinned: event.currentTarget.value })}>
            <option value="">{t('rec.pinnedAny')}</option>
            <option value="true">{t('rec.pinnedOnly')}</option>
            <option value="false">{t('rec.unpinnedOnly')}</option>
          </select>
        </Field>
      </form>
      {list.error && <p class="form-error" role="alert">{list.error}</p>}
      {list.data && list.data.items.length === 0 && <p class="empty">{t('rec.none')}</p>}
      {list.data && list.data.items.length > 0 && (
        <table class="data-table recordings-table">
          <thead>
            <tr>
              <th>{t('rec.lesson')}</th>
              <th>{t('rec.started')}</th>
              <th>{t('rec.duration')}</th>
              <th>{t('rec.size')}</th>
              <th>{t('rec.state')}</th>
              <th>{t('rec.actions')}</th>
            </tr>
          </thead>
          <tbody>
            {list.data.items.map((recording) => (
              <RecordingRow key={recording.id} recording={recording} onChanged={changed} />
            ))}
          </tbody>
        </table>
      )}
      {list.data && list.data.total > list.data.items.length && <p class="muted">{t('rec.more', { shown: list.data.items.length, total: list.data.total })}</p>}
    </section>
  );
}

function StorageTable({ storage, defaultDays, operator, onChanged }: { storage: SchoolStorage[]; defaultDays: number; operator: boolean; onChanged(): void }) {
  return (
    <table class="data-table storage-table" data-storage>
      <thead>
        <tr>
          <th>{t('field.school')}</th>
          <th>{t('rec.count')}</th>
          <th>{t('rec.used')}</th>
          <th>{t('rec.retention')}</th>
        </tr>
      </thead>
      <tbody>
        {storage.map((school) => (
          <tr key={school.schoolId} data-school={String(school.schoolId)}>
            <td data-label={t('field.school')}>{school.schoolName}</td>
            <td data-label={t('rec.count')}>{t('rec.countValue', { count: school.recordings, pinned: school.pinned })}</td>
            <td data-label={t('rec.used')} data-bytes={String(school.bytes)}>
              {formatBytes(school.bytes)}
            </td>
            <td data-label={t('rec.retention')}>
              {operator ? <RetentionField school={school} defaultDays={defaultDays} onChanged={onChanged} /> : retentionWords(school.retentionDays, defaultDays)}
            </td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}

function retentionWords(days: number | null, defaultDays: number): string {
  return days === null ? t('rec.retentionDefault', { days: defaultDays }) : t('rec.retentionDays', { days });
}

function RetentionField({ school, defaultDays, onChanged }: { school: SchoolStorage; defaultDays: number; onChanged(): void }) {
  const [days, setDays] = useState(school.retentionDays === null ? '' : String(school.retentionDays));
  const submit = useSubmit();
  const save = () =>
    void submit.run(async () => {
      const value = days.trim() === '' ? null : Number(days);
      await api.patch(`/schools/${school.schoolId}`, { recordingRetentionDays: value });
      onChanged();
    });
  return (
    <span class="retention-field">
      <input name="retentionDays" inputMode="numeric" size={5} value={days} placeholder={String(defaultDays)} aria-label={t('rec.retention')} onInput={(event) => setDays(event.currentTarget.value)} />{' '}
      <button type="button" class="button" disabled={submit.busy} onClick={save}>
        {t('crud.save')}
      </button>
      <span class="muted"> {retentionWords(school.retentionDays, defaultDays)}</span>
      <FormError message={submit.error} />
    </span>
  );
}

function RecordingRow({ recording, onChanged }: { recording: Recording; onChanged(): void }) {
  const action = useSubmit();
  const run = (work: () => Promise<unknown>) =>
    void action.run(async () => {
      await work();
      onChanged();
    });
  const remove = () => {
    if (!confirm(t('rec.confirmDelete', { title: recording.lessonTitle, at: new Date(recording.startedAt) }))) return;
    run(() => api.delete(`/recordings/${encodeURIComponent(recording.id)}`));
  };
  const { mp4 } = recording;
  return (
    <tr data-id={recording.id} data-pinned={String(recording.pinned)} data-mp4={mp4.state}>
      <td data-label={t('rec.lesson')}>
        {recording.lessonTitle}
        {recording.pinned && <span class="badge">{t('rec.pinnedBadge')}</span>}
      </td>
      <td data-label={t('rec.started')}>{t('time.dateTime', { at: new Date(recording.startedAt) })}</td>
      <td data-label={t('rec.duration')}>{recording.durationSeconds === null ? t('value.none') : t('rec.minutes', { minutes: Math.round(recording.durationSeconds / 6) / 10 })}</td>
      <td data-label={t('rec.size')}>{recording.sizeBytes === null ? t('value.none') : formatBytes(recording.sizeBytes)}</td>
      <td data-label={t('rec.state')}>{t('rec.stateName', { state: recording.state })}</td>
      <td class="row-actions">
        {recording.replayUrl && (
          <a class="button" href={recording.replayUrl} data-action="play">
            {t('rec.play')}
          </a>
        )}
        <button type="button" class="button" data-action="pin" disabled={action.busy} onClick={() => run(() => api.patch(`/recordings/${encodeURIComponent(recording.id)}`, { pinned: !recording.pinned }))}>
          {recording.pinned ? t('rec.unpin') : t('rec.pin')}
        </button>
        {recording.state === 'ready' && mp4.state === 'ready' && (
          <a class="button" href={mp4.url} download data-action="mp4-download">
            {t('rec.mp4Download', { size: mp4.sizeBytes === null ? '' : formatBytes(mp4.sizeBytes) })}
          </a>
        )}
        {recording.state === 'ready' && mp4.state === 'preparing' && <span class="muted">{t('rec.mp4Preparing', { percent: Math.round(mp4.progress) })}</span>}
        {recording.state === 'ready' && (mp4.state === 'none' || mp4.state === 'failed') && (
          <button type="button" class="button" data-action="mp4-prepare" disabled={action.busy} onClick={() => run(() => api.post(`/recordings/${encodeURIComponent(recording.id)}/mp4`))}>
            {mp4.state === 'failed' ? t('rec.mp4Retry') : t('rec.mp4Prepare')}
          </button>
        )}
        <button type="button" class="button button-danger" data-action="delete" disabled={action.busy} onClick={remove}>
          {t('crud.delete')}
        </button>
        <FormError message={action.error} />
      </td>
    </tr>
  );
}
