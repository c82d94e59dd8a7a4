// What the watch page asks the browser for with the page itself, before its script has run: the
// catalog's answer about the lesson, the master playlist of a public live lesson on the relay the
// player starts on, and the script's chunks (docs/benchmarks.md, first frame). The player's own
// requests for the same URLs, with the same credentials, are then answered from these preloads.
// A lesson that is not public gets no master preload: its master needs the viewer's playback token,
// which the player asks the catalog for, and a tokenless preload would be a refusal in every tier's
// logs and figures. Nor does a lesson that is not live (there is no time-shift master to fetch yet,
// or it plays its replay).
import { readFileSync } from 'node:fs';
import { modulePreloadsFile, type ModulePreloads } from '../../player/module-preloads.ts';
import type { PageLesson } from './not-found-page.ts';

export type WatchPreloads = {
  /** The catalog's answer about the lesson (player/src/lesson-details.ts asks for it). */
  lessonUrl: string;
  /** The lesson as the catalog has it (null: no catalog to ask, or it does not know the lesson). */
  lesson: PageLesson | null;
  /** The lesson's time-shift master playlist on the first relay (what the player loads first). */
  masterUrl: string;
  /** Whether the page has a P2P tracker, so the player loads its peer-to-peer chunk at once. */
  p2p: boolean;
};

/** The `<link>` elements to put in the page's head, for the watch bundle's chunks as `modules` lists them. */
export function watchPreloadLinks(preloads: WatchPreloads, modules: ModulePreloads | null): string[] {
  const fetchLink = (url: string) => `<link rel="preload" href="${escapeAttribute(url)}" as="fetch" crossorigin="anonymous">`;
  const links = [fetchLink(preloads.lessonUrl)];
  if (preloads.lesson?.visibility === 'public' && preloads.lesson.state === 'live') links.push(fetchLink(preloads.masterUrl));
  const watch = modules?.watch;
  const chunks = watch ? [...watch.static, ...(preloads.p2p ? watch.dynamic : [])] : [];
  for (const chunk of chunks) links.push(`<link rel="modulepreload" href="/assets/${escapeAttribute(chunk)}">`);
  return links;
}

/**
 * The build's list of each bundle's chunks (player/build.ts), read once it exists; null before (the
 * pages then name no chunks and the browser finds them as it reads the script).
 */
export function modulePreloadsIn(distDir: string): () => ModulePreloads | null {
  let read: ModulePreloads | null = null;
  return () => {
    if (read) return read;
    try {
      read = JSON.parse(readFileSync(`${distDir}/${modulePreloadsFile}`, 'utf8')) as ModulePreloads;
    } catch {
      return null;
    }
    return read;
  };
}

/** `links` put into the watch page's head, before its relays' <meta> (player/pages/watch.html). */
export function withPreloadLinks(html: string, links: readonly string[]): string {
  const anchor = '<meta name="classcast-relays"';
  if (!html.includes(anchor)) throw new Error(`player/pages/watch.html has no ${anchor}`);
  return html.replace(anchor, `${links.map((link) => `${link}\n    `).join('')}${anchor}`);
}

function escapeAttribute(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/"/g, '&quot;').replace(/</g, '&lt;');
}
