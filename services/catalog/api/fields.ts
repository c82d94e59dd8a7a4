// The zod schemas of the resource fields in bodies and query strings, and the path-id parsers, so a
// rule (and its message) is written once for every route that takes the field.
import { z } from 'zod';
import { latencyModes, newStreamKeyMinLength } from '../../core/config/schema.ts';
import { lessonStates, visibilities } from '../queries/lessons.ts';
import { notFound } from './api-error.ts';

/** The largest id a PostgreSQL `integer`/`serial` holds; a bigger number can't name a row. */
const maxId = 2_147_483_647;

/** The same patterns as the checks in migrations/001_catalog.sql. */
export const classroomIdPattern = /^[a-z0-9][a-z0-9-]{0,62}$/;
export const lessonIdPattern = /^[a-z0-9][a-z0-9-]{0,95}$/;
export const streamKeyPattern = /^[A-Za-z0-9_-]{8,128}$/;

export const nameField = z.string().trim().min(1, 'must not be empty').max(120, 'at most 120 characters');
/** Subjects and grades: short labels with the same bounds as names. */
export const shortTextField = nameField;
export const descriptionField = z.string().trim().max(5000, 'at most 5000 characters');
export const idField = z.number().int().positive().max(maxId);
export const classroomIdField = z.string().regex(classroomIdPattern, 'lowercase letters, digits and "-", starting with a letter or digit, at most 63 characters');
/** A key as stored: keys from before newStreamKeyField (8 characters and more) still name their classroom. */
export const streamKeyField = z.string().regex(streamKeyPattern, 'a stream key is 8 to 128 letters, digits, "_" or "-"');
/** A key given to a classroom now (generated ones are 32 characters, stream-keys.ts). */
export const newStreamKeyField = streamKeyField.min(
  newStreamKeyMinLength,
  `a new stream key is at least ${newStreamKeyMinLength} characters, so it cannot be guessed; leave it out to have one generated`,
);
export const latencyModeField = z.enum(latencyModes);
export const visibilityField = z.enum(visibilities);
export const lessonStateField = z.enum(lessonStates);
export const timeField = z.iso.datetime({ offset: true, message: 'an ISO 8601 time with a zone, e.g. 2026-11-22T08:00:00Z' }).transform((text) => new Date(text));

/** Ids in query strings arrive as text. */
export const idQuery = z.coerce.number().int().positive().max(maxId);
/** A time in a query string: an ISO 8601 time with a zone, or a date (its UTC midnight). */
export const timeQuery = z.union([z.iso.datetime({ offset: true }), z.iso.date()], { message: 'an ISO 8601 time with a zone or a date, e.g. 2026-11-22' }).transform((text) => new Date(text));
export const textQuery = z.string().trim().min(1).max(120);

/** An integer id from the path; anything else names no row, so it is a 404 like an unknown id. */
export function pathId(value: string | undefined, what: string): number {
  if (value === undefined || !/^\d{1,10}$/.test(value) || Number(value) < 1 || Number(value) > maxId) throw notFound(what, value);
  return Number(value);
}

/** A text slug id from the path, checked against the pattern the database enforces. */
export function pathSlug(value: string | undefined, what: string, pattern: RegExp): string {
  if (value === undefined || !pattern.test(value)) throw notFound(what, value);
  return value;
}
