// What a console did to a raised hand (accept, mute, unmute, end), in the catalog's audit log beside
// the API's changes: the actor, the lesson, and the student's id as the changed field's name.
import type { Account } from '../catalog/auth/account.ts';
import { finishAuditEntry, startAuditEntry } from '../catalog/audit/audit-log.ts';
import type { Queryable } from '../catalog/db/database.ts';
import { handsPath } from '../../player/src/hands/hands-protocol.ts';

export type HandAction = { actor: Account; action: 'accept' | 'mute' | 'unmute' | 'end'; lessonId: string; studentId: number; clientIp: string | null };

export async function auditHandAction(db: Queryable, entry: HandAction): Promise<void> {
  const id = await startAuditEntry(db, {
    actor: { id: entry.actor.id, username: entry.actor.username, role: entry.actor.role },
    action: `HAND ${entry.action}`,
    resource: 'lessons',
    resourceId: entry.lessonId,
    path: `${handsPath}?lesson=${entry.lessonId}&student=${entry.studentId}`,
    fields: ['studentId'],
    clientIp: entry.clientIp,
  });
  await finishAuditEntry(db, id, { status: 200 });
}
