// Finds the signed-in account of an API request from its session token (cookie or Bearer). An
// unknown, expired or disabled session is simply nobody: public routes still answer, others say 401.
import type { Request } from 'express';
import type { ResolveAccount } from '../api/mount-routes.ts';
import type { CatalogContext } from '../api/route-spec.ts';
import type { Account } from './account.ts';
import { readSessionToken } from './session-cookie.ts';
import { findSessionAccount } from './sessions.ts';

export function createAccountResolver(context: CatalogContext): ResolveAccount {
  return async (request: Request): Promise<Account | null> => {
    const token = readSessionToken(request);
    return token ? findSessionAccount(context.db, token) : null;
  };
}
