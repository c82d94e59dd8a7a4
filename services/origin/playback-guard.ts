// The check every media tier (origin, relay) makes before serving a protected lesson's file: a
// playback token for that lesson, good now and in this tier's city, from the `token` query
// parameter (what the player sends), the /t/<token>/ path prefix (what a native HLS player sends:
// path-token.ts) or the X-Classcast-Token header (what a relay sends upstream).
// The token is never part of what is cached: tiers key objects on the path alone.
import type { IncomingHttpHeaders } from 'node:http';
import { signPlaybackToken, verifyPlaybackToken, type PlaybackScope } from '../core/playback-token.ts';
import type { PlaybackSettings } from '../core/config/playback-settings.ts';
import { splitPathToken } from './path-token.ts';

/** Sent with every file of a protected lesson, so relays (and relays below them) know to ask for a token. */
export const protectedHeader = 'X-Classcast-Protected';
export const tokenHeader = 'x-classcast-token';

/** How long a token a relay makes for its own upstream fetches lasts. */
const tierTokenSeconds = 120;

export type GuardVerdict = { ok: true } | { ok: false; reason: string };

export type PlaybackGuard = {
  /** Whether this request may have a file of the protected lesson (or recording) `id`. */
  check(scope: PlaybackScope, id: string, url: string | undefined, headers: IncomingHttpHeaders): GuardVerdict;
  /** A short token for this tier's own upstream requests: relays share the secrets, so they sign their own. */
  tierToken(scope: PlaybackScope, id: string): string;
};

export function createPlaybackGuard(settings: PlaybackSettings, now: () => number = Date.now): PlaybackGuard {
  return {
    check(scope, id, url, headers) {
      const token = tokenOf(url, headers);
      if (token === undefined) return { ok: false, reason: 'this lesson needs a playback token' };
      const verdict = verifyPlaybackToken(settings.secrets, token, { scope, id, tierCity: settings.city }, Math.floor(now() / 1000));
      return verdict.ok ? { ok: true } : verdict;
    },
    tierToken: (scope, id) => signPlaybackToken(settings.secrets, { scope, id, expiresAt: Math.floor(now() / 1000) + tierTokenSeconds }),
  };
}

/** The token a request carries: `?token=` first, then the path's /t/<token>/ prefix, then the header. */
export function tokenOf(url: string | undefined, headers: IncomingHttpHeaders): string | undefined {
  const query = url?.indexOf('?') ?? -1;
  if (url && query >= 0) {
    const fromQuery = new URLSearchParams(url.slice(query + 1)).get('token');
    if (fromQuery) return fromQuery;
  }
  const fromPath = url ? splitPathToken(url).token : undefined;
  if (fromPath) return fromPath;
  const fromHeader = headers[tokenHeader];
  return typeof fromHeader === 'string' && fromHeader !== '' ? fromHeader : undefined;
}

/** The one answer to a refused token: 403, never cached, and what to do. */
export const refusedHint = 'sign in and open the lesson again from the catalog to get a fresh playback token';
