// The console's Q&A settings for the lesson: slow mode (seconds between one viewer's posts), close
// questions, allow anonymous posts. Each change is saved at once through the catalog API.
import { t } from '../i18n/i18n.ts';
import { qaErrorText } from '../qa/qa-errors.ts';
import { element } from '../qa/qa-item-view.ts';
import type { QaSettings } from '../qa/qa-types.ts';
import type { ConsoleActions } from './console-actions.ts';

export function mountConsoleSettings(section: HTMLElement, actions: ConsoleActions, first: QaSettings): { show(settings: QaSettings): void } {
  section.hidden = false;
  const status = element('p', 'qa-status');
  status.setAttribute('role', 'status');
  const checkbox = (key: 'questionsClosed' | 'anonymousAllowed', label: string) => {
    const box = element('input');
    box.type = 'checkbox';
    box.name = key;
    box.checked = first[key];
    box.addEventListener('change', () => save({ [key]: box.checked }));
    const wrap = element('label', 'teach-setting');
    wrap.append(box, document.createTextNode(` ${label}`));
    return { box, wrap };
  };
  const closed = checkbox('questionsClosed', t('teach.closeQuestions'));
  const anonymous = checkbox('anonymousAllowed', t('teach.allowAnonymous'));
  const slow = element('select', 'teach-slow');
  slow.name = 'slowModeSeconds';
  for (const seconds of [0, 10, 30, 60, 300]) slow.append(new Option(seconds === 0 ? t('teach.slowOff') : t('teach.slowEvery', { seconds }), String(seconds)));
  slow.value = String(first.slowModeSeconds);
  slow.addEventListener('change', () => save({ slowModeSeconds: Number(slow.value) }));
  const slowWrap = element('label', 'teach-setting');
  slowWrap.append(document.createTextNode(`${t('teach.slowMode')} `), slow);
  section.replaceChildren(element('h2', 'qa-heading', t('teach.settings')), slowWrap, closed.wrap, anonymous.wrap, status);

  function save(change: Partial<QaSettings>): void {
    actions.settings(change).then(
      (saved) => {
        status.textContent = t('teach.saved');
        show(saved);
      },
      (error: unknown) => (status.textContent = qaErrorText(error)),
    );
  }
  function show(settings: QaSettings): void {
    if (document.activeElement !== slow) slow.value = String(settings.slowModeSeconds);
    closed.box.checked = settings.questionsClosed;
    anonymous.box.checked = settings.anonymousAllowed;
  }
  return { show };
}
