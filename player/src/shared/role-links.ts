// Which pages each role has, for the top navigation and for where a sign-in lands. Pure.
import type { Role } from './catalog-types.ts';

export type NavLink = { href: string; label: string };

export function navLinks(role: Role | null): NavLink[] {
  const links: NavLink[] = [{ href: '/', label: 'Timetable' }];
  if (role === 'operator' || role === 'school_admin') links.push({ href: '/school', label: 'School' });
  if (role === 'operator') links.push({ href: '/admin', label: 'Admin' }, { href: '/dashboard', label: 'Dashboard' });
  return links;
}

/** Where a sign-in goes when the address does not say: the page each role works on. */
export function homeFor(role: Role): string {
  if (role === 'operator') return '/admin';
  if (role === 'school_admin') return '/school';
  return '/';
}

/** A `?next=` target only when it is a path on this site (never another origin). */
export function safeNext(next: string | null): string | null {
  return next && /^\/(?![/\\])/.test(next) ? next : null;
}

export const roleNames: Record<Role, string> = {
  operator: 'operator',
  school_admin: 'school admin',
  teacher: 'teacher',
  student: 'student',
};
