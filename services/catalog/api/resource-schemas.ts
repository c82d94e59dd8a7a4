// The JSON shapes the resource routes answer, as zod schemas, for the OpenAPI document. They mirror
// the types in services/catalog/queries/*.ts and docs/api.md.
import { z } from 'zod';
import { latencyModes } from '../../core/config/schema.ts';
import { lessonStates, visibilities } from '../queries/lessons.ts';
import { mp4States } from '../queries/recordings.ts';

const id = z.number().int();
const time = z.string().describe('ISO 8601 time');

export const citySchema = z.object({ id, provinceId: id, name: z.string(), schoolCount: z.number().int() });

export const schoolSchema = z.object({
  id,
  cityId: id,
  cityName: z.string(),
  name: z.string(),
  classroomCount: z.number().int(),
  recordLessons: z.boolean().describe("whether the school's lessons are recorded by default"),
  defaultVisibility: z.enum(visibilities).describe("the visibility its classrooms' ad-hoc lessons take, unless the classroom has its own"),
});

export const encoderSchema = z.object({
  connected: z.boolean(),
  ingestNode: z.string(),
  lessonId: z.string().nullable(),
  keyKind: z.enum(['primary', 'backup']).nullable(),
  bitrateKbps: z.number().nullable(),
  fps: z.number().nullable(),
  width: z.number().int().nullable(),
  height: z.number().int().nullable(),
  remoteAddress: z.string().nullable(),
  advice: z.string().nullable().describe('why the source is not served as it is sent (only recorded), with the fix for the encoder in words; null: fit, or not judged yet'),
  sent: z
    .object({
      fps: z.number().nullable(),
      videoKbps: z.number().nullable(),
      keyframeSeconds: z.number().nullable(),
      audio: z.object({ codec: z.string(), sampleRate: z.number().int().nullable(), channels: z.number().int().nullable() }).nullable(),
    })
    .nullable()
    .describe("what the encoder sends on its own clock (frame rate and video bitrate over its last keyframe interval, that interval, its audio), for the school page's live check; null: not measured yet"),
  updatedAt: time,
});

export const classroomSchema = z.object({
  id: z.string(),
  schoolId: id.nullable(),
  schoolName: z.string().nullable(),
  name: z.string(),
  defaultVisibility: z.enum(visibilities).nullable().describe("the visibility its ad-hoc lessons take; null: its school's defaultVisibility"),
  rtmpUrl: z.string().describe('the encoder pushes to <rtmpUrl>/<key>: the ingest node the assignment API would name now, or the catalog host when no ingest node is known'),
  ingestNode: z.string().nullable().describe('the ingest node the classroom is assigned to, up or not (null: none yet)'),
  primaryKey: z.string().optional().describe('only for operators and the school admins'),
  backupKey: z.string().nullable().optional().describe('only for operators and the school admins'),
  keysRotatedAt: time,
  encoder: encoderSchema.nullable(),
});

export const coursewareFileSchema = z.object({ id, name: z.string(), contentType: z.string(), sizeBytes: z.number().int(), url: z.string() });

export const courseSchema = z.object({
  id,
  schoolId: id,
  schoolName: z.string(),
  title: z.string(),
  subject: z.string(),
  grade: z.string(),
  teacherAccountId: id.nullable(),
  teacherName: z.string(),
  description: z.string(),
  files: z.array(coursewareFileSchema),
});

export const lessonSchema = z.object({
  id: z.string(),
  title: z.string(),
  courseId: id.nullable(),
  courseTitle: z.string().nullable(),
  subject: z.string().nullable(),
  grade: z.string().nullable(),
  teacherName: z.string().nullable(),
  classroomId: z.string(),
  classroomName: z.string(),
  schoolId: id.nullable(),
  schoolName: z.string().nullable(),
  cityId: id.nullable(),
  cityName: z.string().nullable(),
  startsAt: time,
  endsAt: time.nullable(),
  latencyMode: z.enum(latencyModes),
  visibility: z.enum(visibilities),
  p2pEnabled: z.boolean(),
  record: z.boolean().nullable().describe("whether it is recorded by default; null: follow the school's recordLessons"),
  recordEffective: z.boolean().describe('whether its default recording opens when it goes live'),
  state: z.enum(lessonStates),
  adHoc: z.boolean(),
  wentLiveAt: time.nullable(),
  endedAt: time.nullable(),
  endRequestedAt: time.nullable().describe('when someone asked to end it (POST /lessons/:id/end); such a lesson is never continued'),
  masterUrl: z.string(),
  watchUrl: z.string(),
});

/** A timetable entry: the lesson and its ready replays (queries/recordings.ts LessonReplay). */
export const timetableLessonSchema = lessonSchema.extend({
  replays: z.array(
    z.object({
      recordingId: z.string(),
      durationSeconds: z.number().nullable(),
      replayUrl: z.string().describe('the replay page, /replay/<recordingId>'),
      mp4: z.object({ state: z.enum(mp4States), url: z.string() }).describe('GET url downloads it once state is ready; POST it to prepare it (signed in)'),
    }),
  ),
});

export const facetsSchema = z.object({
  cities: z.array(z.object({ id, name: z.string() })),
  schools: z.array(z.object({ id, name: z.string(), cityId: id })),
  grades: z.array(z.string()),
  subjects: z.array(z.string()),
});

export const deletedSchema = z.object({ deleted: z.literal(true) });
