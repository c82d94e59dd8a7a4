// Who a signed-in account is to one lesson's raised hands: the lesson's teacher, its school's admins
// and the operators hold its console (accept, mute, end); a student who may watch the lesson raises a
// hand; anyone else is refused. Pure, beside the catalog's other permission rules (permissions.ts).
import type { Account } from '../catalog/auth/account.ts';
import { managesSchool, mayReadLesson } from '../catalog/api/permissions.ts';
import type { Visibility } from '../catalog/queries/lessons.ts';
import type { HandsRole } from '../../player/src/hands/hands-protocol.ts';

export type HandsLesson = { schoolId: number | null; visibility: Visibility; teacherAccountId: number | null };

export function handsRoleOf(account: Account, lesson: HandsLesson): HandsRole | undefined {
  if (managesSchool(account, lesson.schoolId)) return 'console';
  if (account.role === 'teacher' && lesson.teacherAccountId === account.id && account.schoolId === lesson.schoolId) return 'console';
  if (account.role === 'student' && mayReadLesson(account, lesson)) return 'student';
  return undefined;
}
