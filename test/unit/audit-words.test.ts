import { test } from 'node:test';
import assert from 'node:assert/strict';
import { auditSentence, auditVerb } from '../../player/src/admin/audit-words.ts';
import type { AuditEntry } from '../../player/src/shared/catalog-types.ts';

const entry = (action: string, change: Partial<AuditEntry> = {}): AuditEntry => ({
  id: 1,
  at: '',
  accountId: 1,
  username: 'olga',
  role: 'operator',
  status: 200,
  action,
  resource: action.split('/')[1] ?? '',
  resourceId: null,
  path: '',
  fields: [],
  clientIp: null,
  ...change,
});

test('audit entries read as sentences', () => {
  assert.equal(auditSentence(entry('POST /setup', { resource: 'auth' })), 'olga created the first operator account');
  assert.equal(auditSentence(entry('POST /classrooms', { resourceId: null })), 'olga created a classroom');
  assert.equal(auditSentence(entry('PATCH /schools/:id', { resourceId: '3', fields: ['name', 'recordLessons'] })), 'olga changed school 3 (name, recordLessons)');
  assert.equal(auditSentence(entry('DELETE /lessons/:id', { resource: 'lessons', resourceId: 'room-1-x' })), 'olga deleted lesson room-1-x');
  assert.equal(auditSentence(entry('POST /classrooms/:id/rotate-key', { resourceId: 'north-101' })), 'olga rotated the stream key of classroom north-101');
  assert.equal(auditSentence(entry('POST /lessons/:id/end', { resourceId: 'l-1', status: 409 })), 'olga ended lesson l-1 now (refused, 409)');
  assert.equal(auditSentence(entry('POST /auth/login', { username: null })), 'anonymous signed in');
  assert.equal(auditSentence(entry('POST /something/:id/odd')), 'olga: POST /something/:id/odd');
  assert.equal(auditVerb('PATCH /recordings/:id', ['pinned']), 'pin');
});
