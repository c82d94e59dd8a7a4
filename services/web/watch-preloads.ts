// What the watch page asks the browser for with the page itself, before its script has run: the
// catalog's answer about the lesson, the master playlist of a public live lesson on the relay the
// player starts on, and the script's chunks (docs/benchmarks.md, first frame). The player's own
// requests for the same URLs, with the same credentials, are then answered from these preloads.
// A lesson that is not public gets no master preload: its master needs the viewer's playback token,
// which the player asks the catalog for, and a tokenless preload would be a refusal in every tier's
// logs and figures. Nor does a lesson that is not live (there is no time-shift master to fetch yet,
// or it plays its replay).
import { readFileSync, statSync } from 'node:fs';
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

/**
 * The `<link>` elements to put in the page's head: the fetches (`data`), and the watch bundle's
 * chunks as `modules` lists them (`chunks`).
 */
export function watchPreloadLinks(preloads: WatchPreloads, modules: ModulePreloads | null): { data: string[]; chunks: string[] } {
  const fetchLink = (url: string) => `<link rel="preload" href="${escapeAttribute(url)}" as="fetch" crossorigin="anonymous">`;
  const data = [fetchLink(preloads.lessonUrl)];
  if (preloads.lesson?.visibility === 'public' && preloads.lesson.state === 'live') data.push(fetchLink(preloads.masterUrl));
  const watch = modules?.watch;
  const chunks = watch ? [...watch.static, ...(preloads.p2p ? watch.dynamic : [])] : [];
  return { data, chunks: chunks.map((chunk) => `<link rel="modulepreload" href="/assets/${escapeAttribute(chunk)}">`) };
}

/**
 * The build's list of each bundle's chunks (player/build.ts), read again whenever the file changes
 * (a rebuild under a running server names new chunks: the old names would be preloaded for nothing
 * and the new ones found late); null before the first build (the pages then name no chunks and the
 * browser finds them as it reads the script). A stat per watch page; the file is read only when
 * it changed.
 */
export function modulePreloadsIn(distDir: string): () => ModulePreloads | null {
  const path = `${distDir}/${modulePreloadsFile}`;
  let read: { version: string; preloads: ModulePreloads } | undefined;
  return () => {
    let version: string;
    try {
      const { mtimeMs, size, ino } = statSync(path);
      version = `${mtimeMs}:${size}:${ino}`;
    } catch {
      return read?.preloads ?? null;
    }
    if (read?.version === version) return read.preloads;
    try {
      read = { version, preloads: JSON.parse(readFileSync(path, 'utf8')) as ModulePreloads };
    } catch {
      // Caught mid-write: the list read before stands until the next page.
    }
    return read?.preloads ?? null;
  };
}

/**
 * `links` put into the watch page's head (player/pages/watch.html): the fetches before its relays'
 * <meta>, the chunks after its script, so the browser asks for the script (and the styles) before
 * them (a server over HTTP/1.1 takes six requests at a time).
 */
export function withPreloadLinks(html: string, links: { data: readonly string[]; chunks: readonly string[] }): string {
  const before = '<meta name="classcast-relays"';
  const after = '<script type="module" src="/assets/watch.js"></script>';
  for (const anchor of [before, after]) if (!html.includes(anchor)) throw new Error(`player/pages/watch.html has no ${anchor}`);
  return html
    .replace(before, `${links.data.map((link) => `${link}\n    `).join('')}${before}`)
    .replace(after, `${after}${links.chunks.map((link) => `\n    ${link}`).join('')}`);
}

function escapeAttribute(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/"/g, '&quot;').replace(/</g, '&lt;');
}
