import { test } from 'node:test';
import assert from 'node:assert/strict';
import { chooseLocale, localeFromAcceptLanguage } from '../../player/src/i18n/locales.ts';
import { useTranslator } from '../../player/src/i18n/i18n.ts';
import { fromDateTimeLocal, lessonTimeRange, relativeTime, toDateTimeLocal } from '../../player/src/shared/lesson-times.ts';
import { gradeLabel } from '../../player/src/shared/grade-label.ts';
import { classroomIdFor } from '../../services/catalog/queries/classroom-ids.ts';

test('the language: the remembered choice, else the first of Accept-Language we have, else the default', () => {
  assert.equal(localeFromAcceptLanguage('zh-CN,zh;q=0.9,en;q=0.8'), 'zh-CN');
  assert.equal(localeFromAcceptLanguage('en-US,en;q=0.9'), 'en');
  assert.equal(localeFromAcceptLanguage('fr-FR, en;q=0.5, zh;q=0.7'), 'zh-CN', 'by q, skipping languages we do not have');
  assert.equal(localeFromAcceptLanguage('zh-TW'), undefined, 'Traditional Chinese is not Simplified');
  assert.equal(localeFromAcceptLanguage('de, *;q=0.1'), undefined);
  assert.equal(chooseLocale({ acceptLanguage: 'de' }, 'zh-CN'), 'zh-CN');
  assert.equal(chooseLocale({ acceptLanguage: 'en-GB' }, 'zh-CN'), 'en');
  assert.equal(chooseLocale({ cookie: 'a=1; classcast_locale=zh-CN', acceptLanguage: 'en-GB' }, 'en'), 'zh-CN', 'the switcher wins');
  assert.equal(chooseLocale({ cookie: 'classcast_locale=fr', acceptLanguage: 'en' }, 'zh-CN'), 'en', 'a cookie naming no language we have is ignored');
});

test('a Chinese page writes lesson times in Chinese, in Shanghai, on a 24-hour clock', () => {
  useTranslator('zh-CN', 'Asia/Shanghai');
  try {
    const now = new Date('2026-11-22T16:10:00Z'); // 00:10 on the 23rd in Shanghai
    assert.equal(lessonTimeRange('2026-11-22T16:30:00Z', '2026-11-22T17:15:00Z', now), '今天 00:30–01:15');
    assert.equal(lessonTimeRange('2026-11-23T06:00:00Z', null, now), '今天 14:00 开始');
    assert.equal(lessonTimeRange('2026-11-25T01:00:00Z', '2026-11-25T01:45:00Z', now), '11月25日周三 09:00–09:45');
    assert.equal(relativeTime(new Date('2026-11-22T18:20:00Z'), now), '2 小时 10 分钟后');
    assert.equal(gradeLabel('高一'), '高一');
    assert.equal(gradeLabel('9'), '9 年级');
    // The lesson form is filled in on Shanghai's clock, whatever the browser's zone.
    assert.equal(toDateTimeLocal(new Date('2026-11-22T16:30:00Z')), '2026-11-23T00:30');
    assert.equal(fromDateTimeLocal('2026-11-23T00:30'), '2026-11-22T16:30:00.000Z');
  } finally {
    useTranslator('en', 'UTC');
  }
});

test('a classroom named in Chinese gets a short URL-safe id; an ASCII name gives a readable one', () => {
  const tail = (count: number) => 'x'.repeat(count);
  assert.equal(classroomIdFor('高一(1)班', tail), 'room-xxxxxx');
  assert.equal(classroomIdFor('Room 101', tail), 'room-101-xxxx');
  assert.equal(classroomIdFor('Salle é', tail), 'salle-e-xxxx');
  assert.match(classroomIdFor('高一(1)班'), /^room-[a-z2-9]{6}$/);
});
