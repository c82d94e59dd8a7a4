// A protected lesson's playback token on the watch page: asked of the catalog for the signed-in
// viewer (GET /api/v1/lessons/<id>/playback), then added as `?token=` to every media request (hls.js
// playlists and init segments through xhrSetup, p2p-media-loader's HTTP segments through
// httpRequestSetup, the hash lists) and to the tracker URL. hls.js and the P2P engine keep seeing the
// URLs without it, so playlists, segment ids and swarms are the same for every viewer, and every
// tier caches one copy (docs/protected-lessons.md).
import type { HlsConfig } from 'hls.js';

export type PlaybackToken = { token: string; expiresAt: string };

/**
 * The token; 'refused' when the catalog will not give one (not signed in, or not allowed); null when
 * there is no catalog to ask (a node without one serves public lessons only).
 */
export async function fetchPlaybackToken(lessonId: string): Promise<PlaybackToken | 'refused' | null> {
  try {
    const response = await fetch(`/api/v1/lessons/${encodeURIComponent(lessonId)}/playback`, { credentials: 'same-origin', headers: { Accept: 'application/json' } });
    if (response.status === 401 || response.status === 403) return 'refused';
    if (!response.ok) return null;
    const body = (await response.json()) as Partial<PlaybackToken>;
    return typeof body.token === 'string' && typeof body.expiresAt === 'string' ? { token: body.token, expiresAt: body.expiresAt } : null;
  } catch {
    return null;
  }
}

/** `url` with `token=` added to its query (relative URLs stay relative). */
export function withToken(url: string, token: string): string {
  const hash = url.indexOf('#');
  const base = hash >= 0 ? url.slice(0, hash) : url;
  return `${base}${base.includes('?') ? '&' : '?'}token=${encodeURIComponent(token)}${hash >= 0 ? url.slice(hash) : ''}`;
}

/** hls.js opens each request itself unless xhrSetup already did: opening it here changes only the URL sent. */
export function tokenXhrSetup(token: string): Pick<HlsConfig, 'xhrSetup'> {
  return {
    xhrSetup(xhr, url) {
      xhr.open('GET', withToken(url, token), true);
    },
  };
}

/** p2p-media-loader's hook for its HTTP segment requests, with the token and the byte range it asked for. */
export function tokenHttpRequestSetup(token: string) {
  return async (segmentUrl: string, _segmentByteRange: unknown, signal: AbortSignal, requestByteRange: { start: number; end?: number } | undefined): Promise<Request> => {
    const headers = requestByteRange ? { Range: `bytes=${requestByteRange.start}-${requestByteRange.end ?? ''}` } : undefined;
    return new Request(withToken(segmentUrl, token), { signal, ...(headers ? { headers } : {}) });
  };
}
