// What the audit log records about one change request, worked out from the route and the request
// alone (pure, so its rules are unit-tested without a server): the action is the route's method and
// path pattern, the resource its tag and id, and the body's field NAMES, never their values, so a
// password, stream key or token sent in a body never reaches the log.
import type { Account } from '../auth/account.ts';

export type AuditActor = Pick<Account, 'id' | 'username' | 'role'>;

export type AuditEntryStart = {
  actor: AuditActor | null;
  /** e.g. "POST /classrooms/:id/rotate-key". */
  action: string;
  /** The route's tag: cities, schools, classrooms, accounts, auth... */
  resource: string;
  resourceId: string | null;
  /** The path as called, under /api/v1, e.g. "/classrooms/room-1/rotate-key". */
  path: string;
  fields: string[];
  clientIp: string | null;
};

export type AuditRoute = { method: string; path: string; tag: string };
export type AuditRequest = { params: Record<string, string>; path: string; body: unknown; ip: string | undefined };

export function auditEntryStart(route: AuditRoute, request: AuditRequest, account: AuditActor | null): AuditEntryStart {
  return {
    actor: account ? { id: account.id, username: account.username, role: account.role } : null,
    action: `${route.method.toUpperCase()} ${route.path}`,
    resource: route.tag,
    resourceId: request.params.id ?? null,
    path: request.path,
    fields: fieldNames(request.body),
    clientIp: request.ip ?? null,
  };
}

/** The top-level names of a validated JSON body (its schema's names, not the caller's), sorted. */
export function fieldNames(body: unknown): string[] {
  if (body === null || typeof body !== 'object' || Array.isArray(body)) return [];
  return Object.keys(body).sort();
}

/**
 * What a successful answer adds to its entry: the id a create answered (201 with an `id`), and,
 * for a call that signed someone in (an anonymous caller answered `{account}`), who that is.
 */
export function auditOutcome(status: number, body: unknown, actor: AuditActor | null): { resourceId?: string; actor?: AuditActor } {
  const answer = body !== null && typeof body === 'object' ? (body as { id?: unknown; account?: Partial<AuditActor> }) : {};
  const created = status === 201 && (typeof answer.id === 'string' || typeof answer.id === 'number') ? { resourceId: String(answer.id) } : {};
  const signedIn = answer.account;
  const newActor = actor === null && signedIn && typeof signedIn.id === 'number' && typeof signedIn.username === 'string' && typeof signedIn.role === 'string' ? { actor: { id: signedIn.id, username: signedIn.username, role: signedIn.role } } : {};
  return { ...created, ...newActor };
}
