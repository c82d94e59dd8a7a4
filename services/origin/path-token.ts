// A playback token carried in the path, for players that cannot add a query to each request: the
// browser's own HLS (Safari, iOS) resolves a playlist's segment and init URIs against the playlist's
// URL and drops its query, so `?token=` on a variant URI never reaches the segments. Under
// /t/<token>/live/... (or /t/<token>/vod/...) every relative URI of the playlists resolves inside
// the same prefix, so a native player sends the token with every file without the playlists being
// rewritten per viewer. Every tier strips the prefix before anything else: the cache key, the
// upstream fetch and the checks see the plain /live or /vod path, so one cached copy of each
// playlist and segment still serves every viewer (docs/protected-lessons.md). Pure.

export const pathTokenPrefix = '/t/';

/** What a token may look like in a URL: the catalog's tokens are base64url and dots. */
export const tokenTextPattern = /^[A-Za-z0-9._~-]{1,512}$/;

/**
 * `url` (a path, with or without a query) split into the token of its /t/<token>/ prefix and the
 * rest; a URL without the prefix (or with one that is not a token) comes back whole, token undefined.
 */
export function splitPathToken(url: string): { token: string | undefined; rest: string } {
  if (!url.startsWith(pathTokenPrefix)) return { token: undefined, rest: url };
  const end = url.indexOf('/', pathTokenPrefix.length);
  const token = end < 0 ? '' : url.slice(pathTokenPrefix.length, end);
  if (!tokenTextPattern.test(token)) return { token: undefined, rest: url };
  return { token, rest: url.slice(end) };
}

/** The plain media path of `url`, whether or not it carries a path token. */
export function withoutPathToken(url: string): string {
  return splitPathToken(url).rest;
}

/** `path` (absolute, e.g. /live/<lesson>/720p/index.m3u8) under the token's prefix. */
export function withPathToken(path: string, token: string): string {
  if (!tokenTextPattern.test(token)) throw new Error('not a playback token');
  return `${pathTokenPrefix}${token}${path}`;
}
