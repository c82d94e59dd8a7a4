// Decides whether an object fetched from upstream may be cached and served: a broken upstream
// (garbage, an error page, a truncated body, a playlist that goes back in time) must not reach
// viewers or the cache. Pure, so each rule is tested without sockets.
import type { MediaFileKind } from '../origin/cache-policy.ts';
import { parsePlaylist } from '../core/parse-playlist.ts';
import { configSchema, type Config } from '../core/config/schema.ts';

export type CheckResult = { ok: true; mediaSequence?: number } | { ok: false; reason: string };

/**
 * The largest object of each kind the relay takes from upstream (config `relay.maxPlaylistKb`,
 * `maxInitKb`, `maxSegmentMb`). The relay holds an object in memory until it is complete, so
 * without a bound a broken or hostile upstream sending a valid box header and then gigabytes fills
 * the relay's memory and its disk cache. Playlists include the time-shift list and the hash lists,
 * which grow with the lesson: a four-hour lesson in 1 s segments stays well under 4 MiB.
 */
export type ObjectSizeLimits = { playlistBytes: number; initBytes: number; segmentBytes: number };

/** The limits from the configuration's `relay` section. */
export function objectSizeLimitsOf(relay: Pick<Config['relay'], 'maxPlaylistKb' | 'maxInitKb' | 'maxSegmentMb'>): ObjectSizeLimits {
  return { playlistBytes: relay.maxPlaylistKb * 1024, initBytes: relay.maxInitKb * 1024, segmentBytes: relay.maxSegmentMb * 1024 ** 2 };
}

/** The configuration's defaults (schema.ts), for a store given none. */
export const defaultObjectSizeLimits: ObjectSizeLimits = objectSizeLimitsOf(configSchema.shape.relay.parse(undefined));

/** A poster or a sprite: a few tens of kilobytes (services/pictures/), far under this. */
export const pictureBytes = 2 * 1024 ** 2;

export function maxBytesFor(kind: MediaFileKind, limits: ObjectSizeLimits): number {
  switch (kind) {
    case 'poster':
    case 'sprite':
      return pictureBytes;
    case 'thumbnail-track':
      return limits.playlistBytes;
    case 'init':
      return limits.initBytes;
    case 'segment':
      return limits.segmentBytes;
    case 'master':
    case 'media-playlist':
    case 'hash-list':
    case 'viewers':
    case 'qa-feed':
      return limits.playlistBytes;
  }
}

/** Refuses a size over the bound: the declared Content-Length before any byte, or the bytes so far. */
export function checkSize(kind: MediaFileKind, bytes: number, limits: ObjectSizeLimits): CheckResult {
  const max = maxBytesFor(kind, limits);
  return bytes > max ? { ok: false, reason: `${kind} larger than the relay's bound of ${max} bytes (${bytes} bytes)` } : { ok: true };
}

/** ISO BMFF box types a CMAF init or media segment may start with. */
const firstBoxes = new Set(['ftyp', 'styp', 'moof', 'sidx', 'prft', 'emsg']);

export function checkObject(kind: MediaFileKind, body: Buffer, previousMediaSequence?: number): CheckResult {
  if (body.length === 0) return { ok: false, reason: 'empty body' };
  switch (kind) {
    case 'init':
    case 'segment': {
      const box = body.length >= 8 ? body.toString('latin1', 4, 8) : '';
      return firstBoxes.has(box) ? { ok: true } : { ok: false, reason: `not an MP4 ${kind} (starts with '${box.replace(/[^\x20-\x7e]/g, '?')}')` };
    }
    case 'master':
    case 'media-playlist': {
      const text = body.toString('utf8');
      if (!text.startsWith('#EXTM3U')) return { ok: false, reason: 'not an HLS playlist' };
      if (kind === 'master') return { ok: true };
      let parsed;
      try {
        parsed = parsePlaylist(text);
      } catch (error) {
        return { ok: false, reason: (error as Error).message };
      }
      const mediaSequence = parsed.mediaSequence ?? 0;
      if (previousMediaSequence !== undefined && mediaSequence < previousMediaSequence) {
        return { ok: false, reason: `media sequence went back from ${previousMediaSequence} to ${mediaSequence}` };
      }
      return { ok: true, mediaSequence };
    }
    case 'poster':
    case 'sprite':
      // Every JPEG starts with its SOI marker and a segment marker.
      return body.length >= 3 && body[0] === 0xff && body[1] === 0xd8 && body[2] === 0xff ? { ok: true } : { ok: false, reason: `${kind} is not a JPEG image` };
    case 'thumbnail-track':
      return /^(\uFEFF)?WEBVTT/.test(body.toString('utf8')) ? { ok: true } : { ok: false, reason: 'thumbnail track is not WebVTT' };
    case 'hash-list':
    case 'viewers': {
      try {
        JSON.parse(body.toString('utf8'));
        return { ok: true };
      } catch {
        return { ok: false, reason: `${kind === 'viewers' ? 'viewer count' : 'hash list'} is not JSON` };
      }
    }
    case 'qa-feed': {
      let feed: unknown;
      try {
        feed = JSON.parse(body.toString('utf8'));
      } catch {
        return { ok: false, reason: 'questions feed is not JSON' };
      }
      const items = (feed as { items?: unknown } | null)?.items;
      return Array.isArray(items) ? { ok: true } : { ok: false, reason: 'questions feed has no items list' };
    }
  }
}
