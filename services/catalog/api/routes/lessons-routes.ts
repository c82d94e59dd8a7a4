// /lessons: timetable entries. Anyone reads the public ones; school and protected lessons are for
// their school. Teachers schedule lessons of their own courses, school admins their school's. The
// API never sets a lesson's state: ingest moves it from scheduled to live to ended; "End lesson now"
// (POST /lessons/:id/end) asks the ingest node carrying it to end it (lesson-end-requests.ts).
import { z } from 'zod';
import type { Account } from '../../auth/account.ts';
import type { Database, Queryable } from '../../db/database.ts';
import { newLessonId } from '../../queries/lesson-ids.ts';
import { requestLessonEnd, waitUntilEnded } from '../../ingest/lesson-end-requests.ts';
import { endedByHandHoldSeconds } from '../../ingest/lesson-lifecycle.ts';
import { getClassroom, type ClassroomRecord } from '../../queries/classrooms.ts';
import { getCourse, type Course } from '../../queries/courses.ts';
import {
  deleteLesson,
  getLesson,
  insertLesson,
  lessonIdsStartingWith,
  listLessons,
  lockClassroomSchedule,
  overlappingLesson,
  updateLesson,
  type Lesson,
  type LessonInput,
} from '../../queries/lessons.ts';
import { ApiError, forbidden, notFound, unauthorized } from '../api-error.ts';
import {
  classroomIdField,
  classroomIdPattern,
  idField,
  idQuery,
  latencyModeField,
  lessonIdPattern,
  lessonStateField,
  nameField,
  pathSlug,
  timeField,
  visibilityField,
} from '../fields.ts';
import { page, pageSchema, paginationQuery } from '../pagination.ts';
import { lessonScope, mayChangeLesson, mayReadLesson } from '../permissions.ts';
import { deletedSchema, lessonSchema } from '../resource-schemas.ts';
import { route, type RouteSpec } from '../route-spec.ts';

const editors = ['operator', 'school_admin', 'teacher'] as const;

/**
 * How long "End lesson now" waits for the ingest node to have ended the lesson (it polls every
 * catalog.keyRefreshSeconds, then writes the lesson's last segments) before answering 202.
 */
const endWaitMs = 10_000;

const listQuery = paginationQuery.extend({
  state: lessonStateField.optional(),
  classroomId: z.string().regex(classroomIdPattern, 'not a classroom id').optional(),
  courseId: idQuery.optional(),
  schoolId: idQuery.optional(),
});
const recordField = z.boolean().nullable().optional().describe("whether it is recorded by default; null: follow the school's recordLessons");
const createBody = z
  .object({
    classroomId: classroomIdField,
    courseId: idField.nullable().optional(),
    title: nameField,
    startsAt: timeField,
    endsAt: timeField,
    latencyMode: latencyModeField.optional(),
    visibility: visibilityField.optional(),
    p2pEnabled: z.boolean().optional(),
    record: recordField,
  })
  .strict();
const changeBody = z
  .object({
    classroomId: classroomIdField.optional(),
    courseId: idField.nullable().optional(),
    title: nameField.optional(),
    startsAt: timeField.optional(),
    endsAt: timeField.optional(),
    latencyMode: latencyModeField.optional(),
    visibility: visibilityField.optional(),
    p2pEnabled: z.boolean().optional(),
    record: recordField,
  })
  .strict();

async function loadLesson(db: Queryable, rawId: string | undefined): Promise<{ lesson: Lesson; teacherAccountId: number | null }> {
  const id = pathSlug(rawId, 'lesson', lessonIdPattern);
  const found = await getLesson(db, id);
  if (!found) throw notFound('lesson', id);
  return found;
}

/**
 * Checks a lesson as it would be after a create or change: the classroom and course exist, the
 * course is the classroom's school's, the caller may schedule it, and it ends after it starts.
 */
async function checkPlan(db: Queryable, account: Account | null, plan: LessonInput): Promise<{ classroom: ClassroomRecord; course: Course | undefined }> {
  if (plan.endsAt !== null && plan.endsAt.getTime() <= plan.startsAt.getTime()) throw new ApiError(400, 'endsAt: must be after startsAt');
  const classroom = await getClassroom(db, plan.classroomId);
  if (!classroom) throw new ApiError(400, `classroomId: no classroom ${plan.classroomId}`, 'list them at /api/v1/classrooms');
  const course = plan.courseId === null ? undefined : await getCourse(db, plan.courseId);
  if (plan.courseId !== null && !course) throw new ApiError(400, `courseId: no course ${plan.courseId}`, 'list them at /api/v1/courses');
  if (course && course.schoolId !== classroom.schoolId) throw new ApiError(400, `courseId: course ${course.id} belongs to another school than classroom ${classroom.id}`);
  if (!mayChangeLesson(account, { schoolId: classroom.schoolId, courseId: plan.courseId, teacherAccountId: course?.teacherAccountId ?? null })) {
    throw forbidden('teachers schedule lessons of their own courses; school admins their school\'s classrooms');
  }
  return { classroom, course };
}

/** Refuses a plan overlapping another scheduled or live lesson of the same classroom. Call inside the classroom's lock. */
async function refuseOverlap(tx: Queryable, plan: LessonInput, exceptId: string | null): Promise<void> {
  if (plan.endsAt === null) return;
  const other = await overlappingLesson(tx, { classroomId: plan.classroomId, startsAt: plan.startsAt, endsAt: plan.endsAt, exceptId });
  if (other) throw new ApiError(409, `overlaps lesson ${other.id} ("${other.title}") in classroom ${plan.classroomId}`, 'choose another time or classroom, or move that lesson first');
}

async function answerLesson(db: Database, id: string): Promise<Lesson> {
  const found = await getLesson(db, id);
  if (!found) throw notFound('lesson', id);
  return found.lesson;
}

export const lessonsRoutes: RouteSpec[] = [
  route<z.infer<typeof listQuery>>({
    method: 'get',
    path: '/lessons',
    summary: 'List the lessons the caller may see (e.g. ?state=live for what is on now)',
    tag: 'lessons',
    access: 'public',
    query: listQuery,
    response: pageSchema(lessonSchema),
    async handler({ query, account, context }) {
      const { limit, offset, ...filter } = query;
      return { body: page(await listLessons(context.db, lessonScope(account), filter, { limit, offset }), query) };
    },
  }),
  route<undefined, z.infer<typeof createBody>>({
    method: 'post',
    path: '/lessons',
    summary: 'Schedule a lesson; its id is made from the classroom and start time',
    tag: 'lessons',
    access: editors,
    body: createBody,
    response: lessonSchema,
    successStatus: 201,
    async handler({ body, account, context }) {
      const plan: LessonInput = {
        classroomId: body.classroomId,
        courseId: body.courseId ?? null,
        title: body.title,
        startsAt: body.startsAt,
        endsAt: body.endsAt,
        latencyMode: body.latencyMode ?? context.config.ingest.latencyMode,
        visibility: body.visibility ?? 'public',
        p2pEnabled: body.p2pEnabled ?? true,
        record: body.record ?? null,
      };
      await checkPlan(context.db, account, plan);
      const id = await context.db.transaction(async (tx) => {
        await lockClassroomSchedule(tx, plan.classroomId);
        await refuseOverlap(tx, plan, null);
        const taken = await lessonIdsStartingWith(tx, newLessonId(plan.classroomId, () => false, plan.startsAt));
        const lessonId = newLessonId(plan.classroomId, (candidate) => taken.has(candidate), plan.startsAt);
        await insertLesson(tx, lessonId, plan);
        return lessonId;
      });
      return { status: 201, body: await answerLesson(context.db, id) };
    },
  }),
  route({
    method: 'get',
    path: '/lessons/:id',
    summary: 'One lesson (school and protected lessons only for their school and operators)',
    tag: 'lessons',
    access: 'public',
    response: lessonSchema,
    async handler({ params, account, context }) {
      const { lesson } = await loadLesson(context.db, params.id);
      if (!mayReadLesson(account, lesson)) throw account ? forbidden('this lesson is for its school only') : unauthorized();
      return { body: lesson };
    },
  }),
  route<undefined, z.infer<typeof changeBody>>({
    method: 'patch',
    path: '/lessons/:id',
    summary: 'Change a lesson (a live lesson stays in its classroom)',
    tag: 'lessons',
    access: editors,
    body: changeBody,
    response: lessonSchema,
    async handler({ params, body, account, context }) {
      const { lesson, teacherAccountId } = await loadLesson(context.db, params.id);
      if (!mayChangeLesson(account, { schoolId: lesson.schoolId, courseId: lesson.courseId, teacherAccountId })) throw forbidden('you may not change this lesson');
      if (lesson.state === 'live' && body.classroomId !== undefined && body.classroomId !== lesson.classroomId) {
        throw new ApiError(409, `lesson ${lesson.id} is live in classroom ${lesson.classroomId}`, 'wait until it has ended');
      }
      const plan: LessonInput = {
        classroomId: body.classroomId ?? lesson.classroomId,
        courseId: body.courseId === undefined ? lesson.courseId : body.courseId,
        title: body.title ?? lesson.title,
        startsAt: body.startsAt ?? new Date(lesson.startsAt),
        endsAt: body.endsAt ?? (lesson.endsAt === null ? null : new Date(lesson.endsAt)),
        latencyMode: body.latencyMode ?? lesson.latencyMode,
        visibility: body.visibility ?? lesson.visibility,
        p2pEnabled: body.p2pEnabled ?? lesson.p2pEnabled,
        record: body.record === undefined ? lesson.record : body.record,
      };
      await checkPlan(context.db, account, plan);
      await context.db.transaction(async (tx) => {
        await lockClassroomSchedule(tx, plan.classroomId);
        if (lesson.state !== 'ended') await refuseOverlap(tx, plan, lesson.id);
        await updateLesson(tx, lesson.id, plan);
      });
      return { body: await answerLesson(context.db, lesson.id) };
    },
  }),
  route({
    method: 'post',
    path: '/lessons/:id/end',
    summary: `End a live lesson now: its encoder is cut off, its playlists end and its recording becomes a replay; the lesson is not continued by a later push, and its classroom refuses pushes until its scheduled end (at least ${endedByHandHoldSeconds / 60} minutes). 200 with the ended lesson, or 202 if its ingest node has not ended it yet`,
    tag: 'lessons',
    access: editors,
    response: lessonSchema,
    async handler({ params, account, context }) {
      const { lesson, teacherAccountId } = await loadLesson(context.db, params.id);
      if (!mayChangeLesson(account, { schoolId: lesson.schoolId, courseId: lesson.courseId, teacherAccountId })) {
        throw forbidden("a lesson is ended by its course's teacher, its school's admins or an operator");
      }
      const request = await requestLessonEnd(context.db, lesson.id);
      if (request.outcome === 'not-live') {
        throw new ApiError(409, `lesson ${lesson.id} is not live (it is ${request.state})`, request.state === 'scheduled' ? 'it has not started; to cancel it, delete it' : 'nothing to do: it has ended');
      }
      context.log.info('lesson end requested', { lesson: lesson.id, by: account?.username, carried: request.carried });
      const ended = await waitUntilEnded(context.db, lesson.id, endWaitMs);
      return { status: ended ? 200 : 202, body: await answerLesson(context.db, lesson.id) };
    },
  }),
  route({
    method: 'delete',
    path: '/lessons/:id',
    summary: 'Delete a lesson that is not live',
    tag: 'lessons',
    access: editors,
    response: deletedSchema,
    async handler({ params, account, context }) {
      const { lesson, teacherAccountId } = await loadLesson(context.db, params.id);
      if (!mayChangeLesson(account, { schoolId: lesson.schoolId, courseId: lesson.courseId, teacherAccountId })) throw forbidden('you may not delete this lesson');
      if (lesson.state === 'live') throw new ApiError(409, `lesson ${lesson.id} is live`, 'wait until it has ended');
      await deleteLesson(context.db, lesson.id);
      return { body: { deleted: true } };
    },
  }),
];
