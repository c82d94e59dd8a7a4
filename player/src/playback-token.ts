// A protected lesson's playback token on the watch page: asked of the catalog for the signed-in
// viewer (GET /api/v1/lessons/<id>/playback live, /api/v1/recordings/<id>/playback for a replay),
// then added as `?token=` to every media request (hls.js playlists and init segments through
// xhrSetup, p2p-media-loader's HTTP segments through httpRequestSetup, the hash lists) and to the
// tracker URL. hls.js and the P2P engine keep seeing the URLs without it, so playlists, segment ids
// and swarms are the same for every viewer, and every tier caches one copy (docs/protected-lessons.md).
//
// A token lasts `playback.tokenTtlSeconds`; a lesson may last longer. The page asks the catalog for a
// new one halfway through each token's life (tokenRenewal) and every request made after that
// carries the new one: the hooks read the current token when they send, not when they were made.
import type { HlsConfig } from 'hls.js';

/** `lifetimeMs`: how long the token has left by the catalog's clock, so a wrong clock here does not matter. */
export type PlaybackToken = { token: string; expiresAt: string; protected: boolean; lifetimeMs: number };

/** Where the catalog issues tokens for a live (or time-shifted) lesson, or for a recording's replay. */
export function playbackTokenUrl(what: 'lesson' | 'recording', id: string): string {
  return `/api/v1/${what === 'lesson' ? 'lessons' : 'recordings'}/${encodeURIComponent(id)}/playback`;
}

/**
 * The token from `url` (playbackTokenUrl); when the catalog will not give one, why: 'sign-in-needed'
 * (not signed in: signing in may help), 'not-allowed' (signed in with an account that may not watch
 * it: signing in again would not help); null when there is no catalog to ask (a node without one serves public
 * lessons only) or it could not be reached.
 */
export type TokenRefusal = 'sign-in-needed' | 'not-allowed';

export async function fetchPlaybackToken(url: string): Promise<PlaybackToken | TokenRefusal | null> {
  try {
    const response = await fetch(url, { credentials: 'same-origin', cache: 'no-store', headers: { Accept: 'application/json' } });
    if (response.status === 401) return 'sign-in-needed';
    if (response.status === 403) return 'not-allowed';
    if (!response.ok) return null;
    const body = (await response.json()) as Partial<PlaybackToken>;
    if (typeof body.token !== 'string' || typeof body.expiresAt !== 'string') return null;
    const serverNow = Date.parse(response.headers.get('date') ?? '');
    const lifetimeMs = Date.parse(body.expiresAt) - (Number.isFinite(serverNow) ? serverNow : Date.now());
    return { token: body.token, expiresAt: body.expiresAt, protected: body.protected !== false, lifetimeMs: Number.isFinite(lifetimeMs) ? lifetimeMs : 0 };
  } catch {
    return null;
  }
}

/** `current`: the token to send now, the newest the catalog gave. */
export type TokenRenewal = { current(): string };

/** Renewals of tokens the page was first given: hooks made from a first token send its newest renewal. */
const renewedFrom = new Map<string, () => string>();

/**
 * Keeps the token from `url` fresh for as long as the page lives: a new one halfway through each
 * token's life, retried sooner when the catalog cannot be reached. Stops when the catalog refuses
 * (the viewer signed out): the tiers then refuse the media once the last token expires.
 */
export function startTokenRenewal(url: string, first: PlaybackToken): TokenRenewal {
  let token = first;
  const schedule = (delayMs: number) => void setTimeout(() => void renew(), Math.max(500, delayMs));
  const renew = async () => {
    const answer = await fetchPlaybackToken(url);
    if (answer === 'sign-in-needed' || answer === 'not-allowed') return;
    if (answer === null) {
      // The catalog could not be reached: try again soon, while the current token still plays.
      return schedule(Math.min(5000, token.lifetimeMs / 4));
    }
    token = answer;
    schedule(answer.lifetimeMs / 2);
  };
  schedule(first.lifetimeMs / 2);
  const current = () => token.token;
  renewedFrom.set(first.token, current);
  return { current };
}

/** The newest renewal of `token`, or `token` itself when it is not renewed. */
export function currentToken(token: string): string {
  return renewedFrom.get(token)?.() ?? token;
}

/** `url` with `token=` added to its query (relative URLs stay relative). */
export function withToken(url: string, token: string): string {
  const hash = url.indexOf('#');
  const base = hash >= 0 ? url.slice(0, hash) : url;
  return `${base}${base.includes('?') ? '&' : '?'}token=${encodeURIComponent(token)}${hash >= 0 ? url.slice(hash) : ''}`;
}

/** hls.js opens each request itself unless xhrSetup already did: opening it here changes only the URL sent. */
export function tokenXhrSetup(token: () => string): Pick<HlsConfig, 'xhrSetup'> {
  return {
    xhrSetup(xhr, url) {
      xhr.open('GET', withToken(url, token()), true);
    },
  };
}

/**
 * p2p-media-loader's hook for its HTTP segment requests, with the token and the byte range it asked
 * for. Given the first token as text (p2p-hls.ts), it sends that token's newest renewal.
 */
export function tokenHttpRequestSetup(token: string | (() => string)) {
  const tokenNow = typeof token === 'function' ? token : () => currentToken(token);
  return async (segmentUrl: string, _segmentByteRange: unknown, signal: AbortSignal, requestByteRange: { start: number; end?: number } | undefined): Promise<Request> => {
    const headers = requestByteRange ? { Range: `bytes=${requestByteRange.start}-${requestByteRange.end ?? ''}` } : undefined;
    return new Request(withToken(segmentUrl, tokenNow()), { signal, ...(headers ? { headers } : {}) });
  };
}
