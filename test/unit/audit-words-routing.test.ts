// The audit log's sentences for the routing tab's changes: a city's relays (logged under the city's
// id) and address ranges read as sentences in both languages, not as routes.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { auditSentence } from '../../player/src/admin/audit-words.ts';
import { useTranslator } from '../../player/src/i18n/i18n.ts';
import type { AuditEntry } from '../../player/src/shared/catalog-types.ts';

const entry = (action: string, resourceId: string | null, fields: string[] = []): AuditEntry => ({
  id: 1,
  at: '2026-12-07T08:00:00.000Z',
  accountId: 1,
  username: 'olga',
  role: 'operator',
  status: 200,
  action,
  resource: 'routing',
  resourceId,
  path: '/',
  fields,
  clientIp: null,
});

test('routing changes read as sentences, in English and in Chinese', () => {
  useTranslator('en', 'UTC');
  assert.equal(auditSentence(entry('POST /cities/:id/relays', '12', ['mediaUrl'])), 'olga created a city relay');
  assert.equal(auditSentence(entry('PATCH /cities/:id/relays/:relayId', '3', ['position'])), 'olga changed a relay of city 3 (position)');
  assert.equal(auditSentence(entry('DELETE /address-ranges/:id', '7')), 'olga deleted address range 7');
  useTranslator('zh-CN', 'Asia/Shanghai');
  try {
    assert.equal(auditSentence(entry('DELETE /cities/:id/relays/:relayId', '3')), 'olga删除了城市 3 的一个中继');
    assert.equal(auditSentence(entry('PATCH /address-ranges/:id', '7', ['note'])), 'olga修改了地址段 7（note）');
    assert.equal(auditSentence(entry('POST /address-ranges', '8', ['cidr', 'cityId'])), 'olga创建了地址段');
  } finally {
    useTranslator('en', 'UTC');
  }
});
