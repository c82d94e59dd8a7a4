// The web pages: the timetable at /, sign-in (/login), first start (/setup), the school page
// (/school), the operator pages (/admin, /dashboard), the watch page at /watch/<lesson> (live and
// time-shift in one; /timeshift/<lesson> redirects there) and its replay form (replay-pages.ts), the
// teacher's console at /teach/<lesson> (teach-page.ts), and the player's bundled assets at /assets. Pages
// are static shells; they read everything else from the JSON API, except what the watch page needs
// before it asks anything: where media, the P2P tracker and ICE servers are, and a signed viewer
// session its quality reports are made under (viewer-session.ts). Each page carries a
// Content-Security-Policy naming exactly what it may reach (page-csp.ts), and speaks the language
// chosen for the request (page-language.ts), with times in the province's zone.
import { existsSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import express, { Router } from 'express';
import type { P2pConfig } from '../core/config/schema.ts';
import { isSafePathPart } from '../core/media-path.ts';
import { newViewerSession, type ViewerSessionSigner } from './viewer-session-meta.ts';
import { sendError } from '../core/http-errors.ts';
import { pageBundles, type PageBundle } from '../../player/page-bundles.ts';
import { dashboardStyles } from '../../player/src/dashboard/dashboard-styles.ts';
import { pageContentSecurityPolicy } from './page-csp.ts';
import { relaysMetaContent, type MediaBase } from './page-relays.ts';
import { provinceTracker, relaysForViewer } from './viewer-relays.ts';
import { routedMasterRoutes } from './routed-master-routes.ts';
import type { ViewerCities } from '../catalog/routing/viewer-city.ts';
import { replayPageRoutes } from './replay-pages.ts';
import { handsPageRoutes } from './hands-pages.ts';
import { teachPageRoutes } from './teach-page.ts';
import { notFoundPages, type PageCatalog } from './not-found-page.ts';
import { modulePreloadsIn, watchPreloadLinks, withPreloadLinks } from './watch-preloads.ts';
import { timeShiftMasterUrl } from '../../player/src/lesson-urls.ts';
import { defaultPageLanguage, languageHeaders, localizedShells, requestLocale, type PageLanguage } from './page-language.ts';
import type { MessageKey } from '../../player/src/i18n/messages/catalogs.ts';

const playerDir = fileURLToPath(new URL('../../player/', import.meta.url));
export const playerDistDir = `${playerDir}dist`;

export type { MediaBase } from './page-relays.ts';
export type { PageLanguage } from './page-language.ts';
export { trackerUrlFor } from './viewer-relays.ts';
export type { PageCatalog } from './not-found-page.ts';

/** The pages drawn by a bundle in the shared shell (player/pages/app.html): path, title, bundle. */
const appPages: Array<[string, MessageKey, PageBundle]> = [
  ['/', 'page.timetable', 'timetable'],
  ['/login', 'page.login', 'login'],
  ['/setup', 'page.setup', 'setup'],
  ['/school', 'page.school', 'school'],
  ['/admin', 'page.admin', 'admin'],
  ['/dashboard', 'page.dashboard', 'dashboard'],
];

/** The <style> elements pages put in themselves, by bundle: the policy allows exactly these texts. */
const pageStyles: Partial<Record<PageBundle, string[]>> = { dashboard: [dashboardStyles] };

/** Peer-to-peer as the platform allows it; a lesson may still turn it off (the page asks the API). */
const p2pByDefault: P2pConfig = { enabled: true, iceServers: [] };

/**
 * `viewerSessions`: the playback secrets to sign each watch page's viewer session with; none: no
 * reports are accepted from its viewers. `language`: the platform's default language and time zone (web.*).
 * `cities`: where each viewer is and their city's relays, which the pages list first (services/catalog/routing/).
 * `catalog`: where to ask whether a lesson or recording exists (a 404 page when not); without one
 * (an ingest node's own pages) every id gets the player.
 */
export function pageRoutes(
  mediaBase: MediaBase = () => undefined,
  p2p: P2pConfig = p2pByDefault,
  viewerSessions?: ViewerSessionSigner,
  language: PageLanguage = defaultPageLanguage,
  cities?: ViewerCities,
  catalog?: PageCatalog,
): Router {
  const router = Router();
  const routing = { mediaBase, p2p, cities };
  router.use(routedMasterRoutes(routing));
  const page = (name: string) => readFileSync(`${playerDir}pages/${name}`, 'utf8');
  const shell = page('app.html');
  const watchPages = localizedShells(page('watch.html'), language);
  for (const [path, title, bundle] of appPages) {
    const shells = localizedShells(shell, language, (translator) => ({ title: translator.t('page.title', { page: translator.t(title) }), bundle }));
    const policy = pageContentSecurityPolicy({ inlineStyles: pageStyles[bundle] ?? [] });
    router.get(path, (request, response) => {
      const locale = requestLocale(request, language);
      response.set({ 'Cache-Control': 'no-cache', 'Content-Security-Policy': policy, ...languageHeaders(locale, request) }).type('html').send(shells(locale));
    });
  }
  const notFound = notFoundPages(language);
  const modulePreloads = modulePreloadsIn(playerDistDir);
  router.get('/watch/:lesson', async (request, response) => {
    if (!isSafePathPart(request.params.lesson)) return sendError(response, 400, 'not a lesson id', 'open a lesson from the timetable at /');
    const found = catalog ? await catalog.lesson(request.params.lesson) : null;
    if (catalog && !found) return notFound(request, response, 'lesson');
    // The viewer's city's relays first, then the province's; each relay's viewers meet at the tracker
    // beside it (or at the one configured for all), and on the province's at their city's.
    const relays = await relaysForViewer(request, routing);
    const bases = relays.map((relay) => relay.media);
    const tracker = relays[0]?.tracker ?? provinceTracker(request, p2p, '');
    const meta: Array<[string, string]> = [
      ['classcast-media-base', bases[0] ?? ''],
      ['classcast-relays', relaysMetaContent(relays)],
      ['classcast-tracker', tracker],
      ['classcast-ice-servers', JSON.stringify(p2p.iceServers)],
      ['classcast-viewer', newViewerSession(viewerSessions)],
    ];
    const locale = requestLocale(request, language);
    const filled = meta.reduce((page, [name, content]) => fillMeta(page, name, content), watchPages(locale));
    const links = watchPreloadLinks(
      { lessonUrl: `/api/v1/lessons/${encodeURIComponent(request.params.lesson)}`, lesson: found, masterUrl: timeShiftMasterUrl(request.params.lesson, bases[0] ?? ''), p2p: tracker !== '' },
      modulePreloads(),
    );
    const html = withPreloadLinks(filled, links);
    const trackers = [tracker, ...relays.map((relay) => relay.tracker)].filter((url) => url !== '');
    const policy = pageContentSecurityPolicy({ media: bases, sockets: trackers });
    response.set({ 'Cache-Control': 'no-cache', 'Content-Security-Policy': policy, ...languageHeaders(locale, request) }).type('html').send(html);
  });
  // The time-shift page became the watch page (which plays the whole lesson so far, with LIVE):
  // old links land there, query kept; a lesson that does not exist still gets its 404 page.
  router.get('/timeshift/:lesson', async (request, response) => {
    if (!isSafePathPart(request.params.lesson)) return sendError(response, 400, 'not a lesson id', 'open a lesson from the timetable at /');
    if (catalog && !(await catalog.lesson(request.params.lesson))) return notFound(request, response, 'lesson');
    const query = request.originalUrl.indexOf('?');
    response.redirect(301, `/watch/${encodeURIComponent(request.params.lesson)}${query >= 0 ? request.originalUrl.slice(query) : ''}`);
  });
  router.use(replayPageRoutes(routing, viewerSessions, language, catalog ? { catalog, notFound } : undefined));
  router.use(handsPageRoutes(language));
  router.use(teachPageRoutes(mediaBase, language));
  router.use('/assets', express.static(playerDistDir, { maxAge: '5m', fallthrough: true, index: false, dotfiles: 'ignore' }));
  return router;
}

/** Whether every page's bundle is in player/dist (a build from before a page was added is not enough). */
export function playerIsBuilt(): boolean {
  return Object.keys(pageBundles).every((name) => existsSync(`${playerDistDir}/${name}.js`));
}

/** Fills `<meta name="NAME" content="">` of the page template (player/pages/watch.html). */
function fillMeta(html: string, name: string, content: string): string {
  const empty = `<meta name="${name}" content="">`;
  if (!html.includes(empty)) throw new Error(`player/pages/watch.html has no ${empty}`);
  return html.replace(empty, `<meta name="${name}" content="${escapeAttribute(content)}">`);
}

function escapeAttribute(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/"/g, '&quot;').replace(/</g, '&lt;');
}
