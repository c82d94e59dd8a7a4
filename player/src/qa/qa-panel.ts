// The Q&A panel under the watch and time-shift players: post a question or a comment, upvote
// questions, and read what the lesson's teacher pinned and answered. It reads the lesson's feed
// from the relay the page plays from (qa-feed-poll.ts) and posts to the catalog API; a refused post
// says why in the page's language (qa-errors.ts). Texts are drawn as text (qa-item-view.ts).
import { api } from '../shared/api-client.ts';
import { ApiRequestError } from '../shared/api-error.ts';
import { t } from '../i18n/i18n.ts';
import { followQaFeed, qaFeedUrl, type FeedFollower } from './qa-feed-poll.ts';
import { qaErrorText } from './qa-errors.ts';
import { element, qaItemElement } from './qa-item-view.ts';
import { qaSections } from './qa-order.ts';
import type { QaFeed, QaFeedItem, QaKind } from './qa-types.ts';

export type QaPanelOptions = {
  lessonId: string;
  /** The base URL of the relay the page plays from now ('' for this origin). */
  mediaBase: () => string;
  /** The protected lesson's current playback token, if it has one. */
  token: () => string | undefined;
};

export function mountQaPanel(section: HTMLElement, options: QaPanelOptions): FeedFollower {
  const { lessonId } = options;
  section.hidden = false;
  const form = element('form', 'qa-form');
  const kind = element('select', 'qa-kind');
  kind.name = 'kind';
  kind.append(new Option(t('qa.kind.question'), 'question'), new Option(t('qa.kind.comment'), 'comment'));
  kind.setAttribute('aria-label', t('qa.kind'));
  const text = element('textarea', 'qa-text');
  text.name = 'text';
  text.rows = 2;
  text.placeholder = t('qa.placeholder');
  text.setAttribute('aria-label', t('qa.placeholder'));
  const name = element('input', 'qa-name');
  name.name = 'displayName';
  name.placeholder = t('qa.displayName');
  name.setAttribute('aria-label', t('qa.displayName'));
  name.maxLength = 40;
  name.hidden = true;
  const send = element('button', 'qa-send', t('qa.send'));
  send.type = 'submit';
  const status = element('p', 'qa-status');
  status.setAttribute('role', 'status');
  const row = element('div', 'qa-form-row');
  row.append(kind, name, send);
  form.append(text, row, status);

  const lists = { pinned: element('ul', 'qa-list qa-pinned-list'), questions: element('ul', 'qa-list qa-question-list'), comments: element('ul', 'qa-list qa-comment-list') };
  const heading = (key: 'qa.pinnedHeading' | 'qa.questionsHeading' | 'qa.commentsHeading') => element('h3', 'qa-subheading', t(key));
  const empty = element('p', 'qa-empty', t('qa.empty'));
  const closedNote = element('p', 'qa-note', t('qa.closedNote'));
  closedNote.hidden = true;
  const raiseHand = section.querySelector('#raise-hand');
  section.replaceChildren(element('h2', 'qa-heading', t('qa.heading')), ...(raiseHand ? [raiseHand] : []), form, closedNote, empty, heading('qa.pinnedHeading'), lists.pinned, heading('qa.questionsHeading'), lists.questions, heading('qa.commentsHeading'), lists.comments);

  let signedIn: boolean | undefined;
  let latest: QaFeed | undefined;
  void api.get('/auth/me').then(
    () => (signedIn = true),
    (error: unknown) => {
      signedIn = !(error instanceof ApiRequestError && error.status === 401);
      showSettings();
    },
  );

  const say = (message: string, failed: boolean) => {
    status.textContent = message;
    status.classList.toggle('qa-status-error', failed);
  };

  function showSettings(): void {
    const settings = latest?.settings;
    if (!settings) return;
    name.hidden = signedIn !== false || !settings.anonymousAllowed;
    closedNote.hidden = !settings.questionsClosed;
    const questionOption = kind.options[0]!;
    questionOption.disabled = settings.questionsClosed;
    if (settings.questionsClosed && kind.value === 'question') kind.value = 'comment';
  }

  const voteButton = (item: QaFeedItem) => {
    const button = element('button', 'qa-vote', t('qa.vote', { votes: item.votes }));
    button.type = 'button';
    button.setAttribute('aria-label', t('qa.voteLabel', { votes: item.votes }));
    button.addEventListener('click', () => {
      button.disabled = true;
      api.post<{ votes: number }>(`/lessons/${encodeURIComponent(lessonId)}/qa/items/${item.id}/vote`).then(
        ({ votes }) => (button.textContent = t('qa.vote', { votes })),
        (error: unknown) => {
          button.disabled = false;
          say(qaErrorText(error), true);
        },
      );
    });
    return button;
  };

  const draw = (feed: QaFeed) => {
    latest = feed;
    showSettings();
    const sections = qaSections(feed.items, 'votes');
    const withVote = (item: QaFeedItem) => {
      const li = qaItemElement(item);
      if (item.kind === 'question' && !item.answered) li.append(voteButton(item));
      return li;
    };
    lists.pinned.replaceChildren(...sections.pinned.map(qaItemElement));
    lists.questions.replaceChildren(...sections.questions.map(withVote));
    lists.comments.replaceChildren(...sections.comments.map(qaItemElement));
    empty.hidden = feed.items.length > 0;
  };
  const follower = followQaFeed(() => qaFeedUrl(options.mediaBase(), lessonId, options.token()), draw);

  form.addEventListener('submit', (event) => {
    event.preventDefault();
    const body: { kind: QaKind; text: string; displayName?: string } = { kind: kind.value === 'comment' ? 'comment' : 'question', text: text.value };
    if (!name.hidden && name.value.trim() !== '') body.displayName = name.value.trim();
    if (text.value.trim() === '') return say(t('qa.error.empty'), true);
    send.disabled = true;
    api.post(`/lessons/${encodeURIComponent(lessonId)}/qa/items`, body).then(
      () => {
        text.value = '';
        send.disabled = false;
        say(t('qa.sent'), false);
        follower.now();
      },
      (error: unknown) => {
        send.disabled = false;
        say(qaErrorText(error), true);
      },
    );
  });
  return follower;
}
