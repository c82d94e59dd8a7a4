// The watch page for a replay: /replay/<recording> plays a finished recording's replay
// (/vod/<recording>/master.m3u8). Same page as /watch; the server names the master playlist (on the first relay) in
// <meta name="classcast-master-url"> and every relay in <meta name="classcast-relays">, as /watch
// does. The pages' policy (page-csp.ts) lets them reach this server and the relays, nothing else (no
// tracker: these pages play over HTTP).
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { Router, type Request, type Response } from 'express';
import { isSafePathPart } from '../core/media-path.ts';
import { sendError } from '../core/http-errors.ts';
import { pageRelays, relaysMetaContent } from './page-relays.ts';
import { relaysForViewer, type PageRouting } from './viewer-relays.ts';
import { pageContentSecurityPolicy } from './page-csp.ts';
import { newViewerSession, type ViewerSessionSigner } from './viewer-session-meta.ts';
import type { PageCatalog, SendNotFound } from './not-found-page.ts';
import { defaultPageLanguage, languageHeaders, localizedShells, requestLocale, type PageLanguage } from './page-language.ts';

const watchPagePath = fileURLToPath(new URL('../../player/pages/watch.html', import.meta.url));
const mediaBaseMeta = '<meta name="classcast-media-base" content="">';
const relaysMeta = '<meta name="classcast-relays" content="">';
const viewerMeta = '<meta name="classcast-viewer" content="">';

/** `routing`: where viewers' media is (by default this server's own); `lookups`: the catalog to ask
 * whether an id exists, and the 404 page to send when not. */
export function replayPageRoutes(
  routing: PageRouting = { mediaBase: () => undefined, p2p: { enabled: false, iceServers: [] } },
  viewerSessions?: ViewerSessionSigner,
  language: PageLanguage = defaultPageLanguage,
  lookups?: { catalog: PageCatalog; notFound: SendNotFound },
): Router {
  const router = Router();
  const watchPage = readFileSync(watchPagePath, 'utf8');
  for (const meta of [mediaBaseMeta, relaysMeta, viewerMeta]) if (!watchPage.includes(meta)) throw new Error(`${watchPagePath} has no ${meta} to fill in`);
  const watchPages = localizedShells(watchPage, language);
  const send = (request: Request, response: Response, masterUrl: string, bases: readonly string[]) => {
    const locale = requestLocale(request, language);
    response
      .set({ 'Cache-Control': 'no-cache', 'Content-Security-Policy': pageContentSecurityPolicy({ media: bases }), ...languageHeaders(locale, request) })
      .type('html')
      .send(
        watchPages(locale)
          .replace(mediaBaseMeta, `${mediaBaseMeta}\n    <meta name="classcast-master-url" content="${escapeAttribute(masterUrl)}">`)
          .replace(relaysMeta, `<meta name="classcast-relays" content="${escapeAttribute(relaysMetaContent(pageRelays(bases, () => '')))}">`)
          .replace(viewerMeta, `<meta name="classcast-viewer" content="${escapeAttribute(newViewerSession(viewerSessions))}">`),
      );
  };

  // The viewer's city's relays first, then the province's (viewer-relays.ts).
  const basesFor = async (request: Request) => (await relaysForViewer(request, routing)).map((relay) => relay.media);
  router.get('/replay/:recording', async (request, response) => {
    const id = request.params.recording;
    if (!isSafePathPart(id)) return sendError(response, 400, 'not a recording id', 'open a replay from GET /api/v1/recordings');
    if (lookups && !(await lookups.catalog.recordingExists(id))) return lookups.notFound(request, response, 'recording');
    const bases = await basesFor(request);
    send(request, response, `${bases[0] ?? ''}/vod/${id}/master.m3u8`, bases);
  });
  return router;
}

function escapeAttribute(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/"/g, '&quot;').replace(/</g, '&lt;');
}
