// GET /vod/<recording>/master.m3u8 and /vod/<recording>/<rendition>/<file>: a finished recording's
// replay from <dataDir>/vod, the same names and checks as /live (media-request.ts, media-path.ts).
// Only finished recordings have a folder there (replay-writer.ts writes it once, master last), so
// the files need no catalog lookup and are all immutable. A replay of a lesson that was not public
// says so in its manifest (.replay.json, written before its media): its files go only to requests
// with a good `vod` playback token for the recording (playback-guard.ts), as a protected live
// lesson's do, and carry X-Classcast-Protected so relays guard their cached copies too.
// With storage in a bucket (storage.kind 's3'), a replay no longer on this node's disk is read from
// the bucket under the same names and sent with the same headers, so its URL, its guard and the
// relays' caching stay as they were wherever the bytes are.
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { pipeline } from 'node:stream/promises';
import type { Request, Response, Router } from 'express';
import { LRUCache } from 'lru-cache';
import { resolveMediaPath } from '../core/media-path.ts';
import { sendError } from '../core/http-errors.ts';
import type { ReplayBucket } from '../replay/replay-bucket.ts';
import { replayIsProtected } from '../replay/replay-protection.ts';
import { replayManifestName } from '../replay/replay-writer.ts';
import { contentTypeFor, notFoundCacheControl, replayCacheControl } from './cache-policy.ts';
import type { MediaRequest } from './media-request.ts';
import { mediaRoutes } from './media-routes.ts';
import { protectedHeader, refusedHint, type PlaybackGuard } from './playback-guard.ts';

/** Keys in the bucket are the recordings' storage paths, vod/<recording>/... (replay-bucket.ts). */
const bucketKey = (parts: readonly string[]) => `vod/${parts.join('/')}`;

/**
 * `guard` checks playback tokens; a node given none refuses every protected replay rather than
 * serve it to anyone. `bucket`: where replays no longer on this disk are.
 */
export function vodRoutes(vodDir: string, guard?: PlaybackGuard, bucket?: ReplayBucket): Router {
  const isProtected = protectedReplays(vodDir, bucket);
  return mediaRoutes((request, response, media) => serve(request, response, media), undefined, ['vod']);

  async function serve(request: Request, response: Response, media: MediaRequest): Promise<void> {
    response.set('Access-Control-Allow-Origin', '*');
    let guarded: boolean;
    try {
      guarded = await isProtected(media.lessonId);
    } catch (error) {
      return bucketFailed(response, error as Error);
    }
    if (guarded) {
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
        if (bucket) return void fromBucket(bucket, request, response, media).catch((bucketError: Error) => bucketFailed(response, bucketError));
        notFound(response);
      },
    );
  }
}

function notFound(response: Response): void {
  response.set('Cache-Control', notFoundCacheControl);
  sendError(response, 404, 'no such replay', 'a lesson becomes a replay when it ends; list replays at /api/v1/recordings');
}

/** The store did not answer: a 503 no cache keeps, so the next request asks again. */
function bucketFailed(response: Response, error: Error): void {
  if (response.headersSent) return void response.destroy();
  response.set('Cache-Control', 'no-store');
  sendError(response, 503, `the replay store is unreachable: ${error.message}`, 'retry in a few seconds');
}

async function fromBucket(bucket: ReplayBucket, request: Request, response: Response, media: MediaRequest): Promise<void> {
  const object = await bucket.get(bucketKey(media.parts), request.headers.range);
  if (!object) return notFound(response);
  response.status(object.contentRange ? 206 : 200).set({
    'Content-Type': contentTypeFor(media.kind),
    'Cache-Control': replayCacheControl,
    'Content-Length': String(object.size),
    'Accept-Ranges': 'bytes',
    ...(object.contentRange ? { 'Content-Range': object.contentRange } : {}),
    ...(object.lastModified ? { 'Last-Modified': object.lastModified.toUTCString() } : {}),
  });
  await pipeline(object.body, response);
}

/**
 * Whether a replay needs a token, from its manifest (replay-protection.ts), read once and remembered
 * (a replay is written once under an id never reused). No manifest reads as public and is asked
 * again next time, as the replay may be being written.
 */
function protectedReplays(vodDir: string, bucket?: ReplayBucket): (recordingId: string) => Promise<boolean> {
  const known = new LRUCache<string, boolean>({ max: 10_000 });
  return async (recordingId) => {
    const remembered = known.get(recordingId);
    if (remembered !== undefined) return remembered;
    let text: string | undefined;
    try {
      text = await readFile(join(resolveMediaPath(vodDir, [recordingId]), replayManifestName), 'utf8');
    } catch {
      // A store that cannot be asked throws here, and the request fails (503) rather than serve a
      // protected replay unguarded.
      text = bucket ? await bucket.getText(bucketKey([recordingId, replayManifestName])) : undefined;
    }
    const guarded = replayIsProtected(text);
    if (text !== undefined) known.set(recordingId, guarded);
    return guarded;
  };
}
