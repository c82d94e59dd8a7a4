// /courses and their courseware: anyone reads courses and downloads their files; teachers change
// their own courses, school admins their school's, operators all.
import { pipeline } from 'node:stream/promises';
import express, { type Request, type Response } from 'express';
import { z } from 'zod';
import type { Account } from '../../auth/account.ts';
import type { Queryable } from '../../db/database.ts';
import { readCourseware, removeCourseFolder, removeCourseware, storeCourseware } from '../../courseware/courseware-store.ts';
import {
  addCoursewareFile,
  countLessonsOfCourse,
  createCourse,
  deleteCourse,
  deleteCoursewareFile,
  getCourse,
  getCoursewareFile,
  getTeacherCandidate,
  listCourses,
  updateCourse,
  type Course,
} from '../../queries/courses.ts';
import { getSchool } from '../../queries/schools.ts';
import { ApiError, forbidden, notFound } from '../api-error.ts';
import { descriptionField, idField, idQuery, nameField, pathId, shortTextField, textQuery } from '../fields.ts';
import type { RawBodyRoute } from '../openapi.ts';
import { page, pageSchema, paginationQuery } from '../pagination.ts';
import { managesSchool, mayChangeCourse } from '../permissions.ts';
import { courseSchema, coursewareFileSchema, deletedSchema } from '../resource-schemas.ts';
import { route, type RouteSpec } from '../route-spec.ts';

const editors = ['operator', 'school_admin', 'teacher'] as const;
const maxUploadBytes = 50 * 1024 * 1024;

const teacherNameField = z.string().trim().max(120, 'at most 120 characters');
const listQuery = paginationQuery.extend({ schoolId: idQuery.optional(), subject: textQuery.optional(), grade: textQuery.optional(), q: textQuery.optional() });
const createBody = z
  .object({
    schoolId: idField,
    title: nameField,
    subject: shortTextField,
    grade: shortTextField,
    teacherAccountId: idField.nullable().optional(),
    teacherName: teacherNameField.optional(),
    description: descriptionField.optional(),
  })
  .strict();
const changeBody = z
  .object({
    schoolId: idField.optional(),
    title: nameField.optional(),
    subject: shortTextField.optional(),
    grade: shortTextField.optional(),
    teacherAccountId: idField.nullable().optional(),
    teacherName: teacherNameField.optional(),
    description: descriptionField.optional(),
  })
  .strict();
const uploadQuery = z.object({
  name: z
    .string()
    .trim()
    .min(1, 'give the file name, e.g. ?name=notes.pdf')
    .max(200, 'at most 200 characters')
    .refine((name) => !/[\u0000-\u001f\u007f]/.test(name), 'no control characters'),
});
/** A MIME type we can safely echo back in a header; anything else is stored as a generic binary. */
const contentTypePattern = /^[A-Za-z0-9!#$&^_.+-]{1,64}\/[A-Za-z0-9!#$&^_.+-]{1,64}(\s*;\s*[A-Za-z0-9_.+-]{1,64}=("?)[A-Za-z0-9_.+-]{1,64}\2)*$/;

const rawBody = express.raw({ limit: maxUploadBytes, type: () => true });

async function loadCourse(db: Queryable, rawId: string | undefined): Promise<Course> {
  const id = pathId(rawId, 'course');
  const course = await getCourse(db, id);
  if (!course) throw notFound('course', id);
  return course;
}

async function loadChangeable(db: Queryable, rawId: string | undefined, account: Account | null): Promise<Course> {
  const course = await loadCourse(db, rawId);
  if (!mayChangeCourse(account, course)) throw forbidden('teachers change their own courses; school admins their school\'s');
  return course;
}

/** A course's teacher must be a teacher or admin of the course's school. */
async function checkTeacher(db: Queryable, teacherAccountId: number, schoolId: number): Promise<void> {
  const teacher = await getTeacherCandidate(db, teacherAccountId);
  if (!teacher || teacher.schoolId !== schoolId || (teacher.role !== 'teacher' && teacher.role !== 'school_admin')) {
    throw new ApiError(400, `teacherAccountId: account ${teacherAccountId} is not a teacher of school ${schoolId}`, 'list the school\'s accounts at /api/v1/accounts');
  }
}

/** Moving a course to another school: for those who manage both schools, and only while it has no lessons (they are the old school's). */
async function checkMove(db: Queryable, account: Account | null, course: Course, schoolId: number): Promise<void> {
  if (!managesSchool(account, course.schoolId) || !managesSchool(account, schoolId)) throw forbidden('only operators move a course to another school');
  if (!(await getSchool(db, schoolId))) throw new ApiError(400, `schoolId: no school ${schoolId}`, 'list them at /api/v1/schools');
  const lessons = await countLessonsOfCourse(db, course.id);
  if (lessons > 0) throw new ApiError(409, `course ${course.id} has ${lessons} lesson(s) in its school`, 'delete its lessons first');
}

/** Reads the raw upload body with express.raw, inside the route so access is checked before any bytes are read. */
function readRawBody(request: Request, response: Response): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    rawBody(request, response, (error?: unknown) => {
      if ((error as { type?: string } | undefined)?.type === 'entity.too.large') return reject(new ApiError(413, 'courseware files are at most 50 MB'));
      if (error) return reject(error);
      resolve(Buffer.isBuffer(request.body) ? request.body : Buffer.alloc(0));
    });
  });
}

/** The upload reads raw bytes, not JSON; the OpenAPI document says so. */
export const coursewareUpload: RawBodyRoute = { method: 'post', path: '/courses/:id/files', description: 'the file itself, any content type, up to 50 MB' };

export const coursesRoutes: RouteSpec[] = [
  route<z.infer<typeof listQuery>>({
    method: 'get',
    path: '/courses',
    summary: 'List courses, filtered by school, subject, grade or free text (title, subject, teacher)',
    tag: 'courses',
    access: 'public',
    query: listQuery,
    response: pageSchema(courseSchema),
    async handler({ query, context }) {
      const { limit, offset, ...filter } = query;
      return { body: page(await listCourses(context.db, filter, { limit, offset }), query) };
    },
  }),
  route<undefined, z.infer<typeof createBody>>({
    method: 'post',
    path: '/courses',
    summary: 'Create a course (a teacher creates their own, in their school)',
    tag: 'courses',
    access: editors,
    body: createBody,
    response: courseSchema,
    successStatus: 201,
    async handler({ body, account, context }) {
      const teacherAccountId = body.teacherAccountId ?? (account!.role === 'teacher' ? account!.id : null);
      if (!mayChangeCourse(account, { schoolId: body.schoolId, teacherAccountId })) throw forbidden('teachers create their own courses in their school; school admins their school\'s');
      if (!(await getSchool(context.db, body.schoolId))) throw new ApiError(400, `schoolId: no school ${body.schoolId}`, 'list them at /api/v1/schools');
      if (teacherAccountId !== null) await checkTeacher(context.db, teacherAccountId, body.schoolId);
      const course = await createCourse(context.db, {
        schoolId: body.schoolId,
        title: body.title,
        subject: body.subject,
        grade: body.grade,
        teacherAccountId,
        teacherName: body.teacherName ?? '',
        description: body.description ?? '',
      });
      return { status: 201, body: course };
    },
  }),
  route({
    method: 'get',
    path: '/courses/:id',
    summary: 'One course with its courseware files',
    tag: 'courses',
    access: 'public',
    response: courseSchema,
    async handler({ params, context }) {
      return { body: await loadCourse(context.db, params.id) };
    },
  }),
  route<undefined, z.infer<typeof changeBody>>({
    method: 'patch',
    path: '/courses/:id',
    summary: 'Change a course (a teacher cannot hand it to another teacher; only operators move it to another school)',
    tag: 'courses',
    access: editors,
    body: changeBody,
    response: courseSchema,
    async handler({ params, body, account, context }) {
      const course = await loadChangeable(context.db, params.id, account);
      const schoolId = body.schoolId ?? course.schoolId;
      if (schoolId !== course.schoolId) await checkMove(context.db, account, course, schoolId);
      const teacherAccountId = body.teacherAccountId === undefined ? course.teacherAccountId : body.teacherAccountId;
      if (account!.role === 'teacher' && teacherAccountId !== account!.id) throw forbidden('a teacher cannot hand a course to someone else; ask a school admin');
      if (teacherAccountId !== null && (teacherAccountId !== course.teacherAccountId || schoolId !== course.schoolId)) await checkTeacher(context.db, teacherAccountId, schoolId);
      const changed = await updateCourse(context.db, course.id, { ...body, schoolId, teacherAccountId });
      return { body: changed ?? (await loadCourse(context.db, params.id)) };
    },
  }),
  route({
    method: 'delete',
    path: '/courses/:id',
    summary: 'Delete a course that has no lessons, with its courseware files',
    tag: 'courses',
    access: editors,
    response: deletedSchema,
    async handler({ params, account, context }) {
      const course = await loadChangeable(context.db, params.id, account);
      const lessons = await countLessonsOfCourse(context.db, course.id);
      if (lessons > 0) throw new ApiError(409, `course ${course.id} has ${lessons} lesson(s)`, 'delete its lessons first');
      await deleteCourse(context.db, course.id);
      await removeCourseFolder(context.config.dataDir, course.id);
      return { body: { deleted: true } };
    },
  }),
  route<z.infer<typeof uploadQuery>>({
    method: 'post',
    path: '/courses/:id/files',
    summary: 'Upload a courseware file: the raw bytes as the body (any content type, up to 50 MB), its name in ?name=',
    tag: 'courses',
    access: editors,
    query: uploadQuery,
    response: coursewareFileSchema,
    successStatus: 201,
    async handler({ params, query, account, context, request, response }) {
      const course = await loadChangeable(context.db, params.id, account);
      const bytes = await readRawBody(request, response);
      if (bytes.length === 0) throw new ApiError(400, 'body: the file is empty', 'send the file\'s bytes as the request body');
      const declared = request.get('content-type')?.trim() ?? '';
      const contentType = contentTypePattern.test(declared) ? declared : 'application/octet-stream';
      const storedName = await storeCourseware(context.config.dataDir, course.id, bytes);
      try {
        const file = await addCoursewareFile(context.db, { courseId: course.id, name: query.name, contentType, sizeBytes: bytes.length, storedName });
        return { status: 201, body: file };
      } catch (error) {
        await removeCourseware(context.config.dataDir, course.id, storedName);
        throw error;
      }
    },
  }),
  route({
    method: 'get',
    path: '/courses/:id/files/:fileId',
    summary: 'Download a courseware file (as an attachment, with the type it was uploaded with)',
    tag: 'courses',
    access: 'public',
    async handler({ params, context, response }) {
      const courseId = pathId(params.id, 'course');
      const fileId = pathId(params.fileId, 'file');
      const file = await getCoursewareFile(context.db, courseId, fileId);
      if (!file) throw new ApiError(404, `no file ${fileId} in course ${courseId}`, `list the course's files at /api/v1/courses/${courseId}`);
      const stream = readCourseware(context.config.dataDir, courseId, file.storedName);
      // Open before answering, so a file missing on disk is a clean error rather than a cut-off download.
      await new Promise<void>((resolve, reject) => stream.once('open', () => resolve()).once('error', reject));
      response.attachment(file.name);
      // setHeader, not set: express would add a charset the uploader never declared.
      response.setHeader('Content-Type', file.contentType);
      response.set({
        'Content-Length': String(file.sizeBytes),
        // Uploaded bytes are someone else's content: never sniffed into HTML, never run as a page.
        'X-Content-Type-Options': 'nosniff',
        'Content-Security-Policy': "default-src 'none'; sandbox",
        'Cache-Control': 'no-cache',
      });
      // A client that goes away mid-download is no server error: drop the connection and move on.
      await pipeline(stream, response).catch(() => response.destroy());
      return 'sent';
    },
  }),
  route({
    method: 'delete',
    path: '/courses/:id/files/:fileId',
    summary: 'Delete a courseware file',
    tag: 'courses',
    access: editors,
    response: deletedSchema,
    async handler({ params, account, context }) {
      const course = await loadChangeable(context.db, params.id, account);
      const fileId = pathId(params.fileId, 'file');
      const file = await getCoursewareFile(context.db, course.id, fileId);
      if (!file) throw new ApiError(404, `no file ${fileId} in course ${course.id}`, `list the course's files at /api/v1/courses/${course.id}`);
      await deleteCoursewareFile(context.db, course.id, fileId);
      await removeCourseware(context.config.dataDir, course.id, file.storedName);
      return { body: { deleted: true } };
    },
  }),
];
