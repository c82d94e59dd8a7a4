// The zod schemas of account fields in API bodies, shared by the login, setup and account routes so
// a rule (and its message) is written once, and matches what accounts.ts enforces.
import { z } from 'zod';
import { roles } from './account.ts';
import { locales } from '../../../player/src/i18n/locales.ts';
import { maxDisplayNameLength, usernamePattern, usernameRule } from './accounts.ts';
import { passwordProblem } from './passwords.ts';

export const usernameField = z.string().regex(usernamePattern, usernameRule);

export const newPasswordField = z.string().superRefine((password, context) => {
  const problem = passwordProblem(password);
  if (problem) context.addIssue({ code: 'custom', message: problem });
});

export const displayNameField = z.string().trim().min(1, 'a display name is not empty').max(maxDisplayNameLength, `a display name is at most ${maxDisplayNameLength} characters`);

export const roleField = z.enum(roles);

export const schoolIdField = z.number().int().positive().max(2_147_483_647);

export const localeField = z.enum(locales);

export const accountResponse = z.object({ id: z.number().int(), username: z.string(), displayName: z.string(), role: roleField, schoolId: z.number().int().nullable(), locale: localeField.nullable() });
