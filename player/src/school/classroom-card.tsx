// One classroom on the school page: where its encoder pushes (URL and keys, to copy into OBS or the
// classroom box), whether it is pushing now, a key rotation, and the classroom's next lessons.
import type { Classroom, Lesson } from '../shared/catalog-types.ts';
import { api } from '../shared/api-client.ts';
import { CopyButton } from '../shared/copy-button.tsx';
import { FormError, useSubmit } from '../shared/forms.tsx';
import { lessonTimeRange } from '../shared/lesson-times.ts';
import { EncoderPanel } from './encoder-panel.tsx';
import { StreamKey } from './stream-key.tsx';

type Props = { classroom: Classroom; lessons: Lesson[]; onChanged(): void };

export function ClassroomCard({ classroom, lessons, onChanged }: Props) {
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
      <h3>Next lessons</h3>
      {lessons.length === 0 ? (
        <p class="empty">No lessons scheduled.</p>
      ) : (
        <ul class="plain-list">
          {lessons.map((lesson) => (
            <li key={lesson.id}>
              <a href={lesson.watchUrl}>{lesson.title}</a> <span class="muted">{lessonTimeRange(lesson.startsAt, lesson.endsAt, new Date())}</span>
              {lesson.state === 'live' && <span class="badge badge-live">Live</span>}
            </li>
          ))}
        </ul>
      )}
    </article>
  );
}
