// The catalog API's resources as the browser sees them (docs/api.md): the server's own types,
// imported as types only, so the pages and the API cannot drift apart and no server code is
// bundled (type imports vanish when esbuild compiles).
import type { ClassroomRecord } from '../../../services/catalog/queries/classrooms.ts';

export type { Account, Role } from '../../../services/catalog/auth/account.ts';
export type { City } from '../../../services/catalog/queries/cities.ts';
export type { School } from '../../../services/catalog/queries/schools.ts';
export type { EncoderStatus } from '../../../services/catalog/queries/classrooms.ts';
export type { Course } from '../../../services/catalog/queries/courses.ts';
export type { Lesson, LessonState, Visibility } from '../../../services/catalog/queries/lessons.ts';
export type { LatencyMode } from '../../../services/core/config/schema.ts';
export type { Facets as TimetableFacets, TimetableLesson } from '../../../services/catalog/queries/timetable.ts';
export type { AuditEntry } from '../../../services/catalog/audit/audit-log.ts';
export type { Recording, SchoolStorage } from '../../../services/catalog/queries/recordings.ts';

export type ListPage<T> = { items: T[]; total: number; limit: number; offset: number };

/** A classroom as the API answers it: the keys only for operators and the school's admins. */
export type Classroom = Omit<ClassroomRecord, 'primaryKey' | 'backupKey'> & { rtmpUrl: string; ingestNode: string | null; primaryKey?: string; backupKey?: string | null };
