// The home page (/): the lessons live right now, each linking to its watch page, refreshed every 5 s.
import type { LessonSummary } from '../../services/origin/lessons-api.ts';
import { lessonCard, type LessonCard } from './lesson-cards.ts';

const refreshMs = 5000;
const liveLessonsUrl = '/api/v1/lessons?state=live';

const list = pageElement('lessons');
const message = pageElement('lessons-message');

let shown = '';

async function refresh(): Promise<void> {
  try {
    const response = await fetch(liveLessonsUrl, { cache: 'no-store' });
    if (!response.ok) throw new Error(`the server answered HTTP ${response.status}`);
    const { lessons } = (await response.json()) as { lessons: LessonSummary[] };
    const now = new Date();
    render(lessons.map((lesson) => lessonCard(lesson, now)));
  } catch (error) {
    showMessage(`Could not load the live lessons (${(error as Error).message}). Trying again…`);
  } finally {
    setTimeout(() => void refresh(), refreshMs);
  }
}

function render(cards: LessonCard[]): void {
  showMessage(cards.length === 0 ? 'No lesson is live right now' : '');
  const key = JSON.stringify(cards);
  if (key === shown) return;
  shown = key;
  list.replaceChildren(...cards.map(cardElement));
  document.body.dataset.lessonCount = String(cards.length);
}

function cardElement(card: LessonCard): HTMLLIElement {
  const item = document.createElement('li');
  const link = document.createElement('a');
  link.className = 'lesson-card';
  link.href = card.href;
  const badge = document.createElement('span');
  badge.className = `badge badge-${card.badge.toLowerCase()}`;
  badge.textContent = card.badge;
  const title = document.createElement('span');
  title.className = 'lesson-title';
  title.textContent = card.title;
  const detail = document.createElement('span');
  detail.className = 'lesson-detail';
  detail.textContent = card.detail;
  link.append(badge, title, detail);
  item.append(link);
  return item;
}

function showMessage(text: string): void {
  message.textContent = text;
  message.hidden = text === '';
}

function pageElement(id: string): HTMLElement {
  const element = document.getElementById(id);
  if (!element) throw new Error(`the lesson list page has no #${id}`);
  return element;
}

void refresh();
