// Managing accounts. Operators manage every account; a school admin manages the teachers and
// students of their own school; anyone may read and change their own display name and password.
// An account a school admin does not manage answers 404, exactly like one that does not exist, so
// admins cannot probe other schools' usernames; teachers and students get 403 for any account but
// their own, before any lookup, for the same reason.
import { z } from 'zod';
import type { Account, Role } from '../../auth/account.ts';
import { accountResponse, displayNameField, newPasswordField, roleField, schoolIdField, usernameField } from '../../auth/account-fields.ts';
import {
  countActiveOperators,
  createAccount,
  deleteAccount,
  findAccountById,
  findPasswordHash,
  listAccounts,
  updateAccount,
  type ManagedAccount,
} from '../../auth/accounts.ts';
import { verifyPassword } from '../../auth/passwords.ts';
import { readSessionToken } from '../../auth/session-cookie.ts';
import { deleteAccountSessions } from '../../auth/sessions.ts';
import type { Queryable } from '../../db/database.ts';
import { ApiError, forbidden, notFound, unauthorized } from '../api-error.ts';
import { idQuery, pathId } from '../fields.ts';
import { pageSchema, paginationQuery } from '../pagination.ts';
import { deletedSchema } from '../resource-schemas.ts';
import { route, type RouteSpec } from '../route-spec.ts';

/** The roles a school admin may give and manage. */
const schoolManagedRoles: readonly Role[] = ['teacher', 'student'];

const managedAccountResponse = accountResponse.extend({ disabled: z.boolean() });

const listQuery = paginationQuery.extend({ role: roleField.optional(), schoolId: idQuery.optional() });
type ListQuery = z.infer<typeof listQuery>;

const newAccountBody = z.object({
  username: usernameField,
  password: newPasswordField,
  displayName: displayNameField,
  role: roleField,
  schoolId: schoolIdField.nullable().optional(),
});
type NewAccountBody = z.infer<typeof newAccountBody>;

const changeBody = z
  .object({
    displayName: displayNameField.optional(),
    password: newPasswordField.optional(),
    /** Needed to change your own password, so a borrowed signed-in browser cannot lock you out. */
    currentPassword: z.string().max(1000).optional(),
    role: roleField.optional(),
    schoolId: schoolIdField.nullable().optional(),
    disabled: z.boolean().optional(),
  })
  .strict();
type ChangeBody = z.infer<typeof changeBody>;

function signedIn(account: Account | null): Account {
  if (!account) throw unauthorized();
  return account;
}

/** A school admin's school; the database guarantees one, this guards the type. */
function ownSchool(admin: Account): number {
  if (admin.schoolId === null) throw forbidden('your school admin account has no school; ask an operator');
  return admin.schoolId;
}

function manages(actor: Account, target: Account): boolean {
  if (actor.role === 'operator') return true;
  return actor.role === 'school_admin' && target.schoolId === actor.schoolId && schoolManagedRoles.includes(target.role);
}

/** The account at :id if the actor may see it; 403 for teachers and students asking about others, 404 otherwise. */
async function visibleAccount(actor: Account, id: number, db: Queryable): Promise<ManagedAccount> {
  if (id !== actor.id && !['operator', 'school_admin'].includes(actor.role)) throw forbidden('you may see and change only your own account');
  const target = await findAccountById(db, id);
  if (!target || (id !== actor.id && !manages(actor, target))) throw notFound('account', id);
  return target;
}

const lastOperator = () => new ApiError(409, 'the province must keep at least one active operator', 'make another account an operator first');

export const accountRoutes: RouteSpec[] = [
  route<ListQuery, undefined>({
    method: 'get',
    path: '/accounts',
    summary: 'List accounts (a school admin sees the teachers and students of their school)',
    tag: 'accounts',
    access: ['operator', 'school_admin'],
    query: listQuery,
    response: pageSchema(managedAccountResponse),
    async handler({ account, query, context }) {
      const actor = signedIn(account);
      let filter: { roles?: readonly Role[]; schoolId?: number } = { ...(query.role ? { roles: [query.role] } : {}), ...(query.schoolId !== undefined ? { schoolId: query.schoolId } : {}) };
      if (actor.role === 'school_admin') {
        const school = ownSchool(actor);
        if ((query.schoolId !== undefined && query.schoolId !== school) || (query.role && !schoolManagedRoles.includes(query.role))) {
          throw forbidden('school admins list the teachers and students of their own school');
        }
        filter = { roles: query.role ? [query.role] : schoolManagedRoles, schoolId: school };
      }
      const page = await listAccounts(context.db, { ...filter, limit: query.limit, offset: query.offset });
      return { body: { ...page, limit: query.limit, offset: query.offset } };
    },
  }),
  route<undefined, NewAccountBody>({
    method: 'post',
    path: '/accounts',
    summary: 'Create an account (a school admin creates teachers and students of their school)',
    tag: 'accounts',
    access: ['operator', 'school_admin'],
    body: newAccountBody,
    response: managedAccountResponse,
    successStatus: 201,
    async handler({ account, body, context }) {
      const actor = signedIn(account);
      let schoolId = body.schoolId;
      if (actor.role === 'school_admin') {
        if (!schoolManagedRoles.includes(body.role)) throw forbidden('school admins create only teachers and students');
        const school = ownSchool(actor);
        if (schoolId !== undefined && schoolId !== school) throw forbidden('school admins create accounts in their own school only');
        schoolId = school;
      }
      const created = await createAccount(context.db, { ...body, schoolId: schoolId ?? null });
      return { status: 201, body: { ...created, disabled: false } };
    },
  }),
  route({
    method: 'get',
    path: '/accounts/:id',
    summary: 'One account (404 for accounts outside a school admin\'s school)',
    tag: 'accounts',
    access: 'signed-in',
    response: managedAccountResponse,
    async handler({ account, params, context }) {
      return { body: await visibleAccount(signedIn(account), pathId(params.id, 'account'), context.db) };
    },
  }),
  route<undefined, ChangeBody>({
    method: 'patch',
    path: '/accounts/:id',
    summary: 'Change an account; your own: displayName, and password with currentPassword',
    tag: 'accounts',
    access: 'signed-in',
    body: changeBody,
    response: managedAccountResponse,
    async handler({ account, params, body, context, request }) {
      const actor = signedIn(account);
      const target = await visibleAccount(actor, pathId(params.id, 'account'), context.db);
      const self = target.id === actor.id;
      if (self) {
        if (body.role !== undefined || body.schoolId !== undefined || body.disabled !== undefined) {
          throw forbidden('you cannot change your own role, school or disabled state; ask another operator or your school admin');
        }
        if (body.password !== undefined) {
          if (!body.currentPassword) throw new ApiError(400, 'currentPassword: give your current password to set a new one');
          const stored = await findPasswordHash(context.db, target.id);
          if (!stored || !(await verifyPassword(body.currentPassword, stored))) throw new ApiError(403, 'currentPassword: wrong password');
        }
      } else if (actor.role === 'school_admin') {
        if (body.role !== undefined && !schoolManagedRoles.includes(body.role)) throw forbidden('school admins give only the roles teacher and student');
        if (body.schoolId !== undefined && body.schoolId !== ownSchool(actor)) throw forbidden('school admins keep accounts in their own school');
      }
      const losesOperator = target.role === 'operator' && ((body.role !== undefined && body.role !== 'operator') || body.disabled === true);
      if (losesOperator && (await countActiveOperators(context.db, target.id)) === 0) throw lastOperator();
      const { currentPassword: _currentPassword, ...changes } = body;
      const updated = await updateAccount(context.db, target.id, changes);
      if (!updated) throw notFound('account', target.id);
      // A new password or a disabled account ends the account's other sessions (your own current one stays).
      if (body.password !== undefined || body.disabled === true) await deleteAccountSessions(context.db, target.id, self ? readSessionToken(request) : undefined);
      return { body: updated };
    },
  }),
  route({
    method: 'delete',
    path: '/accounts/:id',
    summary: 'Delete an account (not your own, not the last operator)',
    tag: 'accounts',
    access: ['operator', 'school_admin'],
    response: deletedSchema,
    async handler({ account, params, context }) {
      const actor = signedIn(account);
      const id = pathId(params.id, 'account');
      if (id === actor.id) throw new ApiError(409, 'you cannot delete your own account', 'ask another operator to do it');
      const target = await visibleAccount(actor, id, context.db);
      if (target.role === 'operator' && (await countActiveOperators(context.db, target.id)) === 0) throw lastOperator();
      if (!(await deleteAccount(context.db, target.id))) throw notFound('account', id);
      return { body: { deleted: true } };
    },
  }),
];
