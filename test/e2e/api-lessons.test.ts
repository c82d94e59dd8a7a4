// Lessons and the timetable through the real API on both databases: ids made from the classroom and
// start, overlaps and bad times refused, who may schedule what, live lessons protected, visibility
// of school lessons, and the timetable's ranges, filters and order.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { catalogDatabaseUrls } from '../helpers/databases.ts';
import { startFixture, type Fixture } from '../helpers/api-fixtures.ts';
import { startOfDayIn } from '../../player/src/i18n/zoned-time.ts';

const hour = 3600_000;
const day = 24 * hour;
const at = (ms: number) => new Date(ms).toISOString();

for (const database of await catalogDatabaseUrls()) {
  describe(`lessons and the timetable on ${database.name}`, () => {
    let f: Fixture;
    before(async () => {
      f = await startFixture(database.url);
    });
    after(() => f.catalog.close());

    const setState = (id: string, state: 'scheduled' | 'live' | 'ended') => f.catalog.db.query('update lessons set state = $2 where id = $1', [id, state]);
    const schedule = async (body: Record<string, unknown>, token = f.operator) => {
      const answer = await f.catalog.api('post', '/lessons', { token, body });
      assert.equal(answer.status, 201, JSON.stringify(answer.body));
      return answer.body;
    };

    test('a lesson gets its id from the classroom and start, and carries its course, classroom, school and city', async () => {
      const school = await f.school();
      const room = await f.classroom(school.id);
      const course = await f.course(school.id, { title: 'Chemistry', subject: 'Science', grade: '11', teacherName: 'Dr. Karimi' });
      const lesson = await schedule({ classroomId: room.id, courseId: course.id, title: 'Acids', startsAt: '2030-03-04T08:05:09+03:30', endsAt: '2030-03-04T09:00:00+03:30', visibility: 'public' });
      assert.deepEqual(lesson, {
        id: `${room.id}-20300304-043509`,
        title: 'Acids',
        courseId: course.id,
        courseTitle: 'Chemistry',
        subject: 'Science',
        grade: '11',
        teacherName: 'Dr. Karimi',
        classroomId: room.id,
        classroomName: lesson.classroomName,
        schoolId: school.id,
        schoolName: school.name,
        cityId: school.cityId,
        cityName: lesson.cityName,
        startsAt: '2030-03-04T04:35:09.000Z',
        endsAt: '2030-03-04T05:30:00.000Z',
        latencyMode: 'normal',
        visibility: 'public',
        p2pEnabled: true,
        record: null,
        recordEffective: true,
        state: 'scheduled',
        adHoc: false,
        wentLiveAt: null,
        endedAt: null,
        endRequestedAt: null,
        masterUrl: `/live/${room.id}-20300304-043509/master.m3u8`,
        watchUrl: `/watch/${room.id}-20300304-043509`,
      });
      assert.deepEqual((await f.catalog.api('get', `/lessons/${lesson.id}`)).body, lesson);

      await setState(lesson.id, 'ended');
      const again = await schedule({ classroomId: room.id, title: 'Acids, again', startsAt: '2030-03-04T04:35:09Z', endsAt: '2030-03-04T05:00:00Z' });
      assert.equal(again.id, `${room.id}-20300304-043509-2`, 'a taken id gets a suffix');
      assert.equal(again.courseId, null);
      assert.equal(again.teacherName, null);
    });

    test('times: endsAt after startsAt, ISO with a zone; overlaps with scheduled or live lessons are 409', async () => {
      const school = await f.school();
      const room = await f.classroom(school.id);
      const backwards = await f.catalog.api('post', '/lessons', { token: f.operator, body: { classroomId: room.id, title: 'X', startsAt: '2030-01-01T10:00:00Z', endsAt: '2030-01-01T09:00:00Z' } });
      assert.equal(backwards.status, 400);
      assert.match(backwards.body.error.message, /^endsAt: /);
      const zoneless = await f.catalog.api('post', '/lessons', { token: f.operator, body: { classroomId: room.id, title: 'X', startsAt: '2030-01-01 10:00', endsAt: '2030-01-01T11:00:00Z' } });
      assert.equal(zoneless.status, 400);
      assert.match(zoneless.body.error.message, /^startsAt: /);

      const first = await schedule({ classroomId: room.id, title: 'First', startsAt: '2030-01-01T08:00:00Z', endsAt: '2030-01-01T09:00:00Z' });
      const overlap = await f.catalog.api('post', '/lessons', { token: f.operator, body: { classroomId: room.id, title: 'Clash', startsAt: '2030-01-01T08:30:00Z', endsAt: '2030-01-01T09:30:00Z' } });
      assert.equal(overlap.status, 409);
      assert.match(overlap.body.error.message, new RegExp(first.id));
      const next = await schedule({ classroomId: room.id, title: 'Right after', startsAt: '2030-01-01T09:00:00Z', endsAt: '2030-01-01T10:00:00Z' });
      const moved = await f.catalog.api('patch', `/lessons/${next.id}`, { token: f.operator, body: { startsAt: '2030-01-01T08:45:00Z' } });
      assert.equal(moved.status, 409, 'a change is checked for overlaps too');
      await setState(first.id, 'ended');
      assert.equal((await f.catalog.api('patch', `/lessons/${next.id}`, { token: f.operator, body: { startsAt: '2030-01-01T08:45:00Z' } })).status, 200, 'ended lessons do not block');
      const other = await f.classroom(school.id);
      await schedule({ classroomId: other.id, title: 'Same time, other room', startsAt: '2030-01-01T09:00:00Z', endsAt: '2030-01-01T10:00:00Z' });
    });

    test('the course must be the classroom\'s school\'s; unknown classrooms and courses are 400', async () => {
      const school = await f.school();
      const other = await f.school();
      const room = await f.classroom(school.id);
      const foreign = await f.course(other.id);
      const times = { startsAt: '2030-02-01T08:00:00Z', endsAt: '2030-02-01T09:00:00Z' };
      const wrongSchool = await f.catalog.api('post', '/lessons', { token: f.operator, body: { classroomId: room.id, courseId: foreign.id, title: 'X', ...times } });
      assert.equal(wrongSchool.status, 400);
      assert.match(wrongSchool.body.error.message, /^courseId: /);
      const noRoom = await f.catalog.api('post', '/lessons', { token: f.operator, body: { classroomId: 'no-such-room', title: 'X', ...times } });
      assert.equal(noRoom.status, 400);
      assert.match(noRoom.body.error.message, /^classroomId: /);
      const noCourse = await f.catalog.api('post', '/lessons', { token: f.operator, body: { classroomId: room.id, courseId: 999999, title: 'X', ...times } });
      assert.match(noCourse.body.error.message, /^courseId: /);
      const withState = await f.catalog.api('post', '/lessons', { token: f.operator, body: { classroomId: room.id, title: 'X', state: 'live', ...times } });
      assert.equal(withState.status, 400);
      assert.match(withState.body.error.message, /state/, 'the state is ingest\'s, never the API\'s');
      assert.equal((await f.catalog.api('get', '/lessons/NOT-A-SLUG')).status, 404);
      assert.equal((await f.catalog.api('get', '/lessons/no-such-lesson')).status, 404);
    });

    test('teachers schedule lessons of their own courses only; school admins their school\'s; students none', async () => {
      const school = await f.school();
      const other = await f.school();
      const room = await f.classroom(school.id);
      const own = await f.course(school.id, { teacherAccountId: school.teacherId });
      const colleague = await f.catalog.signIn('teacher', school.id);
      const theirs = await f.course(school.id, { teacherAccountId: colleague.account.id });
      const times = (hourOfDay: number) => ({ startsAt: `2030-05-01T${String(hourOfDay).padStart(2, '0')}:00:00Z`, endsAt: `2030-05-01T${String(hourOfDay).padStart(2, '0')}:50:00Z` });
      const teacher = school.tokens.teacher;
      const mine = await schedule({ classroomId: room.id, courseId: own.id, title: 'Mine', ...times(8) }, teacher);
      assert.equal((await f.catalog.api('patch', `/lessons/${mine.id}`, { token: teacher, body: { title: 'Mine, renamed' } })).body.title, 'Mine, renamed');
      assert.equal((await f.catalog.api('patch', `/lessons/${mine.id}`, { token: teacher, body: { courseId: theirs.id } })).status, 403);
      assert.equal((await f.catalog.api('post', '/lessons', { token: teacher, body: { classroomId: room.id, courseId: theirs.id, title: 'Theirs', ...times(9) } })).status, 403);
      assert.equal((await f.catalog.api('post', '/lessons', { token: teacher, body: { classroomId: room.id, title: 'No course', ...times(10) } })).status, 403);
      const admins = await schedule({ classroomId: room.id, courseId: theirs.id, title: 'By the admin', ...times(11) }, school.tokens.school_admin);
      assert.equal((await f.catalog.api('delete', `/lessons/${admins.id}`, { token: teacher })).status, 403);
      assert.equal((await f.catalog.api('post', '/lessons', { token: other.tokens.school_admin, body: { classroomId: room.id, title: 'Elsewhere', ...times(12) } })).status, 403);
      assert.equal((await f.catalog.api('post', '/lessons', { token: school.tokens.student, body: { classroomId: room.id, title: 'S', ...times(13) } })).status, 403);
      assert.equal((await f.catalog.api('post', '/lessons', { body: { classroomId: room.id, title: 'S', ...times(13) } })).status, 401);
      assert.equal((await f.catalog.api('delete', `/lessons/${mine.id}`, { token: teacher })).status, 200);
    });

    test('a live lesson cannot be deleted or moved to another classroom, but can be renamed', async () => {
      const school = await f.school();
      const room = await f.classroom(school.id);
      const other = await f.classroom(school.id);
      const lesson = await schedule({ classroomId: room.id, title: 'On air', startsAt: at(Date.now() - hour), endsAt: at(Date.now() + hour) });
      await setState(lesson.id, 'live');
      assert.equal((await f.catalog.api('delete', `/lessons/${lesson.id}`, { token: f.operator })).status, 409);
      assert.equal((await f.catalog.api('patch', `/lessons/${lesson.id}`, { token: f.operator, body: { classroomId: other.id } })).status, 409);
      const renamed = await f.catalog.api('patch', `/lessons/${lesson.id}`, { token: f.operator, body: { title: 'Still on air' } });
      assert.deepEqual([renamed.status, renamed.body.title, renamed.body.state], [200, 'Still on air', 'live']);
    });

    test('"End lesson now": its teacher, its school\'s admins and operators end a live lesson; not a lesson that is not live; audited', async () => {
      const school = await f.school();
      const other = await f.school();
      const room = await f.classroom(school.id);
      const own = await f.course(school.id, { teacherAccountId: school.teacherId });
      const colleague = await f.catalog.signIn('teacher', school.id);
      const lesson = await schedule({ classroomId: room.id, courseId: own.id, title: 'Ends early', startsAt: at(Date.now() - hour), endsAt: at(Date.now() + hour) });
      const end = (token?: string) => f.catalog.api('post', `/lessons/${lesson.id}/end`, token ? { token } : {});
      const notLive = await end(f.operator);
      assert.equal(notLive.status, 409);
      assert.match(notLive.body.error.message, /is not live \(it is scheduled\)/);
      await setState(lesson.id, 'live');
      assert.equal((await end()).status, 401);
      for (const token of [colleague.token, school.tokens.student, other.tokens.school_admin]) assert.equal((await end(token)).status, 403);
      assert.equal((await f.catalog.api('get', `/lessons/${lesson.id}`)).body.state, 'live', 'refused calls change nothing');
      // No ingest node carries it (no session): the catalog ends it at once.
      const ended = await end(school.tokens.teacher);
      assert.equal(ended.status, 200, JSON.stringify(ended.body));
      assert.equal(ended.body.state, 'ended');
      assert.ok(ended.body.endRequestedAt && ended.body.endedAt);
      const again = await end(school.tokens.school_admin);
      assert.equal(again.status, 409);
      assert.match(again.body.error.message, /it is ended/);
      assert.equal((await f.catalog.api('post', '/lessons/no-such-lesson/end', { token: f.operator })).status, 404);
      const audit = await f.catalog.api('get', `/audit?resource=lessons&resourceId=${lesson.id}`, { token: f.operator });
      assert.deepEqual(
        audit.body.items.filter((entry: { action: string }) => entry.action === 'POST /lessons/:id/end').map((entry: { status: number }) => entry.status),
        [409, 200, 403, 403, 409],
        'newest first; the student was refused by role before any entry, as for every route',
      );
    });

    test('school lessons are for their school: 401 anonymous, 403 other schools, hidden from lists', async () => {
      const school = await f.school();
      const other = await f.school();
      const room = await f.classroom(school.id);
      const open = await schedule({ classroomId: room.id, title: 'Open', visibility: 'public', startsAt: at(Date.now() - hour), endsAt: at(Date.now() + hour) });
      const closed = await schedule({ classroomId: await f.classroom(school.id).then((r) => r.id), title: 'Closed', visibility: 'school', startsAt: at(Date.now() - hour), endsAt: at(Date.now() + hour) });
      const guarded = await schedule({ classroomId: await f.classroom(school.id).then((r) => r.id), title: 'Guarded', visibility: 'protected', startsAt: at(Date.now() - hour), endsAt: at(Date.now() + hour) });
      for (const lesson of [open, closed, guarded]) await setState(lesson.id, 'live');

      assert.equal((await f.catalog.api('get', `/lessons/${closed.id}`)).status, 401);
      assert.equal((await f.catalog.api('get', `/lessons/${closed.id}`, { token: other.tokens.student })).status, 403);
      assert.equal((await f.catalog.api('get', `/lessons/${guarded.id}`, { token: other.tokens.teacher })).status, 403);
      assert.equal((await f.catalog.api('get', `/lessons/${closed.id}`, { token: school.tokens.student })).status, 200);
      assert.equal((await f.catalog.api('get', `/lessons/${guarded.id}`, { token: f.operator })).status, 200);

      const ids = async (path: string, token?: string) => (await f.catalog.api('get', path, token ? { token } : {})).body.items.map((lesson: { id: string }) => lesson.id).sort();
      const live = `/lessons?state=live&schoolId=${school.id}`;
      assert.deepEqual(await ids(live), [open.id], 'the public sees public lessons only');
      assert.deepEqual(await ids(live, other.tokens.student), [open.id]);
      assert.deepEqual(await ids(live, school.tokens.student), [open.id, closed.id, guarded.id].sort());
      assert.deepEqual(await ids(live, f.operator), [open.id, closed.id, guarded.id].sort());
      assert.deepEqual(await ids(`/timetable?schoolId=${school.id}`), [open.id]);
      assert.deepEqual(await ids(`/timetable?schoolId=${school.id}`, school.tokens.teacher), [open.id, closed.id, guarded.id].sort());
      assert.equal((await f.catalog.api('get', '/lessons?state=on-air')).status, 400);
    });

    test('timetable: today, week and upcoming ranges, explicit from/to, live first', async () => {
      const school = await f.school();
      const room = await f.classroom(school.id);
      const now = Date.now();
      // Days are the province's (web.timeZone, Asia/Shanghai by default), which keeps no daylight saving.
      const startOfToday = startOfDayIn(new Date(now), 'Asia/Shanghai').getTime();
      const lesson = (title: string, start: number, end: number) => schedule({ classroomId: room.id, title, startsAt: at(start), endsAt: at(end) });
      const past = await lesson('Two days ago', startOfToday - 2 * day, startOfToday - 2 * day + hour);
      const allDay = await lesson('All of today', startOfToday + 1000, startOfToday + day - 1000);
      const inThreeDays = await lesson('In three days', startOfToday + 3 * day, startOfToday + 3 * day + hour);
      const inTenDays = await lesson('In ten days', startOfToday + 10 * day, startOfToday + 10 * day + hour);
      const ids = async (query: string) => (await f.catalog.api('get', `/timetable?schoolId=${school.id}&${query}`)).body.items.map((item: { id: string }) => item.id);

      assert.deepEqual(await ids('range=today'), [allDay.id]);
      assert.deepEqual(await ids('range=week'), [allDay.id, inThreeDays.id]);
      assert.deepEqual(await ids('range=upcoming'), [allDay.id, inThreeDays.id, inTenDays.id]);
      assert.deepEqual(await ids(''), [past.id, allDay.id, inThreeDays.id, inTenDays.id], 'no range: every lesson, by start');
      assert.deepEqual(await ids(`from=${at(startOfToday + 2 * day)}&to=${at(startOfToday + 11 * day)}`), [inThreeDays.id, inTenDays.id]);
      assert.deepEqual(await ids(`range=week&from=${at(startOfToday + day)}`), [inThreeDays.id], 'from overrides the range\'s start');

      await setState(inTenDays.id, 'live');
      assert.deepEqual(await ids(''), [inTenDays.id, past.id, allDay.id, inThreeDays.id], 'live lessons first when no state is asked for');
      assert.deepEqual(await ids('state=scheduled'), [past.id, allDay.id, inThreeDays.id]);
      assert.equal((await f.catalog.api('get', '/timetable?range=month')).status, 400);
      const backwards = await f.catalog.api('get', `/timetable?from=${at(now)}&to=${at(now - day)}`);
      assert.equal(backwards.status, 400);
      assert.match(backwards.body.error.message, /^to: /);
      assert.match((await f.catalog.api('get', '/timetable?from=yesterday')).body.error.message, /^from: /);
    });

    test('timetable filters: city, school, grade, subject, and free text over titles, teacher and school', async () => {
      const school = await f.school();
      const room = await f.classroom(school.id);
      const other = await f.school();
      const otherRoom = await f.classroom(other.id);
      const maths = await f.course(school.id, { title: 'Calculus', subject: 'Maths', grade: '12', teacherName: 'Mr. Khayyam' });
      const poetry = await f.course(school.id, { title: 'Rubaiyat 100%', subject: 'Literature', grade: '10' });
      const otherCourse = await f.course(other.id, { subject: 'Maths', grade: '12' });
      const base = Date.UTC(2031, 0, 5, 8);
      const a = await schedule({ classroomId: room.id, courseId: maths.id, title: 'Limits', startsAt: at(base), endsAt: at(base + hour) });
      const b = await schedule({ classroomId: room.id, courseId: poetry.id, title: 'Quatrains', startsAt: at(base + 2 * hour), endsAt: at(base + 3 * hour) });
      const c = await schedule({ classroomId: otherRoom.id, courseId: otherCourse.id, title: 'Derivatives', startsAt: at(base), endsAt: at(base + hour) });
      const window = `from=${at(base - hour)}&to=${at(base + 5 * hour)}`;
      const ids = async (query: string) => (await f.catalog.api('get', `/timetable?${window}&${query}`)).body.items.map((item: { id: string }) => item.id).sort();

      assert.deepEqual(await ids(`cityId=${school.cityId}`), [a.id, b.id].sort());
      assert.deepEqual(await ids(`schoolId=${other.id}`), [c.id]);
      assert.deepEqual(await ids(`cityId=${school.cityId}&grade=12`), [a.id]);
      assert.deepEqual(await ids('subject=Maths&grade=12'), [a.id, c.id].sort());
      assert.deepEqual(await ids(`cityId=${school.cityId}&q=khayyam`), [a.id], 'teacher');
      assert.deepEqual(await ids('q=quatrain'), [b.id], 'lesson title');
      assert.deepEqual(await ids('q=calculus'), [a.id], 'course title');
      assert.deepEqual(await ids(`q=${encodeURIComponent(other.name)}`), [c.id], 'school name');
      assert.deepEqual(await ids(`cityId=${school.cityId}&q=%25`), [b.id], '% is literal');
      assert.deepEqual(await ids("q=Robert'); drop table lessons;--"), []);
      const paged = await f.catalog.api('get', `/timetable?${window}&cityId=${school.cityId}&limit=1&offset=1`);
      assert.deepEqual([paged.body.items.map((item: { id: string }) => item.id), paged.body.total, paged.body.limit, paged.body.offset], [[b.id], 2, 1, 1]);

      const facets = (await f.catalog.api('get', '/timetable/facets')).body;
      assert.ok(facets.cities.some((city: { id: number }) => city.id === school.cityId));
      assert.ok(facets.schools.some((entry: { id: number; cityId: number }) => entry.id === other.id && entry.cityId === other.cityId));
      assert.ok(facets.grades.includes('10') && facets.grades.includes('12'));
      assert.ok(facets.grades.indexOf('7') < facets.grades.indexOf('10'), 'grades sort as numbers');
      assert.ok(facets.subjects.includes('Literature'));
    });
  });
}
