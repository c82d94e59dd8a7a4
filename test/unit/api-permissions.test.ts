// The row-level rules of docs/api.md's permission table, as pure functions, and the timetable's
// time windows: each rule allowed and refused, without a database.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { Account, Role } from '../../services/catalog/auth/account.ts';
import {
  lessonScope,
  managesSchool,
  mayChangeCourse,
  mayChangeLesson,
  mayChangeSchool,
  mayReadLesson,
  maySeeClassroom,
  maySeeClassroomKeys,
} from '../../services/catalog/api/permissions.ts';
import { timetableWindow } from '../../services/catalog/queries/timetable.ts';

const account = (role: Role, schoolId: number | null, id = 7): Account => ({ id, username: `u${id}`, displayName: 'U', role, schoolId, locale: null });
const operator = account('operator', null);
const admin = account('school_admin', 1);
const teacher = account('teacher', 1, 8);
const student = account('student', 1);
const otherAdmin = account('school_admin', 2);

test('schools: operators change any; admins rename only their own and never move it', () => {
  assert.equal(mayChangeSchool(operator, 2, { cityId: 3 }), true);
  assert.equal(mayChangeSchool(admin, 1, {}), true);
  assert.equal(mayChangeSchool(admin, 1, { cityId: 3 }), false);
  assert.equal(mayChangeSchool(admin, 2, {}), false);
  assert.equal(mayChangeSchool(teacher, 1, {}), false);
  assert.equal(managesSchool(null, 1), false);
  assert.equal(managesSchool(account('school_admin', null), null), false, 'no school is nobody\'s school');
});

test('classrooms: staff of the school see them, only managers see keys', () => {
  const room = { schoolId: 1 };
  assert.deepEqual([operator, admin, teacher, student, otherAdmin, null].map((who) => maySeeClassroom(who, room)), [true, true, true, false, false, false]);
  assert.deepEqual([operator, admin, teacher, student, otherAdmin, null].map((who) => maySeeClassroomKeys(who, room)), [true, true, false, false, false, false]);
  assert.equal(maySeeClassroomKeys(admin, { schoolId: null }), false, 'an unplaced classroom is the operators\'');
});

test('courses: teachers change their own, admins their school\'s', () => {
  assert.equal(mayChangeCourse(teacher, { schoolId: 1, teacherAccountId: 8 }), true);
  assert.equal(mayChangeCourse(teacher, { schoolId: 1, teacherAccountId: 9 }), false);
  assert.equal(mayChangeCourse(teacher, { schoolId: 2, teacherAccountId: 8 }), false);
  assert.equal(mayChangeCourse(admin, { schoolId: 1, teacherAccountId: 9 }), true);
  assert.equal(mayChangeCourse(otherAdmin, { schoolId: 1, teacherAccountId: null }), false);
  assert.equal(mayChangeCourse(student, { schoolId: 1, teacherAccountId: 7 }), false, 'a student with a matching id is still a student');
});

test('lessons: changed by the course\'s teacher or the school\'s managers; read by school for non-public', () => {
  assert.equal(mayChangeLesson(teacher, { schoolId: 1, courseId: 3, teacherAccountId: 8 }), true);
  assert.equal(mayChangeLesson(teacher, { schoolId: 1, courseId: null, teacherAccountId: null }), false);
  assert.equal(mayChangeLesson(teacher, { schoolId: 1, courseId: 3, teacherAccountId: 9 }), false);
  assert.equal(mayChangeLesson(admin, { schoolId: 1, courseId: null, teacherAccountId: null }), true);
  assert.equal(mayChangeLesson(otherAdmin, { schoolId: 1, courseId: 3, teacherAccountId: 8 }), false);

  for (const visibility of ['school', 'protected'] as const) {
    const lesson = { visibility, schoolId: 1 };
    assert.deepEqual([operator, admin, teacher, student, otherAdmin, null].map((who) => mayReadLesson(who, lesson)), [true, true, true, true, false, false]);
  }
  assert.equal(mayReadLesson(null, { visibility: 'public', schoolId: 1 }), true);
  assert.deepEqual(lessonScope(null), { kind: 'public' });
  assert.deepEqual(lessonScope(operator), { kind: 'all' });
  assert.deepEqual(lessonScope(student), { kind: 'public-or-school', schoolId: 1 });
  assert.deepEqual(lessonScope(account('student', null)), { kind: 'public' });
});

test('timetable windows default to UTC days; explicit bounds win over the range', () => {
  const now = new Date('2026-11-22T15:30:00Z');
  assert.deepEqual(timetableWindow({ range: 'today' }, now), { from: new Date('2026-11-22T00:00:00Z'), to: new Date('2026-11-23T00:00:00Z') });
  assert.deepEqual(timetableWindow({ range: 'week' }, now), { from: new Date('2026-11-22T00:00:00Z'), to: new Date('2026-11-29T00:00:00Z') });
  assert.deepEqual(timetableWindow({ range: 'upcoming' }, now), { notOver: true });
  assert.deepEqual(timetableWindow({}, now), {});
  const from = new Date('2026-11-24T00:00:00Z');
  assert.deepEqual(timetableWindow({ range: 'week', from }, now), { from, to: new Date('2026-11-29T00:00:00Z') });
});

test("timetable windows are the province's days: at 23:30 UTC it is already tomorrow in Shanghai", () => {
  const now = new Date('2026-11-22T23:30:00Z');
  // 2026-11-23 00:00 in Asia/Shanghai (UTC+8) is 2026-11-22 16:00 UTC.
  assert.deepEqual(timetableWindow({ range: 'today' }, now, 'Asia/Shanghai'), { from: new Date('2026-11-22T16:00:00Z'), to: new Date('2026-11-23T16:00:00Z') });
  assert.deepEqual(timetableWindow({ range: 'week' }, now, 'Asia/Shanghai'), { from: new Date('2026-11-22T16:00:00Z'), to: new Date('2026-11-29T16:00:00Z') });
  // A zone with daylight saving: the week that ends on the first day of summer time is 167 hours.
  const berlin = timetableWindow({ range: 'week' }, new Date('2026-03-23T12:00:00Z'), 'Europe/Berlin');
  assert.deepEqual(berlin, { from: new Date('2026-03-22T23:00:00Z'), to: new Date('2026-03-29T22:00:00Z') });
});
