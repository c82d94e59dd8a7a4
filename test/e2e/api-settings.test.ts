// The platform's settings: anyone reads the province's time zone; an operator changes it, and the
// timetable's days follow it at once.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { startOfDayIn } from '../../player/src/i18n/zoned-time.ts';
import { createTimeZoneSource } from '../../services/catalog/queries/province-time-zone.ts';
import { startTestCatalog, type TestCatalog } from '../helpers/test-catalog.ts';

describe('settings: the province time zone', () => {
  let catalog: TestCatalog;
  let operator: string;
  before(async () => {
    catalog = await startTestCatalog();
    operator = (await catalog.signIn('operator')).token;
  });
  after(() => catalog?.close());

  test('defaults to the configuration, is changed by operators only, and moves the timetable\'s today', async () => {
    assert.deepEqual((await catalog.api('get', '/settings')).body, { timeZone: 'Asia/Shanghai', defaultLocale: 'zh-CN' });
    const student = (await catalog.signIn('student', null)).token;
    assert.equal((await catalog.api('patch', '/settings', { token: student, body: { timeZone: 'UTC' } })).status, 403);
    assert.equal((await catalog.api('patch', '/settings', { token: operator, body: { timeZone: 'Mars/Olympus' } })).status, 400);

    const city = await catalog.api('post', '/cities', { token: operator, body: { name: '示范市' } });
    const school = await catalog.api('post', '/schools', { token: operator, body: { cityId: city.body.id, name: '示范学校' } });
    const room = await catalog.api('post', '/classrooms', { token: operator, body: { schoolId: school.body.id, name: '高一(2)班' } });
    // 00:30-01:15 of today in Shanghai: yesterday in New York whenever Shanghai's day has begun.
    const start = startOfDayIn(new Date(), 'Asia/Shanghai').getTime() + 30 * 60_000;
    const lesson = await catalog.api('post', '/lessons', { token: operator, body: { classroomId: room.body.id, title: '数学', startsAt: new Date(start).toISOString(), endsAt: new Date(start + 45 * 60_000).toISOString() } });
    const today = async () => (await catalog.api('get', `/timetable?range=today&schoolId=${school.body.id}`)).body.items.map((item: { id: string }) => item.id);
    assert.deepEqual(await today(), [lesson.body.id]);

    const changed = await catalog.api('patch', '/settings', { token: operator, body: { timeZone: 'Pacific/Kiritimati' } });
    assert.deepEqual(changed.body, { timeZone: 'Pacific/Kiritimati', defaultLocale: 'zh-CN' });
    // UTC+14: Kiritimati's day begins 6 hours before Shanghai's, so 00:30 in Shanghai is today there only from 18:00 on.
    const kiritimatiToday = startOfDayIn(new Date(), 'Pacific/Kiritimati').getTime();
    assert.deepEqual(await today(), start >= kiritimatiToday && start < kiritimatiToday + 86_400_000 ? [lesson.body.id] : []);

    const source = createTimeZoneSource(catalog.db, 'Asia/Shanghai', 0);
    await new Promise((resolve) => setTimeout(resolve, 100));
    assert.equal(source.current(), 'Pacific/Kiritimati', 'the pages read the stored zone');
  });
});
