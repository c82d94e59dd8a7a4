// One classroom on the school page: where its encoder pushes (URL and keys, to copy into OBS or the
// classroom box), whether it is pushing now, a key rotation, and the classroom's next lessons.
import type { Classroom, Lesson } from '../shared/catalog-types.ts';
import { api } from '../shared/api-client.ts';
import { CopyButton } from '../shared/copy-button.tsx';
import { FormError, useSubmit } from '../shared/forms.tsx';
import { lessonTimeRange } from '../shared/lesson-times.ts';
import { lessonTitle } from '../shared/lesson-title.ts';
import { t } from '../i18n/i18n.ts';
import { EncoderPanel } from './encoder-panel.tsx';
import { StreamKey } from './stream-key.tsx';

type Props = { classroom: Classroom; lessons: Lesson[]; onChanged(): void };

export function ClassroomCard({ classroom, lessons, onChanged }: Props) {
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
      <h3>{t('school.nextLessons')}</h3>
      {lessons.length === 0 ? (
        <p class="empty">{t('school.noLessons')}</p>
      ) : (
        <ul class="plain-list">
          {lessons.map((lesson) => (
            <li key={lesson.id}>
              <a href={lesson.watchUrl}>{lessonTitle(lesson)}</a> <span class="muted">{lessonTimeRange(lesson.startsAt, lesson.endsAt, new Date())}</span>
              {lesson.state === 'live' && <span class="badge badge-live">{t('lesson.live')}</span>}
            </li>
          ))}
        </ul>
      )}
    </article>
  );
}
