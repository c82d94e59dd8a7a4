// Cache-Control and Content-Type for everything under /live and /vod, chosen so any HTTP cache or
// CDN can stand in for a relay: segments never change, live playlists (the sliding window and the
// time-shift list) change every segment, a replay never changes, misses are retried quickly.
// A protected lesson's files (those that need a playback token) are `private`: a generic shared
// cache (a CDN, a proxy) would hand them to anyone, so only a tier that checks tokens itself keeps
// them (our relays cache them by kind, whatever this says: services/relay/object-store.ts).
import type { NextFunction, Request, Response } from 'express';
import { withoutPathToken } from './path-token.ts';
import { protectedHeader } from './playback-guard.ts';
import { viewerFiguresMaxAgeSeconds } from '../stats/lesson-viewers.ts';

/**
 * 'viewers': the lesson's viewer count (/live/<lesson>/viewers.json, services/stats/lesson-viewers.ts).
 * 'qa-feed': the lesson's questions and comments (/live/<lesson>/qa.json, docs/classroom.md), fresh for a second like a playlist.
 * `poster`, `thumbnail-track` and `sprite` are the lesson's pictures (services/pictures/): a frame
 * refreshed every minute while live, and the seek-bar preview track over its sprite images.
 */
export type MediaFileKind =
  | 'master'
  | 'media-playlist'
  | 'hash-list'
  | 'init'
  | 'segment'
  | 'viewers'
  | 'qa-feed'
  | 'poster'
  | 'thumbnail-track'
  | 'sprite';

/** The folder of a lesson (or replay) that holds its seek-bar thumbnails: never a rendition's name. */
export const thumbnailsFolder = 'thumbnails';

const contentTypes: Record<MediaFileKind, string> = {
  master: 'application/vnd.apple.mpegurl',
  'media-playlist': 'application/vnd.apple.mpegurl',
  'hash-list': 'application/json',
  viewers: 'application/json',
  init: 'video/mp4',
  segment: 'video/iso.segment',
  'qa-feed': 'application/json; charset=utf-8',
  poster: 'image/jpeg',
  'thumbnail-track': 'text/vtt; charset=utf-8',
  sprite: 'image/jpeg',
};

export function mediaFileKind(file: string): MediaFileKind | undefined {
  if (file === 'master.m3u8' || file === 'master-timeshift.m3u8') return 'master';
  if (file === 'viewers.json') return 'viewers';
  if (file === 'index.m3u8' || file === 'timeshift.m3u8') return 'media-playlist';
  // hashes-live.json: the live window's hashes, so live viewers don't fetch the whole lesson's.
  if (file === 'hashes.json' || file === 'hashes-live.json') return 'hash-list';
  if (file === 'qa.json') return 'qa-feed';
  if (/^init-r\d+-[A-Za-z0-9]+\.mp4$/.test(file)) return 'init';
  if (/^r\d+-\d+\.m4s$/.test(file)) return 'segment';
  if (file === 'poster.jpg') return 'poster';
  if (file === 'thumbnails.vtt') return 'thumbnail-track';
  if (/^sprite-\d{1,6}\.jpg$/.test(file)) return 'sprite';
  return undefined;
}

export function contentTypeFor(kind: MediaFileKind): string {
  return contentTypes[kind];
}

/** `segmentSeconds` is the lesson's; `ended` lessons' playlists no longer change. */
export function cacheControlFor(kind: MediaFileKind, segmentSeconds: number, ended: boolean): string {
  switch (kind) {
    case 'init':
    case 'segment':
    // Each sprite is written once under a number never used again (services/pictures/lesson-pictures.ts).
    case 'sprite':
      return 'public, max-age=31536000, immutable';
    // Replaced every minute while live (about a minute in caches, as asked of posters); fixed once ended.
    case 'poster':
      return ended ? 'public, max-age=3600' : 'public, max-age=60';
    // Grows by a sprite every thumbnail batch (half a minute): a viewer sees new thumbnails soon after.
    case 'thumbnail-track':
      return ended ? 'public, max-age=3600' : 'public, max-age=10';
    case 'master':
      return 'public, max-age=10';
    case 'viewers':
      // One reading of the tiers answers every viewer for this long (lesson-viewers.ts); relays cache it as long.
      return `public, max-age=${viewerFiguresMaxAgeSeconds}`;
    case 'media-playlist':
    case 'hash-list':
      // About half a segment while live, so a cache never holds a playlist past the next segment.
      return ended ? 'public, max-age=3600' : `public, max-age=${Math.max(1, Math.floor(segmentSeconds / 2))}`;
    case 'qa-feed':
      // A second, whatever the segment length: a question should reach every viewer within about two.
      // An ended lesson's feed still changes (the teacher may answer later), only more slowly.
      return ended ? 'public, max-age=10' : 'public, max-age=1';
  }
}

/**
 * A replay's files are written once, when its recording is finished, under an id never used again,
 * and served only from then on: every one of them is immutable.
 */
export const replayCacheControl = 'public, max-age=31536000, immutable';

export const notFoundCacheControl = 'public, max-age=1';

/** The same freshness, for a protected lesson's file: no shared cache may keep it. */
export function privateCacheControl(cacheControl: string): string {
  return cacheControl.replace(/^public\b/, 'private');
}

/**
 * Middleware for the /live and /vod routes: a response marked protected (X-Classcast-Protected)
 * goes out with its Cache-Control made private, whichever route set it, just before the headers
 * are written.
 */
export function privateWhenProtected(request: Request, response: Response, next: NextFunction): void {
  const path = withoutPathToken(request.path);
  if (!path.startsWith('/live/') && !path.startsWith('/vod/')) return next();
  const writeHead = response.writeHead;
  response.writeHead = function (this: Response, ...args: Parameters<Response['writeHead']>) {
    const cacheControl = this.getHeader('cache-control');
    if (this.getHeader(protectedHeader) === '1' && typeof cacheControl === 'string') this.setHeader('Cache-Control', privateCacheControl(cacheControl));
    return writeHead.apply(this, args);
  } as Response['writeHead'];
  next();
}
