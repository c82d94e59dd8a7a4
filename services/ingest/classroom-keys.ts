// Which classroom a stream key belongs to. Keys are compared as SHA-256 digests in constant time,
// so response timing tells an attacker nothing about how much of a guessed key was right.
import { createHash, timingSafeEqual } from 'node:crypto';
import type { Classroom } from '../core/config/schema.ts';

export type ClassroomKeys = { classroomFor(streamKey: string): string | undefined; add(classroom: Classroom): void };

export function createClassroomKeys(classrooms: readonly Classroom[]): ClassroomKeys {
  const entries: Array<{ id: string; digest: Buffer }> = [];
  const add = (classroom: Classroom) => {
    if (entries.some((entry) => entry.id === classroom.id)) throw new Error(`classroom ${classroom.id} is defined twice`);
    entries.push({ id: classroom.id, digest: digest(classroom.key) });
  };
  classrooms.forEach(add);
  return {
    add,
    classroomFor(streamKey) {
      const candidate = digest(streamKey);
      let found: string | undefined;
      // Compare against every entry, not stopping at a match, for the same reason.
      for (const entry of entries) if (timingSafeEqual(entry.digest, candidate)) found = entry.id;
      return found;
    },
  };
}

function digest(key: string): Buffer {
  return createHash('sha256').update(key).digest();
}
