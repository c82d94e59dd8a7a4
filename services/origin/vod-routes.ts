// GET /vod/<recording>/master.m3u8 and /vod/<recording>/<rendition>/<file>: a finished recording's
// replay from <dataDir>/vod, the same names and checks as /live (media-request.ts, media-path.ts).
// Only finished recordings have a folder there (replay-writer.ts writes it once, master last), so
// the files need no catalog lookup and are all immutable. A replay of a lesson that was not public
// says so in its manifest (.replay.json, written before its media): its files go only to requests
// with a good `vod` playback token for the recording (playback-guard.ts), as a protected live
// lesson's do, and carry X-Classcast-Protected so relays guard their cached copies too.
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { Request, Response, Router } from 'express';
import { LRUCache } from 'lru-cache';
import { resolveMediaPath } from '../core/media-path.ts';
import { sendError } from '../core/http-errors.ts';
import { replayManifestName, type ReplayManifest } from '../replay/replay-writer.ts';
import { contentTypeFor, notFoundCacheControl, replayCacheControl } from './cache-policy.ts';
import type { MediaRequest } from './media-request.ts';
import { mediaRoutes } from './media-routes.ts';
import { protectedHeader, refusedHint, type PlaybackGuard } from './playback-guard.ts';

/**
 * `guard` checks playback tokens; a node given none refuses every protected replay rather than
 * serve it to anyone.
 */
export function vodRoutes(vodDir: string, guard?: PlaybackGuard): Router {
  const isProtected = protectedReplays(vodDir);
  return mediaRoutes((request, response, media) => serve(request, response, media), undefined, ['vod']);

  async function serve(request: Request, response: Response, media: MediaRequest): Promise<void> {
    response.set('Access-Control-Allow-Origin', '*');
    if (await isProtected(media.lessonId)) {
      const verdict = guard ? guard.check('vod', media.lessonId, request.originalUrl, request.headers) : { ok: false as const, reason: 'this node checks no playback tokens' };
      if (!verdict.ok) {
        response.set('Cache-Control', 'no-store');
        return sendError(response, 403, `playback refused: ${verdict.reason}`, refusedHint);
      }
      response.set(protectedHeader, '1');
    }
    response.sendFile(
      resolveMediaPath(vodDir, media.parts),
      { dotfiles: 'deny', cacheControl: false, headers: { 'Content-Type': contentTypeFor(media.kind), 'Cache-Control': replayCacheControl } },
      (error) => {
        if (!error || response.headersSent) return;
        response.set('Cache-Control', notFoundCacheControl);
        sendError(response, 404, 'no such replay', 'a lesson becomes a replay when it ends; list replays at /api/v1/recordings');
      },
    );
  }
}

/**
 * Whether a replay needs a token, from its manifest, read once and remembered (a replay is written
 * once under an id never reused). No manifest (no such replay, or one written before replays had
 * manifests) reads as public and is asked again next time, as the replay may be being written.
 */
function protectedReplays(vodDir: string): (recordingId: string) => Promise<boolean> {
  const known = new LRUCache<string, boolean>({ max: 10_000 });
  return async (recordingId) => {
    const remembered = known.get(recordingId);
    if (remembered !== undefined) return remembered;
    let text: string;
    try {
      text = await readFile(join(resolveMediaPath(vodDir, [recordingId]), replayManifestName), 'utf8');
    } catch {
      return false;
    }
    // A manifest that cannot be read as one is a damaged replay: guarding it is the safe side.
    let manifest: Partial<ReplayManifest> | undefined;
    try {
      manifest = JSON.parse(text) as Partial<ReplayManifest>;
    } catch {
      manifest = undefined;
    }
    const guarded = manifest?.protected !== false;
    known.set(recordingId, guarded);
    return guarded;
  };
}
