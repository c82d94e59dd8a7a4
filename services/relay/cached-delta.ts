// A relay answers `?_HLS_skip=YES` on a live playlist with its delta update
// (services/media-http/delta-playlist.ts), made once per copy of the playlist it holds: every
// viewer of a lesson reloads the same playlist, so one copy's delta serves them all, those who
// joined its upstream fetch and those served it from the cache after, until a newer copy comes.
import { createHash } from 'node:crypto';
import { deltaUpdate } from '../media-http/delta-playlist.ts';
import type { CachedObject } from './object-store.ts';

/** Keyed by the copy's bytes: the fetch's result and the cache entry made of it share them. */
const deltas = new WeakMap<Buffer, CachedObject | null>();

/** The delta of a playlist copy, with its own ETag, or undefined when it has none (too short, ended). */
export function deltaObject(whole: Pick<CachedObject, 'headers' | 'body'>): CachedObject | undefined {
  let delta = deltas.get(whole.body);
  if (delta === undefined) {
    const text = deltaUpdate(whole.body.toString('utf8'));
    const body = text === undefined ? undefined : Buffer.from(text, 'utf8');
    delta = body ? { headers: whole.headers, body, etag: `"${createHash('sha1').update(body).digest('base64url')}"`, expiresAt: Number.POSITIVE_INFINITY } : null;
    deltas.set(whole.body, delta);
  }
  return delta ?? undefined;
}
