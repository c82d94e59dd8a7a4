// The viewer's own master playlist, for players that fail over by themselves (the browser's native
// HLS on Safari and iOS): /watch/<lesson>/master.m3u8 (the lesson's time-shift master, which the
// watch page plays), /timeshift/<lesson>/master.m3u8 (the same, for old links) and
// /replay/<recording>/master.m3u8 read the lesson's master playlist from the first of the viewer's
// relays that answers (viewer-relays.ts: their city's, then the province's) and list every variant
// once per relay (redundant-master.ts), so a native player moves on when a relay dies. It is the
// viewer's own list, so it is never cached; the media playlists and segments stay on the relays.
// With `?token=` (a protected lesson), every URI in it carries the token in its path, so a native
// player sends it with every playlist, init segment and segment (path-token.ts).
import { Router, type Request, type Response } from 'express';
import { isSafePathPart } from '../core/media-path.ts';
import { tokenTextPattern } from '../origin/path-token.ts';
import { sendError } from '../core/http-errors.ts';
import { masterPlaylistName, timeShiftMasterName } from '../packager/lesson-packager.ts';
import { redundantMaster } from './redundant-master.ts';
import { ownBase, relaysForViewer, type PageRouting } from './viewer-relays.ts';

/** How long one relay has to answer before the next is asked. */
const relayAnswerMs = 2500;

export function routedMasterRoutes(routing: PageRouting): Router {
  const router = Router();
  const serve = (kind: 'live' | 'vod', file: string) => async (request: Request, response: Response) => {
    const id = String(request.params.id);
    if (!isSafePathPart(id)) return sendError(response, 400, `not a ${kind === 'vod' ? 'recording' : 'lesson'} id`, 'open it from the timetable at /');
    const token = typeof request.query.token === 'string' ? request.query.token : undefined;
    if (token !== undefined && !tokenTextPattern.test(token)) return sendError(response, 400, 'malformed playback token', 'ask GET /api/v1/lessons/{id}/playback for one');
    const relays = (await relaysForViewer(request, routing)).map((relay) => relay.media);
    const bases = relays.length > 0 ? relays : [ownBase(request)];
    const folder = `/${kind}/${encodeURIComponent(id)}/`;
    const answer = await firstAnswer(bases.map((base) => `${base}${folder}${file}${token ? `?token=${encodeURIComponent(token)}` : ''}`));
    if (answer.kind === 'none') return sendError(response, 502, `no relay answered for ${folder}${file}: ${answer.reason}`, 'try again in a few seconds');
    if (answer.kind === 'status') return sendError(response, answer.status, answer.status === 404 ? `no master playlist at ${folder}${file} (yet)` : `the relay answered ${answer.status}`);
    let body: string;
    try {
      body = redundantMaster({ master: answer.text, relays: bases, folder, token });
    } catch (error) {
      return sendError(response, 502, `the relay's ${folder}${file} is ${(error as Error).message}`);
    }
    // Readable from other origins like the relays' playlists (a school's own site embedding a player).
    response.set({ 'Cache-Control': 'no-store', 'Access-Control-Allow-Origin': '*' }).type('application/vnd.apple.mpegurl').send(body);
  };
  // The watch page plays the whole lesson so far (time-shift, with LIVE): so does a native player.
  router.get('/watch/:id/master.m3u8', serve('live', timeShiftMasterName));
  router.get('/timeshift/:id/master.m3u8', serve('live', timeShiftMasterName));
  router.get('/replay/:id/master.m3u8', serve('vod', masterPlaylistName));
  return router;
}

type Answer = { kind: 'text'; text: string } | { kind: 'status'; status: number } | { kind: 'none'; reason: string };

/** The first of `urls` that answers (a 5xx or no answer: the next is asked); a 4xx is the answer. */
async function firstAnswer(urls: readonly string[]): Promise<Answer> {
  let reason = 'no relay';
  for (const url of urls) {
    try {
      const response = await fetch(url, { signal: AbortSignal.timeout(relayAnswerMs) });
      if (response.ok) return { kind: 'text', text: await response.text() };
      if (response.status < 500) return { kind: 'status', status: response.status };
      reason = `${new URL(url).host} answered ${response.status}`;
    } catch (error) {
      reason = `${new URL(url).host}: ${(error as Error).message}`;
    }
  }
  return { kind: 'none', reason };
}
