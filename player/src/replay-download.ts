// The replay page's Download button: anyone who may watch the replay may download it. The MP4 is
// made on request (POST /api/v1/recordings/<id>/mp4: one preparation per recording however many
// ask, rate-limited), so the button asks for it, shows a progress bar while ffmpeg copies the replay
// (its time against the replay's length, as the catalog reports it), then downloads it (GET, which
// the server answers as an attachment with the lesson's name). A refusal says in words why.
import { t } from './i18n/i18n.ts';
import { describeError, parseApiError } from './shared/api-error.ts';

export type ReplayMp4 = { state: 'none' | 'preparing' | 'ready' | 'failed'; progress: number; url: string };

const pollMs = 1000;

export function mountReplayDownload(panel: HTMLElement, recordingId: string, mp4: ReplayMp4): void {
  const box = document.createElement('div');
  box.className = 'replay-download';
  const button = document.createElement('button');
  button.type = 'button';
  button.className = 'button button-primary';
  button.textContent = t('replay.download');
  const bar = document.createElement('progress');
  bar.max = 100;
  bar.hidden = true;
  const words = document.createElement('p');
  words.className = 'replay-download-status';
  words.setAttribute('role', 'status');
  box.append(button, bar, words);
  panel.append(box);

  const say = (text: string, state: string) => {
    words.textContent = text;
    box.dataset.state = state;
  };
  const showProgress = (percent: number) => {
    bar.hidden = false;
    bar.value = percent;
    say(t('replay.preparing', { progress: percent / 100 }), 'preparing');
  };
  const download = () => {
    bar.hidden = false;
    bar.value = 100;
    say(t('replay.downloadStarting'), 'ready');
    button.disabled = false;
    // The server answers with Content-Disposition: attachment, so the page stays where it is.
    location.assign(mp4.url);
  };
  const follow = async (): Promise<void> => {
    const response = await fetch(`/api/v1/recordings/${encodeURIComponent(recordingId)}`, { credentials: 'same-origin', cache: 'no-store', headers: { Accept: 'application/json' } });
    if (!response.ok) throw parseApiError(response.status, await response.text());
    const now = ((await response.json()) as { mp4: ReplayMp4 & { failure: string | null } }).mp4;
    if (now.state === 'ready') return download();
    if (now.state === 'failed' || now.state === 'none') throw new Error(now.failure ?? now.state);
    showProgress(now.progress);
    await new Promise((resolve) => setTimeout(resolve, pollMs));
    return follow();
  };
  const ask = async () => {
    button.disabled = true;
    try {
      const response = await fetch(mp4.url, { method: 'POST', credentials: 'same-origin', cache: 'no-store', headers: { Accept: 'application/json' } });
      if (response.status === 429) {
        const seconds = Number(response.headers.get('retry-after')) || 10;
        say(t('replay.busy', { seconds }), 'busy');
        button.disabled = false;
        return;
      }
      if (response.status === 409) {
        say(t('replay.notReady'), 'not-ready');
        button.disabled = false;
        return;
      }
      if (!response.ok) throw parseApiError(response.status, await response.text());
      const answer = (await response.json()) as Pick<ReplayMp4, 'state' | 'progress'>;
      if (answer.state === 'ready') return download();
      showProgress(answer.progress);
      await follow();
    } catch (error) {
      bar.hidden = true;
      say(t('replay.mp4Failed', { error: describeError(error) }), 'failed');
      button.disabled = false;
    }
  };
  button.addEventListener('click', () => void ask());
  // Someone else's preparation under way: show how far it is.
  if (mp4.state === 'preparing') showProgress(mp4.progress);
}
