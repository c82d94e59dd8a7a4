// Signing in and out, who am I, and the first-run setup that creates the province's first operator.
// A failed login says the same thing, after the same work, whether the username exists or not, so
// neither the answer nor its timing tells an attacker which usernames are real.
import { randomBytes } from 'node:crypto';
import type { Request, Response } from 'express';
import { z } from 'zod';
import type { Account } from '../../auth/account.ts';
import { accountResponse, displayNameField, localeField, newPasswordField, usernameField } from '../../auth/account-fields.ts';
import { createAccount, findAccountByUsername, operatorExists, setAccountLocale } from '../../auth/accounts.ts';
import { createLoginThrottle, type LoginThrottle } from '../../auth/login-throttle.ts';
import { hashPassword, verifyPassword } from '../../auth/passwords.ts';
import { clearedSessionCookie, readSessionToken, sessionCookie } from '../../auth/session-cookie.ts';
import { createSession, deleteSession, purgeExpiredSessions } from '../../auth/sessions.ts';
import { takeSetupToken } from '../../auth/setup-token.ts';
import { ApiError, unauthorized } from '../api-error.ts';
import { route, type CatalogContext, type RouteSpec } from '../route-spec.ts';

const wrongLogin = () => new ApiError(401, 'wrong username or password', 'check both and try again');

/** One throttle per catalog (keyed by its database), so tests with several catalogs don't share one. */
const throttles = new WeakMap<object, LoginThrottle>();
const throttleFor = (context: CatalogContext): LoginThrottle => {
  let throttle = throttles.get(context.db);
  if (!throttle) throttles.set(context.db, (throttle = createLoginThrottle()));
  return throttle;
};

const throttledBecause = {
  address: 'too many sign-in attempts from this address',
  username: 'too many wrong passwords for this username from this address',
  'username-everywhere': 'too many wrong passwords for this username lately',
} as const;

/** Verified against when the username is unknown, so that answer costs one scrypt like a real one; random, so no password matches it. */
let dummyHash: Promise<string> | undefined;
const getDummyHash = () => (dummyHash ??= hashPassword(randomBytes(24).toString('base64url')));

const signedInResponse = z.object({ account: accountResponse, token: z.string(), expiresAt: z.string() });

/** Starts a session for the account: the token in the answer (for scripts) and in the cookie (for browsers). */
async function signIn(account: Account, context: CatalogContext, request: Request, response: Response) {
  const hours = context.config.catalog.sessionHours;
  const { token, expiresAt } = await createSession(context.db, account.id, hours);
  response.append('Set-Cookie', sessionCookie(token, hours * 3600, request.secure));
  return { account, token, expiresAt: expiresAt.toISOString() };
}

export const authRoutes: RouteSpec[] = [
  route<undefined, { username: string; password: string }>({
    method: 'post',
    path: '/auth/login',
    summary: 'Sign in; answers the session token and sets the classcast_session cookie',
    tag: 'auth',
    access: 'public',
    body: z.object({ username: z.string().min(1).max(200), password: z.string().min(1).max(1000) }),
    response: signedInResponse,
    async handler({ body, context, request, response }) {
      const throttle = throttleFor(context);
      const address = request.ip ?? request.socket.remoteAddress ?? 'unknown';
      const verdict = throttle.check(address, body.username, Date.now());
      if (!verdict.ok) {
        response.set('Retry-After', String(verdict.retryAfterSeconds));
        throw new ApiError(429, `${throttledBecause[verdict.reason]}; try again in ${verdict.retryAfterSeconds} s`, 'wait, then sign in again; an operator can reset a forgotten password');
      }
      // Awaited on every login, so only the first login in a process pays for making it, whoever signs in.
      const dummy = await getDummyHash();
      const found = await findAccountByUsername(context.db, body.username);
      const matches = await verifyPassword(body.password, found?.passwordHash ?? dummy);
      if (!found || !matches || found.account.disabled) {
        throttle.failed(address, body.username, Date.now());
        throw wrongLogin();
      }
      throttle.succeeded(address, body.username);
      await purgeExpiredSessions(context.db);
      const { disabled: _disabled, ...account } = found.account;
      return { body: await signIn(account, context, request, response) };
    },
  }),
  route({
    method: 'post',
    path: '/auth/logout',
    summary: 'Sign out: ends this session and clears the cookie',
    tag: 'auth',
    access: 'public',
    response: z.object({ signedOut: z.literal(true) }),
    async handler({ context, request, response }) {
      const token = readSessionToken(request);
      if (token) await deleteSession(context.db, token);
      response.append('Set-Cookie', clearedSessionCookie(request.secure));
      return { body: { signedOut: true } };
    },
  }),
  route({
    method: 'get',
    path: '/auth/me',
    summary: 'The signed-in account',
    tag: 'auth',
    access: 'signed-in',
    response: z.object({ account: accountResponse }),
    async handler({ account }) {
      if (!account) throw unauthorized();
      return { body: { account } };
    },
  }),
  route<undefined, { locale: 'zh-CN' | 'en' | null }>({
    method: 'patch',
    path: '/auth/me',
    summary: "Change the signed-in account's own settings: the language of its pages (null: none chosen)",
    tag: 'auth',
    access: 'signed-in',
    body: z.object({ locale: localeField.nullable() }).strict(),
    response: z.object({ account: accountResponse }),
    async handler({ body, account, context }) {
      if (!account) throw unauthorized();
      await setAccountLocale(context.db, account.id, body.locale);
      return { body: { account: { ...account, locale: body.locale } } };
    },
  }),
  route({
    method: 'get',
    path: '/setup/status',
    summary: 'Whether the catalog still needs its first operator (the login page then offers setup)',
    tag: 'auth',
    access: 'public',
    response: z.object({ needsSetup: z.boolean() }),
    async handler({ context }) {
      return { body: { needsSetup: !(await operatorExists(context.db)) } };
    },
  }),
  route<undefined, { token: string; username: string; password: string; displayName: string; locale?: 'zh-CN' | 'en' | undefined }>({
    method: 'post',
    path: '/setup',
    summary: 'Create the first operator with the one-time setup token the server logged, and sign in',
    tag: 'auth',
    access: 'public',
    body: z.object({ token: z.string().min(1).max(200), username: usernameField, password: newPasswordField, displayName: displayNameField, locale: localeField.optional() }),
    response: signedInResponse,
    successStatus: 201,
    async handler({ body, context, request, response }) {
      if (await operatorExists(context.db)) throw new ApiError(409, 'setup is done: an operator exists', 'sign in, or ask an operator for an account');
      const restore = takeSetupToken(context.db, body.token);
      if (!restore) throw new ApiError(403, 'wrong or already used setup token', 'use the URL the server logged at start-up (event "setup token"), or run: classcast create-operator --username NAME');
      let account: Account;
      try {
        account = await createAccount(context.db, { username: body.username, password: body.password, displayName: body.displayName, role: 'operator', locale: body.locale ?? null });
      } catch (error) {
        restore();
        throw error;
      }
      context.log.info('first operator created', { username: account.username });
      return { status: 201, body: await signIn(account, context, request, response) };
    },
  }),
];
