// One classroom on the school page: where its encoder pushes (URL and keys, to copy into OBS or the
// classroom box), whether it is pushing now, a key rotation, and the classroom's lessons (next and
// live, with "End lesson now"; ended, with their replays).
import type { Classroom, TimetableLesson } from '../shared/catalog-types.ts';
import { api } from '../shared/api-client.ts';
import { CopyButton } from '../shared/copy-button.tsx';
import { FormError, useSubmit } from '../shared/forms.tsx';
import { ClassroomLessons } from './classroom-lessons.tsx';
import { EncoderPanel } from './encoder-panel.tsx';
import { StreamKey } from './stream-key.tsx';

type Props = { classroom: Classroom; lessons: TimetableLesson[]; onChanged(): void; onLessonsChanged(): void };

export function ClassroomCard({ classroom, lessons, onChanged, onLessonsChanged }: Props) {
  const rotation = useSubmit();
  const rotate = (which: 'primary' | 'backup') => {
    const warning = `Make a new ${which} key for ${classroom.name}? Within seconds the old key stops working for new connections, so paste the new key into the encoder.`;
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
          RTMP URL
          {classroom.ingestNode !== null && <span class="muted" data-ingest-node> · assigned to {classroom.ingestNode}</span>}
        </span>
        <code class="stream-value" data-rtmp-url>
          {classroom.rtmpUrl}
        </code>
        <span class="stream-actions">
          <CopyButton text={classroom.rtmpUrl} />
        </span>
      </div>
      {classroom.primaryKey !== undefined && <StreamKey label="Stream key" value={classroom.primaryKey} kind="primary" />}
      {classroom.backupKey && <StreamKey label="Backup key" value={classroom.backupKey} kind="backup" />}
      {classroom.primaryKey !== undefined && (
        <div class="classroom-actions">
          <button type="button" class="button" disabled={rotation.busy} onClick={() => rotate('primary')}>
            Rotate key
          </button>
          {classroom.backupKey && (
            <button type="button" class="button" disabled={rotation.busy} onClick={() => rotate('backup')}>
              Rotate backup key
            </button>
          )}
        </div>
      )}
      <FormError message={rotation.error} />
      <ClassroomLessons lessons={lessons} onChanged={onLessonsChanged} />
    </article>
  );
}
