// The web pages: the timetable at /, sign-in (/login), first start (/setup), the school page
// (/school), the operator pages (/admin, /dashboard), the watch page at /watch/<lesson> (and its
// replay and time-shift forms, replay-pages.ts), and the player's bundled assets at /assets. Pages
// are static shells; they read everything else from the JSON API, except what the watch page needs
// before it asks anything: where media, the P2P tracker and ICE servers are, and a signed viewer
// session its quality reports are made under (viewer-session.ts). Each page carries a
// Content-Security-Policy naming exactly what it may reach (page-csp.ts).
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
import { mediaBasesFor, pageRelays, relaysMetaContent, type MediaBase } from './page-relays.ts';
import { replayPageRoutes } from './replay-pages.ts';

const playerDir = fileURLToPath(new URL('../../player/', import.meta.url));
export const playerDistDir = `${playerDir}dist`;

export type { MediaBase } from './page-relays.ts';

/** The pages drawn by a bundle in the shared shell (player/pages/app.html): path, title, bundle. */
const appPages: Array<[string, string, PageBundle]> = [
  ['/', 'Timetable', 'timetable'],
  ['/login', 'Sign in', 'login'],
  ['/setup', 'Set up', 'setup'],
  ['/school', 'School', 'school'],
  ['/admin', 'Admin', 'admin'],
  ['/dashboard', 'Dashboard', 'dashboard'],
];

/** The <style> elements pages put in themselves, by bundle: the policy allows exactly these texts. */
const pageStyles: Partial<Record<PageBundle, string[]>> = { dashboard: [dashboardStyles] };

/** Peer-to-peer as the platform allows it; a lesson may still turn it off (the page asks the API). */
const p2pByDefault: P2pConfig = { enabled: true, iceServers: [] };

/** `viewerSessions`: the playback secrets to sign each watch page's viewer session with; none: no reports are accepted from its viewers. */
export function pageRoutes(mediaBase: MediaBase = () => undefined, p2p: P2pConfig = p2pByDefault, viewerSessions?: ViewerSessionSigner): Router {
  const router = Router();
  const page = (name: string) => readFileSync(`${playerDir}pages/${name}`, 'utf8');
  const shell = page('app.html');
  const watchPage = page('watch.html');
  for (const [path, title, bundle] of appPages) {
    const html = shell.replace('{{title}}', title).replace('{{bundle}}', bundle);
    const policy = pageContentSecurityPolicy({ inlineStyles: pageStyles[bundle] ?? [] });
    router.get(path, (_request, response) => response.set({ 'Cache-Control': 'no-cache', 'Content-Security-Policy': policy }).type('html').send(html));
  }
  router.get('/watch/:lesson', (request, response) => {
    if (!isSafePathPart(request.params.lesson)) return sendError(response, 400, 'not a lesson id', 'open a lesson from the timetable at /');
    // Each relay's viewers meet at the tracker beside it (or at the one configured for all).
    const bases = mediaBasesFor(request, mediaBase);
    const trackerFor = (base: string) => (p2p.enabled ? (p2p.trackerUrl ?? trackerUrlFor(base || `${request.protocol}://${request.get('host') ?? request.hostname}`)) : '');
    const relays = pageRelays(bases, trackerFor);
    const tracker = relays[0]?.tracker ?? trackerFor('');
    const meta: Array<[string, string]> = [
      ['classcast-media-base', bases[0] ?? ''],
      ['classcast-relays', relaysMetaContent(relays)],
      ['classcast-tracker', tracker],
      ['classcast-ice-servers', JSON.stringify(p2p.iceServers)],
      ['classcast-viewer', newViewerSession(viewerSessions)],
    ];
    const html = meta.reduce((page, [name, content]) => fillMeta(page, name, content), watchPage);
    const trackers = [tracker, ...relays.map((relay) => relay.tracker)].filter((url) => url !== '');
    const policy = pageContentSecurityPolicy({ media: bases, sockets: trackers });
    response.set({ 'Cache-Control': 'no-cache', 'Content-Security-Policy': policy }).type('html').send(html);
  });
  router.use(replayPageRoutes(mediaBase, viewerSessions));
  router.use('/assets', express.static(playerDistDir, { maxAge: '5m', fallthrough: true, index: false, dotfiles: 'ignore' }));
  return router;
}

/** Whether every page's bundle is in player/dist (a build from before a page was added is not enough). */
export function playerIsBuilt(): boolean {
  return Object.keys(pageBundles).every((name) => existsSync(`${playerDistDir}/${name}.js`));
}

/**
 * The tracker viewers of this media base announce to: the WebSocket endpoint at /tracker on the same
 * server (a city relay runs one beside its cache, so viewers meet viewers of their own city).
 */
export function trackerUrlFor(mediaBase: string): string {
  return `${mediaBase.replace(/\/+$/, '').replace(/^http(s?):\/\//, 'ws$1://')}/tracker`;
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
