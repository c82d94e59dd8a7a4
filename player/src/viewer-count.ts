// The watch page's viewer count: /live/<lesson>/viewers.json read from the relay the page plays
// from (the origin serves the dashboard's figure, relays cache it for a few seconds, so asking costs
// the province nothing per viewer). Shown as "N viewers watching" beside the lesson's details;
// hidden while the count cannot be read.
// A count of 0 is never shown: the viewer reading it is watching, so 0 only means the tiers have not
// counted them yet (their first report is on its way). Until a real figure (1 or more) comes, the
// page shows nothing and asks again every few seconds; after it, a 0 keeps the last real figure.
import { t } from './i18n/i18n.ts';

/** Longer than the document's 5 s cache life, so each reading is a fresh figure. */
const everyMs = 10_000;
/** Until the first real figure: about as often as the relays' copy can change. */
const untilCountedMs = 2_500;

export type ViewerCountOptions = {
  /** The document's URL on the current relay, with the playback token where the lesson needs one. */
  url(): string;
  element: HTMLElement;
};

export function showViewerCount({ url, element }: ViewerCountOptions): { stop(): void } {
  let counted = false;
  let stopped = false;
  let timer: ReturnType<typeof setTimeout> | undefined;
  const read = async () => {
    try {
      const response = await fetch(url(), { headers: { Accept: 'application/json' } });
      if (!response.ok) throw new Error(`HTTP ${response.status}`);
      const body = (await response.json()) as { viewers?: unknown };
      if (typeof body.viewers !== 'number') throw new Error('no viewer count');
      if (body.viewers >= 1) {
        counted = true;
        element.textContent = t('watch.viewers', { viewers: body.viewers });
        element.dataset.viewers = String(body.viewers);
        element.hidden = false;
      }
    } catch {
      element.hidden = true;
    }
    if (!stopped) timer = setTimeout(() => void read(), counted ? everyMs : untilCountedMs);
  };
  void read();
  return {
    stop: () => {
      stopped = true;
      clearTimeout(timer);
    },
  };
}

/** /live/<lesson>/viewers.json on a media base ('' for this origin). */
export function viewerCountUrl(lessonId: string, mediaBase: string): string {
  return `${mediaBase.replace(/\/+$/, '')}/live/${encodeURIComponent(lessonId)}/viewers.json`;
}
