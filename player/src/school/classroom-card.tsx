// One classroom on the school page: where its encoder pushes (URL and keys, to copy into OBS or the
// classroom box), whether it is pushing now, a key rotation, and the classroom's lessons (next and
// live, with "End lesson now"; ended, with their replays).
import type { Classroom, TimetableLesson } from '../shared/catalog-types.ts';
import { api } from '../shared/api-client.ts';
import { CopyButton } from '../shared/copy-button.tsx';
import { FormError, useSubmit } from '../shared/forms.tsx';
import { t } from '../i18n/i18n.ts';
import { ClassroomLessons } from './classroom-lessons.tsx';
import { EncoderPanel } from './encoder-panel.tsx';
import { StreamKey } from './stream-key.tsx';

type Props = { classroom: Classroom; lessons: TimetableLesson[]; onChanged(): void; onLessonsChanged(): void };

export function ClassroomCard({ classroom, lessons, onChanged, onLessonsChanged }: Props) {
  const rotation = useSubmit();
  const rotate = (which: 'primary' | 'backup') => {
    const warning = t('school.confirmRotate', { which, classroom: classroom.name });
    if (!confirm(warning)) return;
    void rotation.run(async () => {
      await api.post(`/classrooms/${encodeURIComponent(classroom.id)}/rotate-key`, { which });
      onChanged();
    });
  };
  return (
    <article class="card classroom" data-classroom={classroom.id}>
      <header class="classroom-head">
        <h2>{classroom.name}</h2>
        <span class="muted">{classroom.id}</span>
      </header>
      <EncoderPanel encoder={classroom.encoder} />
      <div class="stream-field">
        <span class="field-label">
          {t('school.rtmpUrl')}
          {classroom.ingestNode !== null && <span class="muted" data-ingest-node>{t('school.assignedTo', { node: classroom.ingestNode })}</span>}
        </span>
        <code class="stream-value" data-rtmp-url>
          {classroom.rtmpUrl}
        </code>
        <span class="stream-actions">
          <CopyButton text={classroom.rtmpUrl} />
        </span>
      </div>
      {classroom.primaryKey !== undefined && <StreamKey label={t('school.streamKey')} value={classroom.primaryKey} kind="primary" />}
      {classroom.backupKey && <StreamKey label={t('school.backupKey')} value={classroom.backupKey} kind="backup" />}
      {classroom.primaryKey !== undefined && (
        <div class="classroom-actions">
          <button type="button" class="button" disabled={rotation.busy} onClick={() => rotate('primary')}>
            {t('school.rotate')}
          </button>
          {classroom.backupKey && (
            <button type="button" class="button" disabled={rotation.busy} onClick={() => rotate('backup')}>
              {t('school.rotateBackup')}
            </button>
          )}
        </div>
      )}
      <FormError message={rotation.error} />
      <ClassroomLessons lessons={lessons} onChanged={onLessonsChanged} />
    </article>
  );
}
