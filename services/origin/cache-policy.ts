// Cache-Control and Content-Type for everything under /live and /vod, chosen so any HTTP cache or
// CDN can stand in for a relay: segments never change, live playlists (the sliding window and the
// time-shift list) change every segment, a replay never changes, misses are retried quickly.
// A protected lesson's files (those that need a playback token) are `private`: a generic shared
// cache (a CDN, a proxy) would hand them to anyone, so only a tier that checks tokens itself keeps
// them (our relays cache them by kind, whatever this says: services/relay/object-store.ts).
import type { NextFunction, Request, Response } from 'express';
import { protectedHeader } from './playback-guard.ts';
import { viewerFiguresMaxAgeSeconds } from '../stats/lesson-viewers.ts';

/** 'viewers': the lesson's viewer count (/live/<lesson>/viewers.json, services/stats/lesson-viewers.ts). */
export type MediaFileKind = 'master' | 'media-playlist' | 'hash-list' | 'init' | 'segment' | 'viewers';

const contentTypes: Record<MediaFileKind, string> = {
  master: 'application/vnd.apple.mpegurl',
  'media-playlist': 'application/vnd.apple.mpegurl',
  'hash-list': 'application/json',
  viewers: 'application/json',
  init: 'video/mp4',
  segment: 'video/iso.segment',
};

export function mediaFileKind(file: string): MediaFileKind | undefined {
  if (file === 'master.m3u8' || file === 'master-timeshift.m3u8') return 'master';
  if (file === 'viewers.json') return 'viewers';
  if (file === 'index.m3u8' || file === 'timeshift.m3u8') return 'media-playlist';
  // hashes-live.json: the live window's hashes, so live viewers don't fetch the whole lesson's.
  if (file === 'hashes.json' || file === 'hashes-live.json') return 'hash-list';
  if (/^init-r\d+-[A-Za-z0-9]+\.mp4$/.test(file)) return 'init';
  if (/^r\d+-\d+\.m4s$/.test(file)) return 'segment';
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
      return 'public, max-age=31536000, immutable';
    case 'master':
      return 'public, max-age=10';
    case 'viewers':
      // One reading of the tiers answers every viewer for this long (lesson-viewers.ts); relays cache it as long.
      return `public, max-age=${viewerFiguresMaxAgeSeconds}`;
    case 'media-playlist':
    case 'hash-list':
      // About half a segment while live, so a cache never holds a playlist past the next segment.
      return ended ? 'public, max-age=3600' : `public, max-age=${Math.max(1, Math.floor(segmentSeconds / 2))}`;
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
  if (!request.path.startsWith('/live/') && !request.path.startsWith('/vod/')) return next();
  const writeHead = response.writeHead;
  response.writeHead = function (this: Response, ...args: Parameters<Response['writeHead']>) {
    const cacheControl = this.getHeader('cache-control');
    if (this.getHeader(protectedHeader) === '1' && typeof cacheControl === 'string') this.setHeader('Cache-Control', privateCacheControl(cacheControl));
    return writeHead.apply(this, args);
  } as Response['writeHead'];
  next();
}
