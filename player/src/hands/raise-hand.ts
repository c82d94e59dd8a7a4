// The student's "Raise hand" button and what it says about the hand and the call, mounted into a
// lesson page (the watch page) by `mountRaiseHand`. Drawn with the DOM alone so any page can host it.
import { t } from '../i18n/i18n.ts';
import type { MessageKey } from '../i18n/messages/catalogs.ts';
import { exposeHandsHooks } from './hands-hooks.ts';
import { createStudentHand, type StudentHandState } from './student-hand.ts';

const phaseWords: Record<StudentHandState['phase'], MessageKey> = {
  connecting: 'hands.connecting',
  down: 'hands.down',
  'asking-mic': 'hands.askingMic',
  waiting: 'hands.waiting',
  calling: 'hands.calling',
  'in-call': 'hands.inCall',
  closed: 'hands.closed',
};

export function mountRaiseHand(container: HTMLElement, options: { lessonId: string }): void {
  const hand = createStudentHand(options.lessonId);
  exposeHandsHooks({ student: hand });
  const box = document.createElement('section');
  box.className = 'raise-hand card';
  const button = document.createElement('button');
  button.type = 'button';
  button.className = 'button button-primary raise-hand-button';
  const status = document.createElement('p');
  status.className = 'raise-hand-status';
  status.setAttribute('role', 'status');
  status.setAttribute('aria-live', 'polite');
  const notice = document.createElement('p');
  notice.className = 'raise-hand-notice muted';
  box.append(button, status, notice);
  container.append(box);

  let raised = false;
  button.addEventListener('click', () => {
    if (raised) hand.lower();
    else void hand.raise();
  });
  hand.subscribe((state) => {
    raised = state.phase === 'waiting' || state.phase === 'calling' || state.phase === 'in-call';
    button.textContent = t(raised ? 'hands.lower' : 'hands.raise');
    button.disabled = state.phase === 'connecting' || state.phase === 'asking-mic' || state.phase === 'closed';
    button.setAttribute('aria-pressed', String(raised));
    box.dataset.phase = state.phase;
    const muted = state.muted && (state.phase === 'calling' || state.phase === 'in-call');
    status.textContent = muted ? t('hands.mutedByTeacher') : t(phaseWords[state.phase], { position: state.position ?? 1 });
    notice.textContent = state.notice ? t(state.notice) : '';
    notice.hidden = !state.notice;
  });
}
