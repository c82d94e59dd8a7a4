// The replay page's questions: the lesson's pinned and answered questions and comments, with the
// teacher's text answers, each at its moment in the recording. A moment's time seeks the replay
// there; the moment being watched is marked as the replay plays. Read once from the catalog
// (GET /recordings/<id>/qa): a replay's moments no longer change while it is watched.
import { api } from '../shared/api-client.ts';
import { t } from '../i18n/i18n.ts';
import { qaErrorText } from './qa-errors.ts';
import { element, qaItemElement } from './qa-item-view.ts';
import { currentMoment, lessonClock } from './qa-order.ts';
import type { QaFeedItem } from './qa-types.ts';

export async function mountReplayMoments(section: HTMLElement, recordingId: string, video: HTMLVideoElement): Promise<void> {
  const list = element('ol', 'qa-list qa-moments');
  const note = element('p', 'qa-empty');
  section.replaceChildren(element('h2', 'qa-heading', t('qa.replayHeading')), note, list);
  section.hidden = false;
  let moments: QaFeedItem[];
  try {
    moments = (await api.get<{ moments: QaFeedItem[] }>(`/recordings/${encodeURIComponent(recordingId)}/qa`)).moments;
  } catch (error) {
    note.textContent = qaErrorText(error);
    return;
  }
  note.textContent = moments.length === 0 ? t('qa.replayEmpty') : '';
  note.hidden = moments.length > 0;
  const rows = new Map<number, HTMLLIElement>();
  for (const moment of moments) {
    const li = qaItemElement(moment);
    if (moment.atSeconds !== null) {
      const seek = element('button', 'qa-seek', t('qa.seekTo', { at: lessonClock(moment.atSeconds) }));
      seek.type = 'button';
      seek.addEventListener('click', () => {
        video.currentTime = moment.atSeconds ?? 0;
        void video.play().catch(() => undefined);
      });
      li.append(seek);
    }
    rows.set(moment.id, li);
    list.append(li);
  }
  video.addEventListener('timeupdate', () => {
    const now = currentMoment(moments, video.currentTime);
    for (const [id, li] of rows) li.classList.toggle('qa-current', id === now?.id);
  });
}
