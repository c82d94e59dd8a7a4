// Playback tokens for protected lessons: a stateless HMAC-SHA256 over what may be played (a live
// lesson or a recording's replay), until when, and optionally in which city. Every tier (origin,
// relays, tracker) checks one with the shared secrets alone, no database, so a relay serves a
// protected lesson from its cache to any viewer whose token is good. Pure: no clock, no I/O.
//
// A token reads `v1.<scope>.<id>.<expiry>.<city or ->.<signature>`: the signed payload itself, then
// the base64url HMAC of it. Ids and cities are slugs without dots, so the parts split cleanly.
import { createHmac, timingSafeEqual } from 'node:crypto';

/** 'live': a lesson under /live/<lesson>/; 'vod': a recording's replay under /vod/<recording>/. */
export type PlaybackScope = 'live' | 'vod';

export type PlaybackClaims = {
  scope: PlaybackScope;
  /** The lesson (live) or recording (vod) id, as in the URL. */
  id: string;
  /** Unix seconds after which the token is refused. */
  expiresAt: number;
  /** The viewer's city: a tier in another city refuses it. Absent: good in any city. */
  city?: string;
};

export type TokenCheck = { ok: true; claims: PlaybackClaims } | { ok: false; reason: string };

const version = 'v1';
const slug = /^[a-z0-9][a-z0-9-]{0,127}$/;

/**
 * Whether a token can name `id`: catalog lesson and recording ids always can. A media path may name
 * other things (a node without a catalog), but those lessons are never protected.
 */
export function isTokenId(id: string): boolean {
  return slug.test(id);
}

/** Signs with the first secret: the newest. The others only verify (rotation). */
export function signPlaybackToken(secrets: readonly string[], claims: PlaybackClaims): string {
  const secret = secrets[0];
  if (!secret) throw new Error('no playback secret to sign with');
  if (!slug.test(claims.id)) throw new Error(`'${claims.id}' is not a lesson or recording id`);
  if (claims.city !== undefined && !slug.test(claims.city)) throw new Error(`'${claims.city}' is not a city id`);
  if (!Number.isInteger(claims.expiresAt) || claims.expiresAt < 0) throw new Error('expiresAt is whole unix seconds');
  const payload = [version, claims.scope, claims.id, String(claims.expiresAt), claims.city ?? '-'].join('.');
  return `${payload}.${signature(secret, payload).toString('base64url')}`;
}

/** Reads a token and checks its signature against every active secret, without deciding what it is for. */
export function readPlaybackToken(secrets: readonly string[], token: string, nowSeconds: number): TokenCheck {
  const parts = token.split('.');
  if (parts.length !== 6 || parts[0] !== version) return { ok: false, reason: 'not a playback token' };
  const [, scope, id, expiry, city, given] = parts as [string, string, string, string, string, string];
  if ((scope !== 'live' && scope !== 'vod') || !slug.test(id) || !/^\d{1,12}$/.test(expiry) || (city !== '-' && !slug.test(city))) {
    return { ok: false, reason: 'not a playback token' };
  }
  // Compared as text, so no other spelling of the same bytes passes.
  const givenBytes = Buffer.from(given, 'latin1');
  const payload = parts.slice(0, 5).join('.');
  const signed = secrets.some((secret) => {
    const expected = Buffer.from(signature(secret, payload).toString('base64url'), 'latin1');
    // Same length first: timingSafeEqual throws otherwise, and the length is no secret.
    return givenBytes.length === expected.length && timingSafeEqual(givenBytes, expected);
  });
  if (!signed) return { ok: false, reason: 'bad signature' };
  const expiresAt = Number(expiry);
  if (expiresAt <= nowSeconds) return { ok: false, reason: 'expired' };
  return { ok: true, claims: { scope, id, expiresAt, ...(city === '-' ? {} : { city }) } };
}

/**
 * Whether `token` lets its holder play `scope`/`id` at a tier in `tierCity` (a tier without a
 * city, such as the province origin, serves every city and does not check it).
 */
export function verifyPlaybackToken(
  secrets: readonly string[],
  token: string,
  expected: { scope: PlaybackScope; id: string; tierCity?: string | undefined },
  nowSeconds: number,
): TokenCheck {
  const read = readPlaybackToken(secrets, token, nowSeconds);
  if (!read.ok) return read;
  const { claims } = read;
  if (claims.scope !== expected.scope || claims.id !== expected.id) return { ok: false, reason: 'token is for another lesson' };
  if (claims.city !== undefined && expected.tierCity !== undefined && claims.city !== expected.tierCity) return { ok: false, reason: 'token is for another city' };
  return read;
}

function signature(secret: string, payload: string): Buffer {
  return createHmac('sha256', secret).update(payload).digest();
}
