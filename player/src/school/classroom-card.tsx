// One classroom on the school page: where its encoder pushes (URL and keys, to copy into OBS or the
// classroom box), whether it is pushing now, a key rotation, and the classroom's lessons (next and
// live, with "End lesson now"; ended, with their replays); how to go live (the guide, with the OBS
// profile) and, while the encoder pushes, the live check of what it sends.
import type { Classroom, TimetableLesson } from '../shared/catalog-types.ts';
import { api } from '../shared/api-client.ts';
import { CopyButton } from '../shared/copy-button.tsx';
import { FormError, useSubmit } from '../shared/forms.tsx';
import { t } from '../i18n/i18n.ts';
import { ClassroomLessons } from './classroom-lessons.tsx';
import { EncoderPanel } from './encoder-panel.tsx';
import { StreamKey } from './stream-key.tsx';
import { GoLiveGuide } from './go-live-guide.tsx';
import { EncoderCheckPanel } from './encoder-check-panel.tsx';
import { recommendedEncoderSettings } from '../../../services/transcode/encoder-settings.ts';
import type { LatencyMode } from '../shared/catalog-types.ts';

/** The latency mode the encoder should be set for: the lesson it pushes, else the live or next one; else the default. */
function latencyModeFor(classroom: Classroom, lessons: TimetableLesson[]): LatencyMode {
  const pushed = lessons.find((lesson) => lesson.id === classroom.encoder?.lessonId);
  const next = lessons.find((lesson) => lesson.state === 'live') ?? lessons.filter((lesson) => lesson.state !== 'ended').sort((a, b) => a.startsAt.localeCompare(b.startsAt))[0];
  return (pushed ?? next)?.latencyMode ?? 'normal';
}

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
  const latencyMode = latencyModeFor(classroom, lessons);
  const settings = recommendedEncoderSettings(latencyMode);
  const connected = classroom.encoder?.connected === true;
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
      {connected && classroom.encoder && <EncoderCheckPanel encoder={classroom.encoder} settings={settings} />}
      <GoLiveGuide classroomId={classroom.id} latencyMode={latencyMode} settings={settings} open={!connected} canDownload={classroom.primaryKey !== undefined} />
      <ClassroomLessons lessons={lessons} onChanged={onLessonsChanged} />
    </article>
  );
}
