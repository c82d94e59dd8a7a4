// The audit_log table (migrations/006_audit_log.sql): an entry is started before a change runs and
// finished with the HTTP status it answered, so a change never lands without its entry; operators
// read the entries newest first through GET /api/v1/audit. Entries are kept; nothing deletes them.
import type { Queryable } from '../db/database.ts';
import { conditions, iso, listPage, type Listed, type PageWindow } from '../queries/sql-helpers.ts';
import type { AuditActor, AuditEntryStart } from './audit-entry.ts';

/** One row of GET /api/v1/audit: the entry as started, with the actor copied out (it outlives the account). */
export type AuditEntry = Omit<AuditEntryStart, 'actor'> & {
  id: number;
  at: string;
  accountId: number | null;
  username: string | null;
  role: string | null;
  /** The HTTP status the change answered; null while it runs, or if the process stopped during it. */
  status: number | null;
};

export type AuditFilter = { accountId?: number | undefined; resource?: string | undefined; resourceId?: string | undefined; since?: Date | undefined; until?: Date | undefined };

type AuditRow = {
  id: number | string;
  at: Date;
  account_id: number | null;
  username: string | null;
  role: string | null;
  action: string;
  resource: string;
  resource_id: string | null;
  path: string;
  fields: string[];
  client_ip: string | null;
  status: number | null;
};

/** Writes the entry of a change about to run; answers its id for finishAuditEntry. */
export async function startAuditEntry(db: Queryable, entry: AuditEntryStart): Promise<number> {
  const [row] = await db.query<{ id: number | string }>(
    `insert into audit_log (account_id, username, role, action, resource, resource_id, path, fields, client_ip)
     values ($1, $2, $3, $4, $5, $6, $7, $8, $9) returning id`,
    [entry.actor?.id ?? null, entry.actor?.username ?? null, entry.actor?.role ?? null, entry.action, entry.resource, entry.resourceId, entry.path, entry.fields, entry.clientIp],
  );
  return Number(row!.id);
}

/** Records how the change ended: its status, and what only the answer knew (a created id, who signed in). */
export async function finishAuditEntry(db: Queryable, id: number, outcome: { status: number; resourceId?: string | undefined; actor?: AuditActor | undefined }): Promise<void> {
  const actor = outcome.actor;
  await db.query(
    `update audit_log set status = $2, resource_id = coalesce($3, resource_id),
       account_id = coalesce($4, account_id), username = coalesce($5, username), role = coalesce($6, role)
     where id = $1`,
    [id, outcome.status, outcome.resourceId ?? null, actor?.id ?? null, actor?.username ?? null, actor?.role ?? null],
  );
}

/** Removes an entry of a call that did nothing at all (a throttled login), so floods don't fill the log. */
export async function discardAuditEntry(db: Queryable, id: number): Promise<void> {
  await db.query('delete from audit_log where id = $1', [id]);
}

export async function listAuditEntries(db: Queryable, filter: AuditFilter, window: PageWindow): Promise<Listed<AuditEntry>> {
  const where = conditions();
  if (filter.accountId !== undefined) where.add('account_id = $?', filter.accountId);
  if (filter.resource !== undefined) where.add('resource = $?', filter.resource);
  if (filter.resourceId !== undefined) where.add('resource_id = $?', filter.resourceId);
  if (filter.since !== undefined) where.add('at >= $?', filter.since);
  if (filter.until !== undefined) where.add('at < $?', filter.until);
  return listPage<AuditRow, AuditEntry>(db, { select: 'select *', from: 'from audit_log', where, orderBy: 'at desc, id desc' }, window, (row) => ({
    id: Number(row.id),
    at: iso(row.at)!,
    accountId: row.account_id,
    username: row.username,
    role: row.role,
    action: row.action,
    resource: row.resource,
    resourceId: row.resource_id,
    path: row.path,
    fields: row.fields,
    clientIp: row.client_ip,
    status: row.status,
  }));
}
