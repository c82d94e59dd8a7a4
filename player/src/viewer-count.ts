// The watch page's viewer count: /live/<lesson>/viewers.json read from the relay the page plays
// from (the origin serves the dashboard's figure, relays cache it for a few seconds, so asking costs
// the province nothing per viewer). Shown as "N viewers watching" beside the lesson's details;
// hidden while the count cannot be read.
import { t } from './i18n/i18n.ts';

/** Longer than the document's 5 s cache life, so each reading is a fresh figure. */
const everyMs = 10_000;

export type ViewerCountOptions = {
  /** The document's URL on the current relay, with the playback token where the lesson needs one. */
  url(): string;
  element: HTMLElement;
};

export function showViewerCount({ url, element }: ViewerCountOptions): { stop(): void } {
  const read = async () => {
    try {
      const response = await fetch(url(), { headers: { Accept: 'application/json' } });
      if (!response.ok) throw new Error(`HTTP ${response.status}`);
      const body = (await response.json()) as { viewers?: unknown };
      if (typeof body.viewers !== 'number') throw new Error('no viewer count');
      element.textContent = t('watch.viewers', { viewers: body.viewers });
      element.dataset.viewers = String(body.viewers);
      element.hidden = false;
    } catch {
      element.hidden = true;
    }
  };
  void read();
  const timer = setInterval(() => void read(), everyMs);
  return { stop: () => clearInterval(timer) };
}

/** /live/<lesson>/viewers.json on a media base ('' for this origin). */
export function viewerCountUrl(lessonId: string, mediaBase: string): string {
  return `${mediaBase.replace(/\/+$/, '')}/live/${encodeURIComponent(lessonId)}/viewers.json`;
}
