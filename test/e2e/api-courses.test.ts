// Courses and courseware through the real API on both databases: CRUD, teachers changing only
// their own courses, filters, and files that round-trip byte for byte under a stored random name.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { catalogDatabaseUrls } from '../helpers/databases.ts';
import { startFixture, type Fixture } from '../helpers/api-fixtures.ts';

for (const database of await catalogDatabaseUrls()) {
  describe(`courses on ${database.name}`, () => {
    let f: Fixture;
    before(async () => {
      f = await startFixture(database.url);
    });
    after(() => f.catalog.close());

    const upload = (courseId: number, name: string, bytes: Uint8Array<ArrayBuffer>, token: string | undefined, contentType = 'application/pdf') =>
      fetch(`${f.catalog.url}/api/v1/courses/${courseId}/files?name=${encodeURIComponent(name)}`, {
        method: 'POST',
        headers: { 'content-type': contentType, ...(token ? { authorization: `Bearer ${token}` } : {}) },
        body: bytes,
      });

    test('a school admin creates a course for a teacher; anyone reads it; the teacher name follows the account', async () => {
      const school = await f.school();
      const created = await f.catalog.api('post', '/courses', {
        token: school.tokens.school_admin,
        body: { schoolId: school.id, title: 'Algebra I', subject: 'Maths', grade: '8', teacherAccountId: school.teacherId, description: 'Linear equations.' },
      });
      assert.equal(created.status, 201);
      assert.deepEqual(
        { ...created.body, teacherName: created.body.teacherName.startsWith('Test teacher') },
        { id: created.body.id, schoolId: school.id, schoolName: school.name, title: 'Algebra I', subject: 'Maths', grade: '8', teacherAccountId: school.teacherId, teacherName: true, description: 'Linear equations.', files: [] },
      );
      const read = await f.catalog.api('get', `/courses/${created.body.id}`);
      assert.deepEqual(read.body, created.body);
      const named = await f.catalog.api('patch', `/courses/${created.body.id}`, { token: school.tokens.school_admin, body: { teacherName: 'Ms. Rahimi' } });
      assert.equal(named.body.teacherName, 'Ms. Rahimi');
      assert.equal((await f.catalog.api('post', '/courses', { token: f.operator, body: { schoolId: school.id, title: 'Algebra I', subject: 'Maths', grade: '8' } })).status, 409);
    });

    test('a teacher creates and changes only their own courses, and cannot hand one to someone else', async () => {
      const school = await f.school();
      const other = await f.school();
      const teacher = school.tokens.teacher;
      const own = await f.catalog.api('post', '/courses', { token: teacher, body: { schoolId: school.id, title: 'Physics', subject: 'Science', grade: '9' } });
      assert.equal(own.status, 201);
      assert.equal(own.body.teacherAccountId, school.teacherId, 'a teacher\'s new course is theirs');
      assert.equal((await f.catalog.api('patch', `/courses/${own.body.id}`, { token: teacher, body: { description: 'Motion' } })).body.description, 'Motion');
      assert.equal((await f.catalog.api('patch', `/courses/${own.body.id}`, { token: teacher, body: { teacherAccountId: null } })).status, 403);

      const colleague = await f.catalog.signIn('teacher', school.id);
      const theirs = await f.course(school.id, { teacherAccountId: colleague.account.id });
      assert.equal((await f.catalog.api('patch', `/courses/${theirs.id}`, { token: teacher, body: { title: 'Mine now' } })).status, 403);
      assert.equal((await f.catalog.api('delete', `/courses/${theirs.id}`, { token: teacher })).status, 403);
      assert.equal((await f.catalog.api('post', '/courses', { token: teacher, body: { schoolId: other.id, title: 'Elsewhere', subject: 'Art', grade: '1' } })).status, 403);
      assert.equal((await f.catalog.api('post', '/courses', { token: teacher, body: { schoolId: school.id, title: 'For a colleague', subject: 'Art', grade: '1', teacherAccountId: colleague.account.id } })).status, 403);
      assert.equal((await f.catalog.api('post', '/courses', { token: school.tokens.student, body: { schoolId: school.id, title: 'S', subject: 'Art', grade: '1' } })).status, 403);
      assert.equal((await f.catalog.api('post', '/courses', { body: { schoolId: school.id, title: 'S', subject: 'Art', grade: '1' } })).status, 401);
      assert.equal((await f.catalog.api('patch', `/courses/${own.body.id}`, { token: other.tokens.school_admin, body: { title: 'Other school' } })).status, 403);

      const foreignTeacher = await f.catalog.api('post', '/courses', { token: f.operator, body: { schoolId: school.id, title: 'Foreign', subject: 'Art', grade: '1', teacherAccountId: other.teacherId } });
      assert.equal(foreignTeacher.status, 400);
      assert.match(foreignTeacher.body.error.message, /^teacherAccountId: /);
      assert.equal((await f.catalog.api('delete', `/courses/${own.body.id}`, { token: teacher })).status, 200);
      assert.equal((await f.catalog.api('get', `/courses/${own.body.id}`)).status, 404);
    });

    test('validation: bounded lengths, unknown fields, non-numeric ids', async () => {
      const school = await f.school();
      const long = await f.catalog.api('post', '/courses', { token: f.operator, body: { schoolId: school.id, title: 'T', subject: 'S', grade: '1', description: 'x'.repeat(5001) } });
      assert.equal(long.status, 400);
      assert.match(long.body.error.message, /^description: /);
      const missing = await f.catalog.api('post', '/courses', { token: f.operator, body: { schoolId: school.id, title: 'T', grade: '1' } });
      assert.match(missing.body.error.message, /^subject: /);
      const course = await f.course(school.id);
      const extra = await f.catalog.api('patch', `/courses/${course.id}`, { token: f.operator, body: { teacherAccount: 1 } });
      assert.equal(extra.status, 400);
      assert.match(extra.body.error.message, /teacherAccount/);
      const sameSchool = await f.catalog.api('patch', `/courses/${course.id}`, { token: school.tokens.school_admin, body: { schoolId: school.id, title: 'Same school' } });
      assert.equal(sameSchool.status, 200, 'the edit form sends the school back unchanged');
      const other = await f.school();
      assert.equal((await f.catalog.api('patch', `/courses/${course.id}`, { token: school.tokens.school_admin, body: { schoolId: other.id } })).status, 403);
      const moved = await f.catalog.api('patch', `/courses/${course.id}`, { token: f.operator, body: { schoolId: other.id } });
      assert.deepEqual([moved.status, moved.body.schoolId, moved.body.schoolName], [200, other.id, other.name]);
      assert.equal((await f.catalog.api('get', '/courses/first')).status, 404);
      assert.equal((await f.catalog.api('get', '/courses/1/files/x')).status, 404);
    });

    test('filters: school, subject, grade and free text with LIKE wildcards taken literally', async () => {
      const school = await f.school();
      await f.course(school.id, { title: 'Geometry', subject: 'Maths', grade: '10' });
      await f.course(school.id, { title: 'Poetry 100%', subject: 'Persian', grade: '10', teacherName: 'Mr. Shahriar' });
      await f.course(school.id, { title: 'Poetry_2', subject: 'Persian', grade: '11' });
      const titles = async (query: string) => (await f.catalog.api('get', `/courses?schoolId=${school.id}&${query}`)).body.items.map((course: { title: string }) => course.title);
      assert.deepEqual(await titles('subject=Persian'), ['Poetry 100%', 'Poetry_2']);
      assert.deepEqual(await titles('grade=10'), ['Geometry', 'Poetry 100%']);
      assert.deepEqual(await titles('q=poetry'), ['Poetry 100%', 'Poetry_2']);
      assert.deepEqual(await titles('q=%25'), ['Poetry 100%'], '% matches a percent sign only');
      assert.deepEqual(await titles('q=_'), ['Poetry_2'], '_ matches an underscore only');
      assert.deepEqual(await titles('q=shahriar'), ['Poetry 100%'], 'the teacher name is searched');
    });

    test('courseware: upload, list, download byte for byte, delete; names are data, never paths', async () => {
      const school = await f.school();
      const course = await f.course(school.id, { teacherAccountId: school.teacherId });
      const bytes = new Uint8Array(300_000).map((_, index) => (index * 7) % 256);
      const uploaded = await upload(course.id, '../../etc/passwd', bytes, school.tokens.teacher);
      assert.equal(uploaded.status, 201);
      const file = await uploaded.json();
      assert.deepEqual({ ...file, id: 0 }, { id: 0, name: '../../etc/passwd', contentType: 'application/pdf', sizeBytes: bytes.length, url: `/api/v1/courses/${course.id}/files/${file.id}` });
      const folder = join(f.catalog.context.config.dataDir, 'courseware', String(course.id));
      const stored = readdirSync(folder);
      assert.equal(stored.length, 1);
      assert.match(stored[0]!, /^[a-f0-9]{32}$/, 'stored under a random name');

      assert.deepEqual((await f.catalog.api('get', `/courses/${course.id}`)).body.files, [file]);
      const download = await fetch(`${f.catalog.url}${file.url}`);
      assert.equal(download.status, 200);
      assert.equal(download.headers.get('content-type'), 'application/pdf');
      assert.equal(download.headers.get('x-content-type-options'), 'nosniff');
      assert.equal(download.headers.get('content-disposition'), 'attachment; filename=passwd', 'the download suggests the base name only');
      assert.deepEqual(new Uint8Array(await download.arrayBuffer()), bytes);

      assert.equal((await upload(course.id, '../../etc/passwd', bytes, school.tokens.teacher)).status, 409, 'one name per course');
      assert.equal(readdirSync(folder).length, 1, 'the refused upload left no file behind');
      const odd = await upload(course.id, 'odd.bin', bytes, f.operator, 'text/html, image/png');
      assert.equal((await odd.json()).contentType, 'application/octet-stream', 'a content type that is not one plain MIME type is not echoed back');
      const html = await (await upload(course.id, 'page.html', new TextEncoder().encode('<script>alert(1)</script>'), f.operator, 'text/html')).json();
      const page = await fetch(`${f.catalog.url}${html.url}`);
      assert.equal(page.headers.get('content-type'), 'text/html');
      assert.match(page.headers.get('content-disposition')!, /^attachment;/);
      assert.match(page.headers.get('content-security-policy')!, /sandbox/, 'an uploaded page never runs as ours');
      assert.equal((await upload(course.id, 'x.pdf', bytes, undefined)).status, 401);
      assert.equal((await upload(course.id, 'x.pdf', bytes, school.tokens.student)).status, 403);
      const noName = await upload(course.id, '', bytes, f.operator);
      assert.equal(noName.status, 400);
      assert.match((await noName.json()).error.message, /^name: /);
      assert.equal((await upload(course.id, 'empty.pdf', new Uint8Array(0), f.operator)).status, 400);

      assert.equal((await f.catalog.api('delete', `/courses/${course.id}/files/${file.id}`, { token: school.tokens.teacher })).status, 200);
      assert.equal((await fetch(`${f.catalog.url}${file.url}`)).status, 404);
      assert.equal(readdirSync(folder).length, 2, 'the deleted file is gone from disk; the two others stay');
    });

    test('deleting a course deletes its files on disk; a course with lessons cannot be deleted', async () => {
      const school = await f.school();
      const course = await f.course(school.id);
      assert.equal((await upload(course.id, 'notes.txt', new TextEncoder().encode('notes'), f.operator, 'text/plain')).status, 201);
      const folder = join(f.catalog.context.config.dataDir, 'courseware', String(course.id));
      assert.equal(existsSync(folder), true);
      const room = await f.classroom(school.id);
      const lesson = await f.catalog.api('post', '/lessons', { token: f.operator, body: { classroomId: room.id, courseId: course.id, title: 'L', startsAt: '2030-01-01T08:00:00Z', endsAt: '2030-01-01T09:00:00Z' } });
      assert.equal(lesson.status, 201);
      assert.equal((await f.catalog.api('delete', `/courses/${course.id}`, { token: f.operator })).status, 409);
      assert.equal((await f.catalog.api('delete', `/lessons/${lesson.body.id}`, { token: f.operator })).status, 200);
      assert.equal((await f.catalog.api('delete', `/courses/${course.id}`, { token: f.operator })).status, 200);
      assert.equal(existsSync(folder), false);
    });
  });
}
