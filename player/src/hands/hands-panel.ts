// The teacher's console's raised hands (mounted into /teach/<lesson> by `mountHandsPanel`): the
// queue in the order raised, Accept for a waiting hand, Mute / Unmute and End call for a call, and
// "Play out loud", which plays the student's voice on this computer so the classroom's encoder
// carries it. Drawn with the DOM alone so any page can host it.
import { t } from '../i18n/i18n.ts';
import { createConsoleHands, type ConsoleHandsState } from './console-hands.ts';
import type { QueuedHand } from './hands-protocol.ts';
import { exposeHandsHooks } from './hands-hooks.ts';

export function mountHandsPanel(container: HTMLElement, options: { lessonId: string }): void {
  const hands = createConsoleHands(options.lessonId);
  exposeHandsHooks({ console: hands });
  const box = document.createElement('section');
  box.className = 'hands-panel card';
  const title = document.createElement('h2');
  title.textContent = t('hands.panel.title');
  const summary = document.createElement('p');
  summary.className = 'hands-summary muted';
  summary.setAttribute('role', 'status');
  const outLoudLabel = document.createElement('label');
  outLoudLabel.className = 'hands-out-loud';
  const outLoud = document.createElement('input');
  outLoud.type = 'checkbox';
  outLoud.checked = true;
  outLoud.addEventListener('change', () => hands.setOutLoud(outLoud.checked));
  const outLoudWords = document.createElement('span');
  outLoudWords.textContent = t('hands.playOutLoud');
  outLoudLabel.append(outLoud, outLoudWords);
  const outLoudHint = document.createElement('p');
  outLoudHint.className = 'muted hands-hint';
  outLoudHint.textContent = t('hands.playOutLoudHint');
  const list = document.createElement('ol');
  list.className = 'hands-queue plain-list';
  const notice = document.createElement('p');
  notice.className = 'form-error hands-notice';
  notice.setAttribute('role', 'alert');
  box.append(title, summary, outLoudLabel, outLoudHint, list, notice);
  container.append(box);

  hands.subscribe((state) => {
    box.dataset.phase = state.phase;
    const calls = state.hands.filter((hand) => hand.state === 'accepted').length;
    summary.textContent =
      state.phase === 'connecting' ? t('hands.connecting') : state.phase === 'closed' ? t('hands.closed') : t('hands.panel.summary', { waiting: state.hands.length - calls, calls, max: state.maxAccepted });
    notice.textContent = state.notice ? t(state.notice) : '';
    notice.hidden = !state.notice;
    list.replaceChildren(...(state.hands.length === 0 ? [emptyRow()] : state.hands.map((hand) => handRow(hand, state, calls))));
  });

  function emptyRow(): HTMLElement {
    const row = document.createElement('li');
    row.className = 'empty';
    row.textContent = t('hands.panel.empty');
    return row;
  }

  function handRow(hand: QueuedHand, state: ConsoleHandsState, calls: number): HTMLElement {
    const row = document.createElement('li');
    row.className = 'hands-row';
    row.dataset.student = String(hand.studentId);
    row.dataset.state = hand.state;
    const name = document.createElement('strong');
    name.textContent = hand.name;
    const status = document.createElement('span');
    status.className = 'hands-row-status muted';
    const callState = state.calls.get(hand.studentId);
    const words = [hand.state === 'waiting' ? t('hands.state.waiting', { at: hand.raisedAt }) : !hand.mine ? t('hands.state.elsewhere') : callState === 'connected' ? t('hands.state.inCall') : callState === 'failed' ? t('hands.callFailed') : t('hands.state.connecting')];
    if (hand.muted) words.push(t('hands.state.muted'));
    status.textContent = words.join(' · ');
    const actions = document.createElement('span');
    actions.className = 'row-actions';
    const button = (label: string, kind: string, action: () => void, disabled = false) => {
      const element = document.createElement('button');
      element.type = 'button';
      element.className = `button ${kind}`;
      element.textContent = label;
      element.disabled = disabled || state.phase !== 'ready';
      element.addEventListener('click', action);
      actions.append(element);
    };
    if (hand.state === 'waiting') button(t('hands.accept'), 'button-primary', () => void hands.accept(hand.studentId), calls >= state.maxAccepted);
    else if (hand.mine) {
      button(t(hand.muted ? 'hands.unmute' : 'hands.mute'), 'button-quiet', () => hands.mute(hand.studentId, !hand.muted));
      button(t('hands.end'), 'button-danger', () => hands.end(hand.studentId));
    }
    row.append(name, status, actions);
    return row;
  }
}
