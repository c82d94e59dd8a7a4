// Catalog accounts in the database: create (with the rules every caller must keep, from the API, the
// setup page or the command line), find, list, change and delete. The password hash never leaves
// this file except through findAccountByUsername/findPasswordHash, which login needs.
import { ApiError } from '../api/api-error.ts';
import { queryOne, type Queryable } from '../db/database.ts';
import { isUniqueViolation } from '../db/db-errors.ts';
import { roles, type Account, type Role } from './account.ts';
import { hashPassword } from './passwords.ts';
import { isLocale, type Locale } from '../../../player/src/i18n/locales.ts';

/** What managers see: the account plus whether it may still sign in. */
export type ManagedAccount = Account & { disabled: boolean };

type AccountRow = { id: number; username: string; display_name: string; role: Role; school_id: number | null; locale: string | null; disabled: boolean };

const accountColumns = 'id, username, display_name, role, school_id, locale, disabled';

export const usernamePattern = /^[A-Za-z0-9_.@-]{3,64}$/;
export const usernameRule = 'a username is 3 to 64 letters, digits, "_", ".", "@" or "-"';
export const maxDisplayNameLength = 100;

export function toAccount(row: AccountRow): Account {
  return { id: row.id, username: row.username, displayName: row.display_name, role: row.role, schoolId: row.school_id, locale: isLocale(row.locale) ? row.locale : null };
}

function toManagedAccount(row: AccountRow): ManagedAccount {
  return { ...toAccount(row), disabled: row.disabled };
}

/** Operators belong to the province; school admins and teachers to one school; a student may have one. */
export function schoolRuleProblem(role: Role, schoolId: number | null | undefined): string | undefined {
  if (role === 'operator' && schoolId != null) return 'operators belong to the province, not a school: leave schoolId out';
  if ((role === 'school_admin' || role === 'teacher') && schoolId == null) return `a ${role} belongs to a school: give schoolId`;
  return undefined;
}

export type NewAccount = { username: string; password: string; displayName: string; role: Role; schoolId?: number | null; locale?: Locale | null };

export async function createAccount(db: Queryable, input: NewAccount): Promise<Account> {
  if (!usernamePattern.test(input.username)) throw new ApiError(400, `username: ${usernameRule}`);
  const displayName = checkDisplayName(input.displayName);
  if (!roles.includes(input.role)) throw new ApiError(400, `role: one of ${roles.join(', ')}`);
  const schoolId = input.schoolId ?? null;
  await checkSchool(db, input.role, schoolId);
  const passwordHash = await hashPassword(input.password, [input.username, displayName]);
  try {
    const row = await queryOne<AccountRow>(
      db,
      `insert into accounts (username, display_name, password_hash, role, school_id, locale) values ($1, $2, $3, $4, $5, $6) returning ${accountColumns}`,
      [input.username, displayName, passwordHash, input.role, schoolId, input.locale ?? null],
    );
    return toAccount(row!);
  } catch (error) {
    if (isUniqueViolation(error)) throw usernameTaken(input.username);
    throw error;
  }
}

/** The account and its password hash, for login; usernames compare case-insensitively. */
export async function findAccountByUsername(db: Queryable, username: string): Promise<{ account: ManagedAccount; passwordHash: string } | undefined> {
  const row = await queryOne<AccountRow & { password_hash: string }>(
    db,
    `select ${accountColumns}, password_hash from accounts where lower(username) = lower($1)`,
    [username],
  );
  return row && { account: toManagedAccount(row), passwordHash: row.password_hash };
}

export async function findAccountById(db: Queryable, id: number): Promise<ManagedAccount | undefined> {
  const row = await queryOne<AccountRow>(db, `select ${accountColumns} from accounts where id = $1`, [id]);
  return row && toManagedAccount(row);
}

export async function findPasswordHash(db: Queryable, id: number): Promise<string | undefined> {
  return (await queryOne<{ password_hash: string }>(db, 'select password_hash from accounts where id = $1', [id]))?.password_hash;
}

export type AccountFilter = { roles?: readonly Role[]; schoolId?: number; limit: number; offset: number };

/** One page of accounts, ordered by id, and how many match in all. */
export async function listAccounts(db: Queryable, filter: AccountFilter): Promise<{ items: ManagedAccount[]; total: number }> {
  const where: string[] = [];
  const params: unknown[] = [];
  if (filter.roles) {
    const placeholders = filter.roles.map((role) => `$${params.push(role)}`);
    where.push(placeholders.length > 0 ? `role in (${placeholders.join(', ')})` : 'false');
  }
  if (filter.schoolId !== undefined) {
    params.push(filter.schoolId);
    where.push(`school_id = $${params.length}`);
  }
  const condition = where.length > 0 ? `where ${where.join(' and ')}` : '';
  const total = (await queryOne<{ total: number }>(db, `select count(*)::int as total from accounts ${condition}`, params))!.total;
  const rows = await db.query<AccountRow>(
    `select ${accountColumns} from accounts ${condition} order by id limit $${params.length + 1} offset $${params.length + 2}`,
    [...params, filter.limit, filter.offset],
  );
  return { items: rows.map(toManagedAccount), total };
}

export type AccountChanges = { displayName?: string; password?: string; role?: Role; schoolId?: number | null; disabled?: boolean };

/** Applies the changes, keeping the role/school rule for the resulting account; undefined when there is no such account. */
export async function updateAccount(db: Queryable, id: number, changes: AccountChanges): Promise<ManagedAccount | undefined> {
  const current = await findAccountById(db, id);
  if (!current) return undefined;
  const role = changes.role ?? current.role;
  // Becoming an operator leaves the school behind unless a school is asked for explicitly.
  const schoolId = changes.schoolId !== undefined ? changes.schoolId : role === 'operator' ? null : current.schoolId;
  if (changes.role !== undefined || changes.schoolId !== undefined) await checkSchool(db, role, schoolId);
  const sets: string[] = ['updated_at = now()'];
  const params: unknown[] = [];
  const set = (column: string, value: unknown) => {
    params.push(value);
    sets.push(`${column} = $${params.length}`);
  };
  if (changes.displayName !== undefined) set('display_name', checkDisplayName(changes.displayName));
  if (changes.password !== undefined) set('password_hash', await hashPassword(changes.password, [current.username, changes.displayName ?? current.displayName]));
  if (changes.role !== undefined || changes.schoolId !== undefined) {
    set('role', role);
    set('school_id', schoolId);
  }
  if (changes.disabled !== undefined) set('disabled', changes.disabled);
  params.push(id);
  const row = await queryOne<AccountRow>(db, `update accounts set ${sets.join(', ')} where id = $${params.length} returning ${accountColumns}`, params);
  return row && toManagedAccount(row);
}

export async function deleteAccount(db: Queryable, id: number): Promise<boolean> {
  return (await db.query('delete from accounts where id = $1 returning id', [id])).length > 0;
}

/** Operators who can still sign in, leaving out `exceptId`: the province must always keep one. */
export async function countActiveOperators(db: Queryable, exceptId?: number): Promise<number> {
  return (await queryOne<{ count: number }>(
    db,
    `select count(*)::int as count from accounts where role = 'operator' and not disabled and id <> $1`,
    [exceptId ?? -1],
  ))!.count;
}

/** Whether any operator account exists (a disabled one counts: first-run setup is over). */
export async function operatorExists(db: Queryable): Promise<boolean> {
  return (await db.query(`select 1 from accounts where role = 'operator' limit 1`)).length > 0;
}

export const usernameTaken = (username: string): ApiError => new ApiError(409, `username: ${username} is taken`, 'choose another username');

function checkDisplayName(displayName: string): string {
  const trimmed = displayName.trim();
  if (trimmed.length === 0 || trimmed.length > maxDisplayNameLength) throw new ApiError(400, `displayName: 1 to ${maxDisplayNameLength} characters`);
  return trimmed;
}

async function checkSchool(db: Queryable, role: Role, schoolId: number | null): Promise<void> {
  const problem = schoolRuleProblem(role, schoolId);
  if (problem) throw new ApiError(400, `schoolId: ${problem}`);
  if (schoolId !== null && !(await queryOne(db, 'select 1 from schools where id = $1', [schoolId]))) {
    throw new ApiError(400, `schoolId: no school ${schoolId}`, 'list them at /api/v1/schools');
  }
}

/** The language the account's pages speak (null: not chosen). */
export async function setAccountLocale(db: Queryable, id: number, locale: Locale | null): Promise<void> {
  await db.query('update accounts set locale = $2, updated_at = now() where id = $1', [id, locale]);
}
