// What an ended lesson's card offers once its recording is a replay: "Watch replay" (the replay
// page) and the MP4. The MP4 is made on request (POST /recordings/:id/mp4, by anyone who may watch
// the replay), so the card offers "Prepare MP4" with its progress and then the download. The timetable lists only lessons the viewer may see, and a
// replay is visible like its lesson, so every link here opens for this viewer.
import { useEffect, useState } from 'preact/hooks';
import type { LessonReplay } from '../../../services/catalog/queries/recordings.ts';
import { api } from '../shared/api-client.ts';
import { describeError } from '../shared/api-error.ts';
import { t } from '../i18n/i18n.ts';
import { durationText } from '../shared/duration-text.ts';

const progressPollMs = 1000;

type Mp4Status = { state: LessonReplay['mp4']['state']; progress: number };

export function ReplayActions({ replays }: { replays: LessonReplay[] }) {
  return (
    <span class="lesson-card-top" data-replays={replays.length}>
      {replays.map((replay, index) => (
        <span class="lesson-card-top" key={replay.recordingId} data-recording={replay.recordingId}>
          <a class="button button-primary button-quiet" href={replay.replayUrl}>
            {replays.length > 1 ? t('replay.watchPart', { part: index + 1 }) : t('replay.watch')}
            {replay.durationSeconds !== null && ` ${t('replay.length', { length: durationText(replay.durationSeconds) })}`}
          </a>
          <Mp4Action replay={replay} />
        </span>
      ))}
    </span>
  );
}

function Mp4Action({ replay }: { replay: LessonReplay }) {
  // What this page asked for since the timetable last loaded; the timetable's own state otherwise.
  const [asked, setAsked] = useState<Mp4Status | null>(null);
  const [error, setError] = useState('');
  const state = asked?.state ?? replay.mp4.state;

  // While it is prepared (asked here, or by someone else), follow its progress.
  useEffect(() => {
    if (state !== 'preparing') return;
    const timer = setTimeout(() => {
      api
        .get<{ mp4: Mp4Status }>(`/recordings/${replay.recordingId}`)
        .then(({ mp4 }) => setAsked({ state: mp4.state, progress: mp4.progress }))
        .catch((failure: unknown) => setError(describeError(failure)));
    }, progressPollMs);
    return () => clearTimeout(timer);
  }, [state, asked, replay.recordingId]);

  if (state === 'ready') {
    return (
      <a class="button button-quiet" href={replay.mp4.url} download>
        {t('replay.download')}
      </a>
    );
  }
  if (error) return <span class="form-error" role="alert">{t('replay.mp4Failed', { error })}</span>;
  if (state === 'preparing') {
    return (
      <span class="muted" role="status">
        {t('replay.preparing', { progress: Math.round(asked?.progress ?? 0) / 100 })}
      </span>
    );
  }
  const prepare = () =>
    api
      .post<Mp4Status>(`/recordings/${replay.recordingId}/mp4`)
      .then(setAsked)
      .catch((failure: unknown) => setError(describeError(failure)));
  return (
    <button type="button" class="button button-quiet" onClick={() => void prepare()}>
      {state === 'failed' ? t('replay.prepareAgain') : t('replay.prepare')}
    </button>
  );
}
