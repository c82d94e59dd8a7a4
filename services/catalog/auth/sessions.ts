// Login sessions: a random token the browser keeps (cookie) or a script sends (Bearer). The
// database holds only the token's SHA-256, so a copy of the catalog gives nobody a login; a token
// has 256 random bits, so a fast unsalted digest is enough to store it.
import { createHash, randomBytes } from 'node:crypto';
import { queryOne, type Queryable } from '../db/database.ts';
import type { Account, Role } from './account.ts';
import { toAccount } from './accounts.ts';

export function hashSessionToken(token: string): string {
  return createHash('sha256').update(token).digest('hex');
}

export async function createSession(db: Queryable, accountId: number, hours: number): Promise<{ token: string; expiresAt: Date }> {
  const token = randomBytes(32).toString('base64url');
  const expiresAt = new Date(Date.now() + hours * 3_600_000);
  await db.query('insert into auth_sessions (token_hash, account_id, expires_at) values ($1, $2, $3)', [hashSessionToken(token), accountId, expiresAt]);
  return { token, expiresAt };
}

/** The account a token signs in, or null when the token is unknown, expired, or its account disabled. */
export async function findSessionAccount(db: Queryable, token: string): Promise<Account | null> {
  const row = await queryOne<{ id: number; username: string; display_name: string; role: Role; school_id: number | null; locale: string | null; disabled: boolean }>(
    db,
    `select a.id, a.username, a.display_name, a.role, a.school_id, a.locale, a.disabled
       from auth_sessions s join accounts a on a.id = s.account_id
      where s.token_hash = $1 and s.expires_at > now() and not a.disabled`,
    [hashSessionToken(token)],
  );
  return row ? toAccount(row) : null;
}

export async function deleteSession(db: Queryable, token: string): Promise<void> {
  await db.query('delete from auth_sessions where token_hash = $1', [hashSessionToken(token)]);
}

/** Signs an account out everywhere (password changed, disabled), except the session `keepToken` if given. */
export async function deleteAccountSessions(db: Queryable, accountId: number, keepToken?: string): Promise<void> {
  await db.query('delete from auth_sessions where account_id = $1 and token_hash <> $2', [accountId, keepToken ? hashSessionToken(keepToken) : '']);
}

/** Removes expired sessions; returns how many. Expired ones are refused anyway: this only keeps the table small. */
export async function purgeExpiredSessions(db: Queryable): Promise<number> {
  return (await db.query('delete from auth_sessions where expires_at <= now() returning account_id')).length;
}
