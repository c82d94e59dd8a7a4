// One question or comment as the pages draw it: author, badges (pinned, answered, hidden), its time
// into the lesson, the text, and the teacher's answer. Every text goes in with textContent, so a
// post with markup (`<script>`, `<b>`) is shown as the characters it is, never run or rendered.
import { t } from '../i18n/i18n.ts';
import { lessonClock } from './qa-order.ts';
import type { QaFeedItem } from './qa-types.ts';

export function element<K extends keyof HTMLElementTagNameMap>(tag: K, className?: string, text?: string): HTMLElementTagNameMap[K] {
  const made = document.createElement(tag);
  if (className) made.className = className;
  if (text !== undefined) made.textContent = text;
  return made;
}

export function qaItemElement(item: QaFeedItem & { hidden?: boolean; authorMuted?: boolean }): HTMLLIElement {
  const li = element('li', `qa-item qa-${item.kind}`);
  li.dataset.qaId = String(item.id);
  li.dataset.kind = item.kind;
  li.classList.toggle('qa-pinned', item.pinned);
  li.classList.toggle('qa-answered', item.answered);
  li.classList.toggle('qa-hidden', item.hidden === true);
  const meta = element('div', 'qa-meta');
  meta.append(element('span', 'qa-author', item.author));
  if (item.pinned) meta.append(element('span', 'qa-badge qa-badge-pinned', t('qa.pinned')));
  if (item.answered) meta.append(element('span', 'qa-badge qa-badge-answered', t('qa.answered')));
  if (item.hidden) meta.append(element('span', 'qa-badge qa-badge-hidden', t('qa.hidden')));
  if (item.authorMuted) meta.append(element('span', 'qa-badge qa-badge-muted', t('qa.muted')));
  if (item.atSeconds !== null) meta.append(element('time', 'qa-time', lessonClock(item.atSeconds)));
  li.append(meta, element('p', 'qa-body', item.body));
  if (item.answer) {
    const answer = element('p', 'qa-answer');
    answer.append(element('strong', undefined, t('qa.teacherAnswer')), document.createTextNode(' '), element('span', 'qa-answer-text', item.answer));
    li.append(answer);
  }
  return li;
}
