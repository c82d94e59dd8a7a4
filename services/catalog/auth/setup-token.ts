// First run: with no operator in the catalog, nobody can sign in, and there is never a default
// password. Instead the server makes a one-time setup token, logs it with the URL to open, and
// POST /api/v1/setup trades it for the first operator account. The token lives only in this
// process's memory, so a restart makes a new one and a copied database reveals nothing.
import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';
import type { Logger } from '../../core/log.ts';
import type { Queryable } from '../db/database.ts';
import { operatorExists } from './accounts.ts';

/** The current token per catalog database (the object the API's context carries). */
const tokens = new WeakMap<Queryable, string>();

/** Makes (or keeps) the setup token while no operator exists, logs where to use it, and returns it. */
export async function ensureSetupToken(db: Queryable, log: Logger, baseUrl: string): Promise<string | undefined> {
  if (await operatorExists(db)) {
    tokens.delete(db);
    return undefined;
  }
  const token = tokens.get(db) ?? randomBytes(24).toString('base64url');
  tokens.set(db, token);
  log.info('setup token', { url: `${baseUrl.replace(/\/$/, '')}/setup?token=${token}`, hint: 'open the URL to create the first operator, or run: classcast create-operator --username NAME' });
  return token;
}

/**
 * Takes the token away if `offered` matches it, so a second request racing this one finds none.
 * Returns a function that puts it back, for when creating the operator then fails.
 */
export function takeSetupToken(db: Queryable, offered: string): (() => void) | undefined {
  const token = tokens.get(db);
  if (token === undefined || !sameSecret(token, offered)) return undefined;
  tokens.delete(db);
  return () => {
    if (!tokens.has(db)) tokens.set(db, token);
  };
}

/** Compares digests, so neither the length nor the content of the token leaks through timing. */
function sameSecret(expected: string, offered: string): boolean {
  const digest = (text: string) => createHash('sha256').update(text).digest();
  return timingSafeEqual(digest(expected), digest(offered));
}
