// /classrooms: the school's staff see their classrooms and encoder status; operators and the
// school's admins also see the stream keys, create and change classrooms, and rotate keys.
import type { Request } from 'express';
import { z } from 'zod';
import type { Account } from '../../auth/account.ts';
import type { Queryable } from '../../db/database.ts';
import { advertisedIngest } from '../../ingest/advertised-rtmp.ts';
import { isLoopbackHost } from '../../../core/loopback-host.ts';
import {
  countLessonsOfClassroom,
  createClassroom,
  deleteClassroom,
  getClassroom,
  listClassrooms,
  setClassroomKey,
  streamKeyInUse,
  updateClassroom,
  type ClassroomRecord,
} from '../../queries/classrooms.ts';
import { visibilities } from '../../queries/lessons.ts';
import { getSchool } from '../../queries/schools.ts';
import { ApiError, forbidden, notFound } from '../api-error.ts';
import { classroomIdFor } from '../../queries/classroom-ids.ts';
import { classroomIdField, classroomIdPattern, idField, idQuery, nameField, newStreamKeyField, pathSlug } from '../fields.ts';
import { page, pageSchema, paginationQuery } from '../pagination.ts';
import { managesSchool, mayManageClassroom, maySeeClassroom, maySeeClassroomKeys } from '../permissions.ts';
import { classroomSchema, deletedSchema } from '../resource-schemas.ts';
import { route, type CatalogContext, type RouteSpec } from '../route-spec.ts';
import { newStreamKey } from '../stream-keys.ts';
import { latencyModes } from '../../../core/config/schema.ts';
import { recommendedEncoderSettings } from '../../../transcode/encoder-settings.ts';
import { obsProfile } from '../../ingest/obs-profile.ts';
import { strToU8, zipSync } from 'fflate';

const staff = ['operator', 'school_admin', 'teacher'] as const;
const managers = ['operator', 'school_admin'] as const;

const listQuery = paginationQuery.extend({ schoolId: idQuery.optional() });
const defaultVisibilityField = z
  .enum(visibilities)
  .nullable()
  .optional()
  .describe("the visibility the classroom's ad-hoc lessons take; null (the default): its school's defaultVisibility");
const createBody = z
  .object({
    id: classroomIdField.optional().describe('made from the name when not given (classroom-ids.ts)'),
    schoolId: idField,
    name: nameField,
    primaryKey: newStreamKeyField.optional(),
    backupKey: newStreamKeyField.nullable().optional(),
    defaultVisibility: defaultVisibilityField,
  })
  .strict();
const changeBody = z.object({ name: nameField.optional(), schoolId: idField.optional(), defaultVisibility: defaultVisibilityField }).strict();
const rotateBody = z.object({ which: z.enum(['primary', 'backup']) }).strict();
const obsProfileQuery = z
  .object({ latencyMode: z.enum(latencyModes).optional().describe("the lesson's latency mode the settings are for; default: ingest.latencyMode") })
  .strict();

/**
 * A node URL on loopback (the default when ingest.rtmpUrl is not set, as in `classcast all` or a
 * one-machine cluster) names the machine the catalog runs on, which the caller reaches by the host
 * it asked for; the encoder is rarely on that machine, so it gets that host instead.
 */
function asReachedBy(rtmpUrl: string, request: Request): string {
  const url = new URL(rtmpUrl);
  if (!isLoopbackHost(url.hostname)) return rtmpUrl;
  url.hostname = request.hostname;
  return url.href;
}

/**
 * The classrooms as this caller may see them: keys only for those who manage them; rtmpUrl is the
 * ingest node their encoder would be sent to now (advertised-rtmp.ts), or this host's RTMP when no
 * ingest node is known (nodes not started yet). One query for the whole list.
 */
async function views(classrooms: ClassroomRecord[], account: Account | null, context: CatalogContext, request: Request) {
  const ingest = await advertisedIngest(context.db, classrooms.map((classroom) => classroom.id), context.config.ingest.nodeDownSeconds);
  return classrooms.map((classroom) => {
    const { primaryKey, backupKey, ...rest } = classroom;
    const advertised = ingest.get(classroom.id);
    return {
      ...rest,
      rtmpUrl: advertised?.node ? asReachedBy(advertised.node.rtmpUrl, request) : context.rtmpBase(request),
      ingestNode: advertised?.ingestNode ?? null,
      ...(maySeeClassroomKeys(account, classroom) ? { primaryKey, backupKey } : {}),
    };
  });
}

async function view(classroom: ClassroomRecord, account: Account | null, context: CatalogContext, request: Request) {
  return (await views([classroom], account, context, request))[0]!;
}

async function loadClassroom(db: Queryable, rawId: string | undefined): Promise<ClassroomRecord> {
  const id = pathSlug(rawId, 'classroom', classroomIdPattern);
  const classroom = await getClassroom(db, id);
  if (!classroom) throw notFound('classroom', id);
  return classroom;
}

async function loadManaged(db: Queryable, rawId: string | undefined, account: Account | null): Promise<ClassroomRecord> {
  const classroom = await loadClassroom(db, rawId);
  if (!mayManageClassroom(account, classroom)) throw forbidden('only operators and this school\'s admins change its classrooms');
  return classroom;
}

/** A generated id no classroom has yet (a clash of the random tail is rare; a few tries settle it). */
async function unusedClassroomId(db: Queryable, name: string): Promise<string> {
  for (let attempt = 0; attempt < 5; attempt++) {
    const id = classroomIdFor(name);
    if (!(await getClassroom(db, id))) return id;
  }
  throw new ApiError(503, 'could not make an unused classroom id', 'try again, or give an id');
}

async function requireSchool(db: Queryable, schoolId: number): Promise<void> {
  if (!(await getSchool(db, schoolId))) throw new ApiError(400, `schoolId: no school ${schoolId}`, 'list them at /api/v1/schools');
}

async function requireUnusedKey(db: Queryable, field: string, key: string, classroomId: string): Promise<void> {
  if (await streamKeyInUse(db, key, classroomId)) throw new ApiError(409, `${field}: this stream key is used by another classroom`, 'leave it out to have one generated');
}

export const classroomsRoutes: RouteSpec[] = [
  route<z.infer<typeof listQuery>>({
    method: 'get',
    path: '/classrooms',
    summary: 'List classrooms with their encoder status (staff see their own school; operators all, or one school)',
    tag: 'classrooms',
    access: staff,
    query: listQuery,
    response: pageSchema(classroomSchema),
    async handler({ query, account, context, request }) {
      let schoolId = query.schoolId;
      if (account!.role !== 'operator') {
        if (account!.schoolId === null || (schoolId !== undefined && schoolId !== account!.schoolId)) throw forbidden('you see the classrooms of your own school only');
        schoolId = account!.schoolId;
      }
      const listed = await listClassrooms(context.db, { schoolId }, query);
      return { body: page({ items: await views(listed.items, account, context, request), total: listed.total }, query) };
    },
  }),
  route<undefined, z.infer<typeof createBody>>({
    method: 'post',
    path: '/classrooms',
    summary: 'Create a classroom; its id (from its name) and keys are generated unless given (backupKey: null for none)',
    tag: 'classrooms',
    access: managers,
    body: createBody,
    response: classroomSchema,
    successStatus: 201,
    async handler({ body, account, context, request }) {
      if (!managesSchool(account, body.schoolId)) throw forbidden('school admins create classrooms in their own school only');
      await requireSchool(context.db, body.schoolId);
      const primaryKey = body.primaryKey ?? newStreamKey();
      const backupKey = body.backupKey === undefined ? newStreamKey() : body.backupKey;
      if (backupKey !== null && backupKey === primaryKey) throw new ApiError(400, 'backupKey: must differ from primaryKey');
      const id = body.id ?? (await unusedClassroomId(context.db, body.name));
      if (body.primaryKey) await requireUnusedKey(context.db, 'primaryKey', body.primaryKey, id);
      if (body.backupKey) await requireUnusedKey(context.db, 'backupKey', body.backupKey, id);
      const classroom = await createClassroom(context.db, { id, schoolId: body.schoolId, name: body.name, primaryKey, backupKey, defaultVisibility: body.defaultVisibility });
      return { status: 201, body: await view(classroom, account, context, request) };
    },
  }),
  route({
    method: 'get',
    path: '/classrooms/:id',
    summary: 'One classroom with its encoder status (keys for operators and the school admins)',
    tag: 'classrooms',
    access: staff,
    response: classroomSchema,
    async handler({ params, account, context, request }) {
      const classroom = await loadClassroom(context.db, params.id);
      if (!maySeeClassroom(account, classroom)) throw forbidden('you see the classrooms of your own school only');
      return { body: await view(classroom, account, context, request) };
    },
  }),
  route<z.infer<typeof obsProfileQuery>>({
    method: 'get',
    path: '/classrooms/:id/obs-profile',
    summary: "Download an OBS Studio profile for the classroom (a zip of the profile folder: basic.ini, streamEncoder.json, service.json with the RTMP server and primary key); import it in OBS with Profile > Import",
    tag: 'classrooms',
    access: managers,
    query: obsProfileQuery,
    async handler({ params, query, account, context, request, response }) {
      const classroom = await loadManaged(context.db, params.id, account);
      const shown = await view(classroom, account, context, request);
      const profile = obsProfile({
        classroomId: classroom.id,
        classroomName: classroom.name,
        server: shown.rtmpUrl,
        key: classroom.primaryKey,
        settings: recommendedEncoderSettings(query.latencyMode ?? context.config.ingest.latencyMode),
      });
      const zip = zipSync({ [profile.folder]: Object.fromEntries(Object.entries(profile.files).map(([name, text]) => [name, strToU8(text)])) });
      response.attachment(`${profile.folder}.zip`);
      response.set({ 'Content-Type': 'application/zip', 'Cache-Control': 'no-store' });
      response.end(Buffer.from(zip));
      return 'sent';
    },
  }),
  route<undefined, z.infer<typeof changeBody>>({
    method: 'patch',
    path: '/classrooms/:id',
    summary: "Rename a classroom, set its ad-hoc lessons' default visibility, or place it in another school (operators)",
    tag: 'classrooms',
    access: managers,
    body: changeBody,
    response: classroomSchema,
    async handler({ params, body, account, context, request }) {
      const classroom = await loadManaged(context.db, params.id, account);
      if (body.schoolId !== undefined && body.schoolId !== classroom.schoolId) {
        if (account!.role !== 'operator') throw forbidden('only operators move a classroom to another school');
        await requireSchool(context.db, body.schoolId);
      }
      const changed = await updateClassroom(context.db, classroom.id, body);
      return { body: await view(changed!, account, context, request) };
    },
  }),
  route({
    method: 'delete',
    path: '/classrooms/:id',
    summary: 'Delete a classroom that has no lessons',
    tag: 'classrooms',
    access: managers,
    response: deletedSchema,
    async handler({ params, account, context }) {
      const classroom = await loadManaged(context.db, params.id, account);
      const lessons = await countLessonsOfClassroom(context.db, classroom.id);
      if (lessons > 0) throw new ApiError(409, `classroom ${classroom.id} has ${lessons} lesson(s)`, 'delete its lessons first');
      await deleteClassroom(context.db, classroom.id);
      return { body: { deleted: true } };
    },
  }),
  route<undefined, z.infer<typeof rotateBody>>({
    method: 'post',
    path: '/classrooms/:id/rotate-key',
    summary: 'Replace the primary or backup stream key with a new random one; the old key stops working within catalog.keyRefreshSeconds',
    tag: 'classrooms',
    access: managers,
    body: rotateBody,
    response: classroomSchema,
    async handler({ params, body, account, context, request }) {
      const classroom = await loadManaged(context.db, params.id, account);
      const changed = await setClassroomKey(context.db, classroom.id, body.which, newStreamKey());
      return { body: await view(changed!, account, context, request) };
    },
  }),
  route({
    method: 'delete',
    path: '/classrooms/:id/backup-key',
    summary: 'Remove the backup stream key (rotate-key with which=backup makes a new one)',
    tag: 'classrooms',
    access: managers,
    response: classroomSchema,
    async handler({ params, account, context, request }) {
      const classroom = await loadManaged(context.db, params.id, account);
      const changed = await setClassroomKey(context.db, classroom.id, 'backup', null);
      return { body: await view(changed!, account, context, request) };
    },
  }),
];
