// Signed viewer sessions: the watch page is drawn with one (a random viewer id, until when, and an
// HMAC over both with the playback secrets), and its player reports quality under that id. A
// report's viewer id must be one a page was given, so reports cannot be made up by the thousand
// without fetching a page per id, and every tier checks the signature with the shared secrets
// alone, no database. Pure: no clock, no I/O (the random id is passed in).
//
// A session reads `vs1.<viewer id>.<expiry>.<signature>`. The signed text is prefixed with its
// purpose, so no signature made here can pass for a playback token's (playback-token.ts) or back.
import { createHmac, timingSafeEqual } from 'node:crypto';

const version = 'vs1';
const purpose = 'classcast viewer session';
const viewerIdPattern = /^[a-f0-9]{32}$/;

/** A page is open for a lesson or a school day; a session lasts a day. */
export const viewerSessionSeconds = 24 * 3600;

export type ViewerSessionCheck = { ok: true; viewerId: string; expiresAt: number } | { ok: false; reason: string };

export function isViewerId(id: string): boolean {
  return viewerIdPattern.test(id);
}

/** Signs with the first secret (the newest); `viewerId` is 32 lowercase hex digits. */
export function signViewerSession(secrets: readonly string[], viewerId: string, expiresAt: number): string {
  const secret = secrets[0];
  if (!secret) throw new Error('no playback secret to sign a viewer session with');
  if (!isViewerId(viewerId)) throw new Error('a viewer id is 32 hex digits');
  if (!Number.isInteger(expiresAt) || expiresAt < 0) throw new Error('expiresAt is whole unix seconds');
  const payload = `${version}.${viewerId}.${expiresAt}`;
  return `${payload}.${signature(secret, payload)}`;
}

export function readViewerSession(secrets: readonly string[], session: string, nowSeconds: number): ViewerSessionCheck {
  const parts = session.split('.');
  if (parts.length !== 4 || parts[0] !== version) return { ok: false, reason: 'not a viewer session' };
  const [, viewerId, expiry, given] = parts as [string, string, string, string];
  if (!isViewerId(viewerId) || !/^\d{1,12}$/.test(expiry)) return { ok: false, reason: 'not a viewer session' };
  const payload = parts.slice(0, 3).join('.');
  const givenBytes = Buffer.from(given, 'latin1');
  const signed = secrets.some((secret) => {
    const expected = Buffer.from(signature(secret, payload), 'latin1');
    return givenBytes.length === expected.length && timingSafeEqual(givenBytes, expected);
  });
  if (!signed) return { ok: false, reason: 'bad signature' };
  const expiresAt = Number(expiry);
  if (expiresAt <= nowSeconds) return { ok: false, reason: 'expired' };
  return { ok: true, viewerId, expiresAt };
}

function signature(secret: string, payload: string): string {
  return createHmac('sha256', secret).update(`${purpose}\n${payload}`).digest('base64url');
}
