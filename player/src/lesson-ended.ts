// An ended lesson's watch page says so, with when it really ended (in the province's time zone) and
// a link to its replay once the recording is ready (GET /api/v1/recordings?lessonId=...). The video
// itself still plays the whole lesson from its time-shift playlists.
import { t } from './i18n/i18n.ts';
import type { Lesson } from './shared/catalog-types.ts';

type RecordingItem = { state: string; replayUrl: string | null };

/** The newest ready replay's page, 'pending' while one is being written, or null when there is none. */
async function replayOf(lessonId: string): Promise<string | 'pending' | null> {
  try {
    const response = await fetch(`/api/v1/recordings?lessonId=${encodeURIComponent(lessonId)}`, { credentials: 'same-origin', headers: { Accept: 'application/json' } });
    if (!response.ok) return null;
    const items = ((await response.json()) as { items?: RecordingItem[] }).items ?? [];
    const ready = items.filter((item) => item.state === 'ready' && item.replayUrl).at(-1);
    if (ready?.replayUrl) return ready.replayUrl;
    return items.some((item) => item.state === 'recording') ? 'pending' : null;
  } catch {
    return null;
  }
}

export async function showLessonEnded(lesson: Pick<Lesson, 'id' | 'endedAt' | 'recordEffective'>, element: HTMLElement): Promise<void> {
  const said = document.createElement('span');
  said.textContent = lesson.endedAt ? t('watch.ended', { at: new Date(lesson.endedAt) }) : t('watch.endedNoTime');
  const replay = await replayOf(lesson.id);
  const parts: Node[] = [said, document.createTextNode(' ')];
  if (typeof replay === 'string' && replay !== 'pending') {
    const link = document.createElement('a');
    link.href = replay;
    link.className = 'lesson-replay-link';
    link.textContent = t('watch.replay');
    parts.push(link);
  } else if (replay === 'pending' || lesson.recordEffective) {
    parts.push(document.createTextNode(t('watch.replayPending')));
  } else {
    parts.push(document.createTextNode(t('watch.noReplay')));
  }
  element.replaceChildren(...parts);
  element.hidden = false;
  document.body.dataset.lessonEnded = 'true';
}
