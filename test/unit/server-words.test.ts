// Every fixed sentence the catalog answers a clash with (a name taken, a key in use) has words on
// the pages, so a Chinese page says it in Chinese.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { genericUniqueViolation, uniqueViolationMessages } from '../../services/catalog/api/constraint-messages.ts';
import { useTranslator } from '../../player/src/i18n/i18n.ts';
import { describeError, parseApiError } from '../../player/src/shared/api-error.ts';
import { serverWords } from '../../player/src/shared/server-words.ts';

test("every clash message of the catalog is in the pages' words", () => {
  const sentences = [...Object.values(uniqueViolationMessages), genericUniqueViolation].map((entry) => entry.message);
  assert.deepEqual(sentences.filter((sentence) => !(sentence in serverWords)), []);
});

test('a Chinese page says a taken name in Chinese; an English page keeps the server\'s words', () => {
  const answer = JSON.stringify({ error: { status: 409, message: 'a city with this name already exists', hint: 'choose another name' } });
  useTranslator('zh-CN', 'Asia/Shanghai');
  try {
    assert.equal(describeError(parseApiError(409, answer)), '已有同名的城市，请换一个名称。');
    assert.equal(describeError(parseApiError(400, '{"error":{"message":"name: Too small"}}')), '服务器拒绝了请求：name: Too small');
    assert.equal(describeError(parseApiError(403, '{"error":{"message":"only operators"}}')), '您的账号无权执行此操作。');
  } finally {
    useTranslator('en', 'UTC');
  }
  assert.equal(describeError(parseApiError(409, answer)), 'a city with this name already exists — choose another name');
});

test('a malformed address range and a city gone are said in Chinese with the value at fault', () => {
  useTranslator('zh-CN', 'Asia/Shanghai');
  try {
    const cidr = JSON.stringify({ error: { status: 400, message: "cidr: '10.0.0.300/8' is not an address range: write it as CIDR, e.g. 10.12.0.0/16 or 2001:db8:12::/48" } });
    assert.match(describeError(parseApiError(400, cidr)), /^“10\.0\.0\.300\/8”不是有效的地址段。/);
    assert.match(describeError(parseApiError(400, JSON.stringify({ error: { message: 'cityId: no city 42', hint: 'list them at /api/v1/cities' } }))), /^城市 42 不存在/);
  } finally {
    useTranslator('en', 'UTC');
  }
});
