// Which pages each role has, for the top navigation and for where a sign-in lands. Pure.
import { t } from '../i18n/i18n.ts';
import type { Role } from './catalog-types.ts';

export type NavLink = { href: string; label: string };

export function navLinks(role: Role | null): NavLink[] {
  const links: NavLink[] = [{ href: '/', label: t('page.timetable') }];
  if (role === 'operator' || role === 'school_admin') links.push({ href: '/school', label: t('page.school') });
  if (role === 'operator') links.push({ href: '/admin', label: t('page.admin') }, { href: '/dashboard', label: t('page.dashboard') });
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

/** "school admin", "学校管理员". */
export function roleName(role: Role): string {
  return t('role.name', { role });
}
