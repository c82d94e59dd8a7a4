// Who is asking: the signed-in account a request carries (or none, for public pages and the
// timetable). Roles, widest first: an operator runs the province; a school admin runs one school;
// a teacher teaches that school's courses; a student watches.
import type { Locale } from '../../../player/src/i18n/locales.ts';

export const roles = ['operator', 'school_admin', 'teacher', 'student'] as const;
export type Role = (typeof roles)[number];

export type Account = {
  id: number;
  username: string;
  displayName: string;
  role: Role;
  /** The school a school admin, teacher or student belongs to; null for operators. */
  schoolId: number | null;
  /** The language the account chose for the pages; null: none chosen. */
  locale: Locale | null;
};
