// The `classcast_session` cookie and the Bearer header: where a request carries its session token.
// Parsed here by hand because the Cookie header's grammar is small and no cookie package is needed.
import type { Request } from 'express';

export const sessionCookieName = 'classcast_session';

/** name -> value for each cookie in a Cookie header; the first of two cookies with one name wins. */
export function parseCookies(header: string | undefined): Map<string, string> {
  const cookies = new Map<string, string>();
  for (const part of (header ?? '').split(';')) {
    const equals = part.indexOf('=');
    const name = part.slice(0, Math.max(equals, 0)).trim();
    if (name === '') continue;
    let value = part.slice(equals + 1).trim();
    if (value.startsWith('"') && value.endsWith('"') && value.length >= 2) value = value.slice(1, -1);
    if (!cookies.has(name)) cookies.set(name, value);
  }
  return cookies;
}

/** The session token of a request: `Authorization: Bearer <token>` first (a script said so explicitly), then the cookie. */
export function readSessionToken(request: Pick<Request, 'headers'>): string | undefined {
  const bearer = /^Bearer\s+(\S+)\s*$/i.exec(request.headers.authorization ?? '')?.[1];
  return bearer ?? (parseCookies(request.headers.cookie).get(sessionCookieName) || undefined);
}

/** The Set-Cookie value for a new session; Secure when the request came over HTTPS. */
export function sessionCookie(token: string, maxAgeSeconds: number, secure: boolean): string {
  return [`${sessionCookieName}=${token}`, 'HttpOnly', 'SameSite=Strict', 'Path=/', `Max-Age=${Math.max(0, Math.floor(maxAgeSeconds))}`, ...(secure ? ['Secure'] : [])].join('; ');
}

export function clearedSessionCookie(secure: boolean): string {
  return sessionCookie('', 0, secure);
}
