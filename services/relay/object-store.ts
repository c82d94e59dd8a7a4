// Where the relay gets an object from: memory, then disk, then one shared upstream fetch. Objects
// are checked before they are cached or passed on, and bounded in size by kind (an object over its
// bound is cut off, refused and never cached: object-check.ts); a playlist that fails its check (or
// cannot be fetched) is answered with the last good copy, so viewers keep what they had.
import { createHash } from 'node:crypto';
import { LRUCache } from 'lru-cache';
import type { Logger } from '../core/log.ts';
import { contentTypeFor, privateCacheControl, type MediaFileKind } from '../media-http/cache-policy.ts';
import type { DiskCache } from './disk-cache.ts';
import { createFlight, type Flight } from './flight.ts';
import { createLessonUpstreams } from './lesson-upstreams.ts';
import { checkObject, checkSize, defaultObjectSizeLimits, type ObjectSizeLimits } from './object-check.ts';
import type { RelayStats } from './relay-stats.ts';
import { fetchFromUpstreams, ObjectRejectedError, ObjectTooLargeError, type FetchLimits, type UpstreamHeaders } from './upstream-fetch.ts';
import type { Upstreams } from './upstreams.ts';

/** `etag` is computed once when the object is stored: hashing a segment per response was most of the relay's CPU. */
export type CachedObject = { headers: UpstreamHeaders; body: Buffer; etag: string; expiresAt: number };

export type ObjectStore = {
  /** A fresh cached copy, from memory or disk. */
  lookup(path: string, kind: MediaFileKind): Promise<CachedObject | undefined>;
  /** The last good copy even if expired (playlists), for when upstream cannot give a good one. */
  stale(path: string): CachedObject | undefined;
  /** The fetch under way for `path`, started if there is none; `joined` when it was already under way. */
  fetch(path: string, kind: MediaFileKind): { flight: Flight; joined: boolean };
  isFetching(path: string): boolean;
  /** A fresh copy already in memory, found without waiting (the hot path). */
  inMemory(path: string): CachedObject | undefined;
  /** Whether a fresh copy is cached, in memory or on disk, without reading it. */
  has(path: string): boolean;
  memoryBytes(): number;
};

/** `upstreamHeaders` are sent with each upstream request for `path` (the relay's own playback token). */
export type ObjectStoreOptions = {
  upstreams: Upstreams;
  limits: FetchLimits;
  memoryBytes: number;
  disk: DiskCache;
  stats: RelayStats;
  log: Logger;
  upstreamHeaders?: (path: string) => Record<string, string>;
  /** The largest object of each kind taken from upstream; bigger ones are cut off, refused and not cached. */
  sizeLimits?: ObjectSizeLimits;
};

/**
 * A protected lesson's objects are kept on disk under this prefix (outside the URL space), so after
 * a restart the relay still knows they need a token: the disk keeps bodies, not headers.
 */
const protectedDiskPrefix = '/protected';
const diskKey = (path: string, isProtected: boolean | undefined) => (isProtected ? protectedDiskPrefix + path : path);
const immutableCacheControl = 'public, max-age=31536000, immutable';

/** Objects passed on to viewers byte by byte as they arrive; playlists and lists are checked whole first. */
const streamedKinds = new Set<MediaFileKind>(['segment', 'init']);

export function createObjectStore(options: ObjectStoreOptions): ObjectStore {
  const { stats, log } = options;
  const sizeLimits = options.sizeLimits ?? defaultObjectSizeLimits;
  const memory = new LRUCache<string, CachedObject>({ maxSize: options.memoryBytes, sizeCalculation: (entry) => Math.max(1, entry.body.length) });
  const flights = new Map<string, Flight>();
  const lastMediaSequence = new Map<string, number>();
  // Which upstream carries which lesson, so the prefetcher and viewers alike ask it first.
  const carriers = createLessonUpstreams();

  const start = (path: string, kind: MediaFileKind): Flight => {
    const flight = createFlight();
    flights.set(path, flight);
    const streamed = streamedKinds.has(kind);
    let headers: UpstreamHeaders | undefined;
    let held: Buffer[] = [];
    let checked = false;
    // Bytes of the object so far, across a cut body continued from another upstream.
    let size = 0;
    const bound = (bytes: number) => {
      const verdict = checkSize(kind, bytes, sizeLimits);
      if (!verdict.ok) throw new ObjectTooLargeError(verdict.reason);
    };
    const sink = {
      onHeaders(value: UpstreamHeaders) {
        if (value.contentLength !== undefined) bound(value.contentLength);
        headers = value;
        held = [];
        checked = false;
        size = 0;
      },
      onChunk(chunk: Buffer) {
        size += chunk.length;
        bound(size);
        if (!streamed || checked) {
          if (streamed) flight.chunk(chunk);
          else held.push(chunk);
          return;
        }
        held.push(chunk);
        const prefix = Buffer.concat(held);
        if (prefix.length < 8) return;
        const verdict = checkObject(kind, prefix);
        if (!verdict.ok) throw new ObjectRejectedError(verdict.reason);
        checked = true;
        flight.headers(headers!);
        flight.chunk(prefix);
        held = [];
      },
    };
    void fetchFromUpstreams(path, options.upstreams, options.limits, sink, stats, log, options.upstreamHeaders?.(path), carriers)
      .then(async (outcome) => {
        if (outcome.status === 'not-found') return flight.end({ status: 'not-found' });
        if (!streamed) {
          const body = Buffer.concat(held);
          const verdict = checkObject(kind, body, lastMediaSequence.get(path));
          if (!verdict.ok) {
            stats.rejected++;
            log.warn('upstream object refused', { path, upstream: outcome.upstream, reason: verdict.reason });
            options.upstreams.markDown(outcome.upstream, verdict.reason);
            return flight.end({ status: 'failed', reason: verdict.reason });
          }
          if (verdict.mediaSequence !== undefined) lastMediaSequence.set(path, verdict.mediaSequence);
          flight.headers(headers!);
          flight.chunk(body);
        } else if (!checked) {
          // Shorter than a box header: nothing was passed on yet, so it can still be refused whole.
          const verdict = checkObject(kind, Buffer.concat(held));
          if (!verdict.ok) return flight.end({ status: 'failed', reason: verdict.reason });
          flight.headers(headers!);
          flight.chunk(Buffer.concat(held));
        }
        flight.complete();
        const result = await flight.result;
        if (result.status !== 'complete') return;
        const maxAge = streamed ? Number.POSITIVE_INFINITY : maxAgeSeconds(result.headers.cacheControl) * 1000;
        memory.set(path, { headers: result.headers, body: result.body, etag: etagOf(result.body), expiresAt: Date.now() + maxAge });
        if (streamed) await options.disk.put(diskKey(path, result.headers.protected), result.body);
      })
      .catch((error: Error) => flight.end({ status: 'failed', reason: error.message }))
      .finally(() => flights.delete(path));
    return flight;
  };

  return {
    async lookup(path, kind) {
      const entry = memory.get(path);
      if (entry && entry.expiresAt > Date.now()) return entry;
      if (!streamedKinds.has(kind)) return undefined;
      const isProtected = !options.disk.has(path) && options.disk.has(diskKey(path, true));
      const body = await options.disk.get(diskKey(path, isProtected));
      if (!body) return undefined;
      const fromDisk = {
        // A protected lesson's object stays private downstream, as the origin sent it (cache-policy.ts).
        headers: isProtected
          ? { contentType: contentTypeFor(kind), cacheControl: privateCacheControl(immutableCacheControl), protected: true }
          : { contentType: contentTypeFor(kind), cacheControl: immutableCacheControl },
        body,
        etag: etagOf(body),
        expiresAt: Number.POSITIVE_INFINITY,
      };
      memory.set(path, fromDisk);
      return fromDisk;
    },
    stale: (path) => memory.peek(path),
    inMemory(path) {
      const entry = memory.get(path);
      return entry && entry.expiresAt > Date.now() ? entry : undefined;
    },
    fetch(path, kind) {
      const existing = flights.get(path);
      return existing ? { flight: existing, joined: true } : { flight: start(path, kind), joined: false };
    },
    isFetching: (path) => flights.has(path),
    has(path) {
      const entry = memory.peek(path);
      return (entry !== undefined && entry.expiresAt > Date.now()) || options.disk.has(path) || options.disk.has(diskKey(path, true));
    },
    memoryBytes: () => memory.calculatedSize ?? 0,
  };
}

function maxAgeSeconds(cacheControl: string): number {
  const match = /max-age=(\d+)/.exec(cacheControl);
  return match ? Number(match[1]) : 1;
}

export function etagOf(body: Buffer): string {
  return `"${createHash('sha1').update(body).digest('base64url')}"`;
}
