// The fine-grained rules of docs/api.md's "Who may do what" table that depend on the row, not just
// the role: own school, own courses, which lessons a caller may read. Route tables gate by role;
// these small pure functions decide the rest, so each rule is unit-tested on its own.
import type { Account } from '../auth/account.ts';
import type { LessonScope, Visibility } from '../queries/lessons.ts';

const isOperator = (account: Account | null): boolean => account?.role === 'operator';

/** The account belongs to this (existing) school. */
export function inSchool(account: Account | null, schoolId: number | null): boolean {
  return account !== null && schoolId !== null && account.schoolId === schoolId;
}

/** Operators run every school; a school admin runs their own. */
export function managesSchool(account: Account | null, schoolId: number | null): boolean {
  return isOperator(account) || (account?.role === 'school_admin' && inSchool(account, schoolId));
}

/** A school admin may rename their own school; moving it to another city is the operators'. */
export function mayChangeSchool(account: Account | null, schoolId: number, change: { cityId?: number | undefined }): boolean {
  if (isOperator(account)) return true;
  return account?.role === 'school_admin' && inSchool(account, schoolId) && change.cityId === undefined;
}

/** Classrooms (and their encoder status) are for the school's staff. */
export function maySeeClassroom(account: Account | null, classroom: { schoolId: number | null }): boolean {
  if (isOperator(account)) return true;
  return (account?.role === 'school_admin' || account?.role === 'teacher') && inSchool(account, classroom.schoolId);
}

/** Stream keys let anyone publish as the classroom: only those who manage it see them. */
export function maySeeClassroomKeys(account: Account | null, classroom: { schoolId: number | null }): boolean {
  return managesSchool(account, classroom.schoolId);
}

export const mayManageClassroom = maySeeClassroomKeys;

/** Teachers change their own courses; school admins their school's; operators all. */
export function mayChangeCourse(account: Account | null, course: { schoolId: number; teacherAccountId: number | null }): boolean {
  if (managesSchool(account, course.schoolId)) return true;
  return account?.role === 'teacher' && inSchool(account, course.schoolId) && course.teacherAccountId === account.id;
}

/** Lessons follow their course (a teacher changes the lessons of their courses); a lesson without a course (ad hoc) is for the school's managers. */
export function mayChangeLesson(account: Account | null, lesson: { schoolId: number | null; courseId: number | null; teacherAccountId: number | null }): boolean {
  if (managesSchool(account, lesson.schoolId)) return true;
  return account?.role === 'teacher' && inSchool(account, lesson.schoolId) && lesson.courseId !== null && lesson.teacherAccountId === account.id;
}

/** Public lessons are for everyone; school and protected lessons for their school's accounts and the operators. */
export function mayReadLesson(account: Account | null, lesson: { visibility: Visibility; schoolId: number | null }): boolean {
  return lesson.visibility === 'public' || isOperator(account) || inSchool(account, lesson.schoolId);
}

/** The same rule as mayReadLesson, as a filter for list queries. */
export function lessonScope(account: Account | null): LessonScope {
  if (isOperator(account)) return { kind: 'all' };
  if (account?.schoolId !== null && account?.schoolId !== undefined) return { kind: 'public-or-school', schoolId: account.schoolId };
  return { kind: 'public' };
}
