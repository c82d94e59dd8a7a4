// /recordings: lessons' recordings and their replays, readable by whoever may read the lesson;
// /lessons/:id/recording/start|stop: whoever may change a live
// lesson (its teacher, its school's admin, an operator) stops and restarts its recording by hand.
// Operators, and a school's admins for their school's recordings, pin and delete them and see the
// storage each school uses (/recordings/storage).
// /recordings/:id/mp4 prepares the replay as one MP4 for anyone who may watch it (one preparation
// per recording however many ask; rate-limited per viewer and per node, mp4-download-limits.ts) and
// then downloads it under a name a person would give it (mp4-download-name.ts).
import { createReadStream } from 'node:fs';
import { rm } from 'node:fs/promises';
import { join } from 'node:path';
import type { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { z } from 'zod';
import type { Account } from '../../auth/account.ts';
import type { Queryable } from '../../db/database.ts';
import { getLesson } from '../../queries/lessons.ts';
import {
  claimMp4,
  deleteRecordingRow,
  getRecording,
  listRecordings,
  mp4States,
  openRecording,
  recordingStates,
  runningRecording,
  setRecordingPinned,
  stopRecording,
  storageBySchool,
  type Recording,
  type StoredRecording,
} from '../../queries/recordings.ts';
import { locationOf, requestBucketDeletion } from '../../queries/replay-locations.ts';
import { createMp4Throttle, type Mp4Throttle } from '../../recordings/mp4-download-limits.ts';
import { mp4DownloadName } from '../../recordings/mp4-download-name.ts';
import { bucketOrExplain, recordingDir, startMp4Job } from '../../recordings/mp4-job.ts';
import { replayBucketFrom } from '../../recordings/replay-storage.ts';
import { emptyDeletedFolders } from '../../recordings/retention-sweep.ts';
import { mp4FileName } from '../../../replay/mp4-export.ts';
import type { ReplayBucket } from '../../../replay/replay-bucket.ts';
import { ApiError, forbidden, notFound, unauthorized } from '../api-error.ts';
import { idQuery, lessonIdPattern, pathSlug } from '../fields.ts';
import { page, pageSchema, paginationQuery } from '../pagination.ts';
import { lessonScope, managesSchool, mayChangeLesson, mayReadLesson } from '../permissions.ts';
import { deletedSchema } from '../resource-schemas.ts';
import { route, type CatalogContext, type RouteSpec } from '../route-spec.ts';
import type { Request, Response } from 'express';

/** The same pattern as the check in migrations/003_recordings.sql. */
const recordingIdPattern = /^[a-z0-9][a-z0-9-]{0,127}$/;
const editors = ['operator', 'school_admin', 'teacher'] as const;

const time = z.string().describe('ISO 8601');
export const recordingSchema = z.object({
  id: z.string(),
  lessonId: z.string(),
  lessonTitle: z.string(),
  state: z.enum(recordingStates),
  startedAt: time,
  endedAt: time.nullable(),
  durationSeconds: z.number().nullable(),
  sizeBytes: z.number().int().nullable(),
  segmentCount: z.number().int().nullable(),
  renditions: z.array(z.string()).describe('what the replay plays, best first'),
  renditionsDropped: z.array(z.string()).describe('renditions the storage policy removed'),
  renditionsLeaving: z.array(z.string()).describe("renditions the storage policy took out of the master; their files go after the policy's grace"),
  policyFreedBytes: z.number().int().describe('bytes the storage policy freed'),
  pinned: z.boolean(),
  manual: z.boolean(),
  failure: z.string().nullable(),
  masterUrl: z.string().nullable(),
  replayUrl: z.string().nullable(),
  mp4: z.object({
    state: z.enum(mp4States),
    progress: z.number(),
    sizeBytes: z.number().int().nullable(),
    failure: z.string().nullable(),
    url: z.string(),
    rendition: z.string().nullable().describe('the rendition the MP4 is (or will be) made from: the best the replay keeps, so after the storage policy drops the top one, the best kept'),
  }),
});
const mp4StatusSchema = z.object({ state: z.enum(mp4States), progress: z.number() });

const listQuery = paginationQuery.extend({
  lessonId: z.string().regex(lessonIdPattern, 'not a lesson id').optional(),
  state: z.enum(recordingStates).optional(),
  schoolId: idQuery.optional(),
  pinned: z.enum(['true', 'false']).optional().describe('only pinned (true) or unpinned (false) recordings'),
});
const storageQuery = z.object({ schoolId: idQuery.optional() }).strict();
const storageSchema = z.object({
  items: z.array(
    z.object({
      schoolId: z.number().int(),
      schoolName: z.string(),
      recordings: z.number().int(),
      pinned: z.number().int(),
      bytes: z.number().int().describe('replay files and prepared MP4s'),
      retentionDays: z.number().int().nullable().describe('null: the platform default'),
    }),
  ),
  defaultRetentionDays: z.number().int(),
});
const managers = ['operator', 'school_admin'] as const;
const changeBody = z.object({ pinned: z.boolean() }).strict();

/** The recording, if the caller may read its lesson (401 signed out, 403 another school). */
async function readableRecording(db: Queryable, account: Account | null, rawId: string | undefined): Promise<StoredRecording> {
  const id = pathSlug(rawId, 'recording', recordingIdPattern);
  const found = await getRecording(db, id);
  if (!found) throw notFound('recording', id);
  if (!mayReadLesson(account, found.lesson)) throw account ? forbidden('this recording is for its school only') : unauthorized();
  return found;
}

/** One throttle per catalog (keyed by its database), so tests with several catalogs don't share one. */
const mp4Throttles = new WeakMap<object, Mp4Throttle>();
function mp4Throttle(context: CatalogContext): Mp4Throttle {
  let throttle = mp4Throttles.get(context.db);
  if (!throttle) mp4Throttles.set(context.db, (throttle = createMp4Throttle(context.config.catalog.mp4Downloads)));
  return throttle;
}

function tooMany(response: Response, waitSeconds: number, message: string): ApiError {
  response.set('Retry-After', String(waitSeconds));
  return new ApiError(429, `${message}; try again in ${waitSeconds} s`, 'wait the Retry-After seconds, then ask again');
}

/** Who is asking, for the per-viewer limit: their account, else their address. */
function viewerOf(account: Account | null, request: Request): string {
  return account ? `account ${account.id}` : `address ${request.ip ?? request.socket.remoteAddress ?? 'unknown'}`;
}

async function answerRecording(db: Queryable, id: string): Promise<Recording> {
  const found = await getRecording(db, id);
  if (!found) throw notFound('recording', id);
  return found.recording;
}

/** A live lesson whose recording the caller may start or stop. */
async function recordableLesson(db: Queryable, account: Account | null, rawId: string | undefined): Promise<string> {
  const id = pathSlug(rawId, 'lesson', lessonIdPattern);
  const found = await getLesson(db, id);
  if (!found) throw notFound('lesson', id);
  const { lesson, teacherAccountId } = found;
  if (!mayChangeLesson(account, { schoolId: lesson.schoolId, courseId: lesson.courseId, teacherAccountId })) {
    throw forbidden("the lesson's teacher, its school's admins and operators start and stop its recording");
  }
  if (lesson.state !== 'live') throw new ApiError(409, `lesson ${lesson.id} is ${lesson.state}, not live`, 'recording starts and stops while a lesson is live');
  return lesson.id;
}

export const recordingsRoutes: RouteSpec[] = [
  route<z.infer<typeof listQuery>>({
    method: 'get',
    path: '/recordings',
    summary: 'List the recordings the caller may see, newest first (?lessonId= for one lesson)',
    tag: 'recordings',
    access: 'public',
    query: listQuery,
    response: pageSchema(recordingSchema),
    async handler({ query, account, context }) {
      const { limit, offset, pinned, ...filter } = query;
      return { body: page(await listRecordings(context.db, lessonScope(account), { ...filter, ...(pinned ? { pinned: pinned === 'true' } : {}) }, { limit, offset }), query) };
    },
  }),
  route<z.infer<typeof storageQuery>>({
    method: 'get',
    path: '/recordings/storage',
    summary: "Storage used by each school's recordings (replays and MP4s), with its retention; a school admin sees their own school",
    tag: 'recordings',
    access: managers,
    query: storageQuery,
    response: storageSchema,
    async handler({ query, account, context }) {
      let schoolId = query.schoolId;
      if (account!.role !== 'operator') {
        if (account!.schoolId === null || (schoolId !== undefined && schoolId !== account!.schoolId)) throw forbidden("you see your own school's storage only");
        schoolId = account!.schoolId;
      }
      return { body: { items: await storageBySchool(context.db, schoolId), defaultRetentionDays: context.config.catalog.recordingRetentionDays } };
    },
  }),
  route({
    method: 'get',
    path: '/recordings/:id',
    summary: 'One recording (visible like its lesson)',
    tag: 'recordings',
    access: 'public',
    response: recordingSchema,
    async handler({ params, account, context }) {
      return { body: (await readableRecording(context.db, account, params.id)).recording };
    },
  }),
  route<undefined, z.infer<typeof changeBody>>({
    method: 'patch',
    path: '/recordings/:id',
    summary: "Pin a recording (kept whatever the retention policy) or unpin it (operators; a school's admins, its own)",
    tag: 'recordings',
    access: managers,
    body: changeBody,
    response: recordingSchema,
    async handler({ params, body, account, context }) {
      const { recording, lesson } = await readableRecording(context.db, account, params.id);
      if (!managesSchool(account, lesson.schoolId)) throw forbidden("operators and the school's admins pin its recordings");
      await setRecordingPinned(context.db, recording.id, body.pinned);
      return { body: await answerRecording(context.db, recording.id) };
    },
  }),
  route({
    method: 'delete',
    path: '/recordings/:id',
    summary: "Delete a recording and its replay files, never while its lesson is live (operators; a school's admins, its own)",
    tag: 'recordings',
    access: managers,
    response: deletedSchema,
    async handler({ params, account, context }) {
      const { recording, lesson, storagePath } = await readableRecording(context.db, account, params.id);
      if (!managesSchool(account, lesson.schoolId)) throw forbidden("operators and the school's admins delete its recordings");
      if (lesson.state === 'live') throw new ApiError(409, `lesson ${lesson.id} is live`, 'delete its recordings after it has ended');
      if (recording.state === 'recording') throw new ApiError(409, `recording ${recording.id} is still being made into a replay`, 'retry in a few seconds');
      if (recording.mp4.state === 'preparing') throw new ApiError(409, `the MP4 of recording ${recording.id} is being prepared`, 'retry when it is ready');
      await deleteRecordingRow(context.db, recording.id);
      // Relays and browsers may keep copies of the immutable replay files until they evict them.
      await rm(recordingDir(context.config, storagePath), { recursive: true, force: true });
      // In the bucket too (a replay still uploading may land there yet): queued, so a store that is
      // unreachable now has the folder emptied by a later retention sweep.
      const bucket = replayBucketFrom(context.config.storage);
      if (bucket) {
        await requestBucketDeletion(context.db, storagePath);
        await emptyDeletedFolders(context.db, bucket, context.log, [storagePath]).finally(() => bucket.close());
      }
      context.log.info('recording deleted', { recording: recording.id, lesson: lesson.id, by: account?.username });
      return { body: { deleted: true } };
    },
  }),
  route({
    method: 'post',
    path: '/lessons/:id/recording/start',
    summary: 'Start recording a live lesson again (after a stop)',
    tag: 'recordings',
    access: editors,
    response: recordingSchema,
    successStatus: 201,
    async handler({ params, account, context }) {
      const lessonId = await recordableLesson(context.db, account, params.id);
      const running = await runningRecording(context.db, lessonId);
      if (running) throw new ApiError(409, `lesson ${lessonId} is already being recorded (${running.recording.id})`, `stop it with POST /api/v1/lessons/${lessonId}/recording/stop`);
      // The unique index on running recordings settles two starts racing: the loser gets a 409.
      const id = await openRecording(context.db, lessonId, { manual: true });
      return { status: 201, body: await answerRecording(context.db, id) };
    },
  }),
  route({
    method: 'post',
    path: '/lessons/:id/recording/stop',
    summary: 'Stop recording a live lesson; the recording becomes a replay when the lesson ends',
    tag: 'recordings',
    access: editors,
    response: recordingSchema,
    async handler({ params, account, context }) {
      const lessonId = await recordableLesson(context.db, account, params.id);
      const id = await stopRecording(context.db, lessonId);
      if (!id) throw new ApiError(409, `lesson ${lessonId} is not being recorded`, `start it with POST /api/v1/lessons/${lessonId}/recording/start`);
      return { body: await answerRecording(context.db, id) };
    },
  }),
  route({
    method: 'post',
    path: '/recordings/:id/mp4',
    summary: "Start preparing the replay's MP4 download (no re-encoding; anyone who may watch the replay); answers its state and progress",
    tag: 'recordings',
    // Like watching the replay: anyone for a public lesson's, its school and operators otherwise.
    access: 'public',
    response: mp4StatusSchema,
    successStatus: 202,
    async handler({ params, account, context, request, response }) {
      const { recording, storagePath } = await readableRecording(context.db, account, params.id);
      const throttle = mp4Throttle(context);
      const viewerWait = throttle.viewerAsks(viewerOf(account, request), Date.now());
      if (viewerWait > 0) throw tooMany(response, viewerWait, 'you asked for too many downloads at once');
      if (recording.state !== 'ready') throw new ApiError(409, `recording ${recording.id} is ${recording.state}, not a replay yet`, 'a recording becomes a replay when its lesson ends');
      // Only a preparation this request would start costs the node: one already prepared or under way is shared.
      if (recording.mp4.state === 'none' || recording.mp4.state === 'failed') {
        const nodeWait = throttle.nodeStarts(recording.id, Date.now());
        if (nodeWait > 0) throw tooMany(response, nodeWait, 'this server is preparing many downloads already');
      }
      if (await claimMp4(context.db, recording.id)) {
        const job = { id: recording.id, storagePath, durationSeconds: recording.durationSeconds ?? 0 };
        // On the durable queue where there is one: it survives a restart and runs on one catalog.
        if (context.jobs) await context.jobs.send('mp4-prepare', job, { singletonKey: recording.id });
        else startMp4Job(context.db, context.config, context.log, job);
      }
      const now = await answerRecording(context.db, recording.id);
      return { status: now.mp4.state === 'ready' ? 200 : 202, body: { state: now.mp4.state, progress: now.mp4.progress } };
    },
  }),
  route({
    method: 'get',
    path: '/recordings/:id/mp4',
    summary: 'Download the replay as one MP4 once prepared (saved as "<course> - <lesson> - <date time>.mp4"); 202 with {state, progress} while it is prepared',
    tag: 'recordings',
    access: 'public',
    response: mp4StatusSchema,
    async handler({ params, account, context, response }) {
      const { recording, storagePath } = await readableRecording(context.db, account, params.id);
      const { mp4 } = recording;
      if (mp4.state === 'preparing') return { status: 202, body: { state: mp4.state, progress: mp4.progress } };
      if (mp4.state === 'none') throw new ApiError(404, `the MP4 of recording ${recording.id} has not been prepared`, `POST /api/v1/recordings/${recording.id}/mp4 to prepare it`);
      if (mp4.state === 'failed') throw new ApiError(409, `preparing the MP4 failed: ${mp4.failure ?? 'unknown error'}`, `POST /api/v1/recordings/${recording.id}/mp4 to try again`);
      const stream = await openMp4(context, recording.id, storagePath);
      const lesson = (await getLesson(context.db, recording.lessonId))?.lesson;
      const timeZone = context.timeZone?.current() ?? context.config.web.timeZone;
      response.attachment(mp4DownloadName({ courseTitle: lesson?.courseTitle ?? null, lessonTitle: lesson?.title ?? recording.lessonTitle, startedAt: recording.startedAt }, timeZone));
      response.set({ 'Content-Type': 'video/mp4', 'Cache-Control': 'no-cache', ...(mp4.sizeBytes !== null ? { 'Content-Length': String(mp4.sizeBytes) } : {}) });
      await pipeline(stream, response).catch(() => response.destroy());
      return 'sent';
    },
  }),
];

/**
 * The MP4's bytes, from disk or from the bucket, opened before answering, so a file that is missing
 * is a clean error rather than a cut-off download.
 */
async function openMp4(context: CatalogContext, recordingId: string, storagePath: string): Promise<Readable> {
  if ((await locationOf(context.db, recordingId)) === 'bucket') {
    let bucket: ReplayBucket;
    try {
      bucket = bucketOrExplain(context.config, recordingId);
    } catch (error) {
      throw new ApiError(503, (error as Error).message, 'the operator must configure storage on the catalog as on the ingest nodes (docs/deploy.md)');
    }
    const object = await bucket.get(`${storagePath}/${mp4FileName(recordingId)}`).catch((error: Error) => {
      bucket.close();
      throw new ApiError(503, `the replay store is unreachable: ${error.message}`, 'retry in a few seconds');
    });
    if (!object) {
      bucket.close();
      throw new ApiError(404, `the MP4 of recording ${recordingId} is not in the replay store`, `POST /api/v1/recordings/${recordingId}/mp4 to prepare it again`);
    }
    object.body.once('close', () => bucket.close());
    return object.body;
  }
  const stream = createReadStream(join(recordingDir(context.config, storagePath), mp4FileName(recordingId)));
  await new Promise<void>((resolve, reject) => stream.once('open', () => resolve()).once('error', reject));
  return stream;
}
