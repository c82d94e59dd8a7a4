// The teacher's console (/teach/<lesson>): the lesson's live picture, its questions (by votes or by
// time) and comments with the teacher's actions, the Q&A settings, the viewer count, and the raised
// hands (hands/hands-panel.ts). For the lesson's teacher, its school's admins and operators; anyone
// else is told so in words. The console reads the catalog's fuller view (hidden items, who is
// muted) every second; a classroom has one console, so this costs the catalog little.
import Hls from 'hls.js';
import { t } from '../i18n/i18n.ts';
import { mountLanguageSelect } from '../i18n/language-select.ts';
import { fetchLesson } from '../lesson-details.ts';
import { lessonIdFromPath, masterPlaylistUrl, mediaBaseFromPage } from '../lesson-urls.ts';
import { fetchPlaybackToken, playbackTokenUrl, startTokenRenewal, tokenXhrSetup } from '../playback-token.ts';
import { ApiRequestError } from '../shared/api-error.ts';
import { qaErrorText } from '../qa/qa-errors.ts';
import { mountHandsPanel } from '../hands/hands-panel.ts';
import { consoleActions } from './console-actions.ts';
import { mountConsoleLists } from './console-view.ts';
import { mountConsoleSettings } from './console-settings.ts';

const lessonId = lessonIdFromPath(location.pathname);
const refusedNote = document.getElementById('teach-refused')!;
mountLanguageSelect(document.querySelector('.site-header'));

if (lessonId === null) {
  refusedNote.hidden = false;
  refusedNote.textContent = t('player.no-lesson-id');
} else {
  void startConsole(lessonId);
}

async function startConsole(id: string): Promise<void> {
  const actions = consoleActions(id);
  let first;
  try {
    first = await actions.read();
  } catch (error) {
    refusedNote.hidden = false;
    refusedNote.textContent = error instanceof ApiRequestError && (error.status === 401 || error.status === 403) ? t('teach.refused') : qaErrorText(error);
    return;
  }
  const heading = document.getElementById('lesson-title');
  void fetchLesson(id).then((lesson) => lesson && heading && (heading.textContent = t('teach.heading', { title: lesson.title })));
  const viewers = document.getElementById('teach-viewers')!;
  const settings = mountConsoleSettings(document.getElementById('teach-settings')!, actions, first.settings);
  const lists = mountConsoleLists(document.getElementById('teach-console')!, actions, () => void refresh());
  const hands = document.getElementById('hands-panel');
  if (hands) mountHandsPanel(hands, { lessonId: id });
  const show = (view: typeof first) => {
    viewers.textContent = view.viewers === null ? t('teach.viewersUnknown') : t('teach.viewers', { viewers: view.viewers });
    settings.show(view.settings);
    lists.draw(view);
  };
  let timer: ReturnType<typeof setTimeout> | undefined;
  async function refresh(): Promise<void> {
    clearTimeout(timer);
    try {
      show(await actions.read());
    } catch {
      // The next tick tries again.
    }
    timer = setTimeout(() => void refresh(), 1000);
  }
  show(first);
  timer = setTimeout(() => void refresh(), 1000);
  void playPicture(id);
}

/** The live picture, muted (the teacher is in the room), through the first relay, with a token when the lesson needs one. */
async function playPicture(id: string): Promise<void> {
  const video = document.getElementById('teach-video') as HTMLVideoElement;
  const url = masterPlaylistUrl(id, mediaBaseFromPage(document));
  const tokenUrl = playbackTokenUrl('lesson', id);
  const answer = await fetchPlaybackToken(tokenUrl);
  const token = answer && typeof answer !== 'string' && answer.protected ? startTokenRenewal(tokenUrl, answer).current : undefined;
  if (Hls.isSupported()) {
    const hls = new Hls({ ...(token ? tokenXhrSetup(token) : {}), liveSyncDurationCount: 2 });
    hls.loadSource(url);
    hls.attachMedia(video);
    // A lesson not yet on air: try again shortly.
    hls.on(Hls.Events.ERROR, (_event, data) => data.fatal && setTimeout(() => hls.loadSource(url), 3000));
  } else {
    video.src = token ? `${url}?token=${encodeURIComponent(token())}` : url;
  }
  void video.play().catch(() => undefined);
}
