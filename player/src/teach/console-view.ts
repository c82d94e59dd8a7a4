// The console's question and comment lists: questions by votes or by time, the comment stream, and
// each item's actions (answer in text, pin, mark answered, hide, mute its author). Drawn again from
// the catalog's console view every second; an answer being typed is kept across redraws.
import { t } from '../i18n/i18n.ts';
import { qaErrorText } from '../qa/qa-errors.ts';
import { element, qaItemElement } from '../qa/qa-item-view.ts';
import { qaSections, type QuestionOrder } from '../qa/qa-order.ts';
import type { QaConsoleItem } from '../qa/qa-types.ts';
import type { ConsoleActions, ConsoleView } from './console-actions.ts';

export type ConsoleLists = { draw(view: ConsoleView): void };

export function mountConsoleLists(section: HTMLElement, actions: ConsoleActions, refresh: () => void): ConsoleLists {
  section.hidden = false;
  let order: QuestionOrder = 'votes';
  let latest: ConsoleView | undefined;
  const status = element('p', 'qa-status');
  status.setAttribute('role', 'status');
  const orderSelect = element('select', 'qa-order');
  orderSelect.setAttribute('aria-label', t('teach.order'));
  orderSelect.append(new Option(t('teach.byVotes'), 'votes'), new Option(t('teach.byTime'), 'time'));
  orderSelect.addEventListener('change', () => {
    order = orderSelect.value === 'time' ? 'time' : 'votes';
    if (latest) draw(latest);
  });
  const lists = { pinned: element('ul', 'qa-list qa-pinned-list'), questions: element('ul', 'qa-list qa-question-list'), comments: element('ul', 'qa-list qa-comment-list') };
  const questionsHeading = element('div', 'qa-subheading-row');
  questionsHeading.append(element('h3', 'qa-subheading', t('qa.questionsHeading')), orderSelect);
  section.replaceChildren(
    element('h2', 'qa-heading', t('teach.questions')),
    status,
    element('h3', 'qa-subheading', t('qa.pinnedHeading')),
    lists.pinned,
    questionsHeading,
    lists.questions,
    element('h3', 'qa-subheading', t('qa.commentsHeading')),
    lists.comments,
  );
  // Answers being typed, by item, so a redraw does not lose them.
  const drafts = new Map<number, string>();

  const run = (work: Promise<unknown>) =>
    work.then(
      () => {
        status.textContent = '';
        refresh();
      },
      (error: unknown) => {
        status.textContent = qaErrorText(error);
        status.classList.add('qa-status-error');
      },
    );

  const button = (label: string, action: string, onClick: () => Promise<unknown>) => {
    const made = element('button', `qa-action qa-action-${action}`, label);
    made.type = 'button';
    made.dataset.action = action;
    made.addEventListener('click', () => {
      made.disabled = true;
      void run(onClick());
    });
    return made;
  };

  const itemRow = (item: QaConsoleItem) => {
    const li = qaItemElement(item);
    if (item.kind === 'question') li.append(element('span', 'qa-votes', t('teach.votes', { votes: item.votes })));
    const bar = element('div', 'qa-actions');
    bar.append(
      button(item.pinned ? t('teach.unpin') : t('teach.pin'), item.pinned ? 'unpin' : 'pin', () => actions.pin(item.id, !item.pinned)),
      ...(item.kind === 'question' ? [button(item.answered ? t('teach.unmarkAnswered') : t('teach.markAnswered'), item.answered ? 'unanswer' : 'answered', () => actions.markAnswered(item.id, !item.answered))] : []),
      button(item.hidden ? t('teach.unhide') : t('teach.hide'), item.hidden ? 'unhide' : 'hide', () => actions.hide(item.id, !item.hidden)),
      button(item.authorMuted ? t('teach.unmute') : t('teach.mute'), item.authorMuted ? 'unmute' : 'mute', () => actions.mute(item.id, !item.authorMuted)),
    );
    if (item.kind === 'question') {
      const form = element('form', 'qa-answer-form');
      const input = element('input', 'qa-answer-input');
      input.placeholder = t('teach.answerPlaceholder');
      input.setAttribute('aria-label', t('teach.answerPlaceholder'));
      input.value = drafts.get(item.id) ?? '';
      input.addEventListener('input', () => drafts.set(item.id, input.value));
      const send = element('button', 'qa-action qa-action-answer', t('teach.answer'));
      send.type = 'submit';
      send.dataset.action = 'answer';
      form.addEventListener('submit', (event) => {
        event.preventDefault();
        if (input.value.trim() === '') return;
        drafts.delete(item.id);
        void run(actions.answer(item.id, input.value.trim()));
      });
      form.append(input, send);
      bar.append(form);
    }
    li.append(bar);
    return li;
  };

  function draw(view: ConsoleView): void {
    latest = view;
    // A redraw would take the focus from an answer being typed: wait for the next one.
    if (section.contains(document.activeElement) && document.activeElement instanceof HTMLInputElement) return;
    const sections = qaSections(view.items, order);
    lists.pinned.replaceChildren(...sections.pinned.map(itemRow));
    lists.questions.replaceChildren(...sections.questions.map(itemRow));
    lists.comments.replaceChildren(...sections.comments.map(itemRow));
  }
  return { draw };
}
