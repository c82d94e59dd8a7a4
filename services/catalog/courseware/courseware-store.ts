// Where courseware bytes live: <dataDir>/courseware/<courseId>/<random stored name>. The name a
// user gave a file is only ever data in the catalog, never part of a path, so no upload can
// write or read outside its course's folder.
import { randomBytes } from 'node:crypto';
import { createReadStream, type ReadStream } from 'node:fs';
import { mkdir, rm, writeFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';

const storedNamePattern = /^[a-f0-9]{32}$/;

function courseDir(dataDir: string, courseId: number): string {
  if (!Number.isSafeInteger(courseId) || courseId < 1) throw new Error(`not a course id: ${courseId}`);
  return join(resolve(dataDir), 'courseware', String(courseId));
}

function filePath(dataDir: string, courseId: number, storedName: string): string {
  if (!storedNamePattern.test(storedName)) throw new Error(`not a stored courseware name: ${storedName}`);
  return join(courseDir(dataDir, courseId), storedName);
}

/** Writes the bytes under a new random name and returns that name. */
export async function storeCourseware(dataDir: string, courseId: number, bytes: Uint8Array): Promise<string> {
  const storedName = randomBytes(16).toString('hex');
  await mkdir(courseDir(dataDir, courseId), { recursive: true });
  await writeFile(filePath(dataDir, courseId, storedName), bytes, { flag: 'wx' });
  return storedName;
}

export function readCourseware(dataDir: string, courseId: number, storedName: string): ReadStream {
  return createReadStream(filePath(dataDir, courseId, storedName));
}

export async function removeCourseware(dataDir: string, courseId: number, storedName: string): Promise<void> {
  await rm(filePath(dataDir, courseId, storedName), { force: true });
}

/** Removes a deleted course's folder and everything in it. */
export async function removeCourseFolder(dataDir: string, courseId: number): Promise<void> {
  await rm(courseDir(dataDir, courseId), { recursive: true, force: true });
}
