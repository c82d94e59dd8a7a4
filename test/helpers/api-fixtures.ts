// Shared set-up for the resource API tests: a catalog per database with an operator signed in,
// and helpers that make a city, a school, a classroom, a course through the API itself.
import assert from 'node:assert/strict';
import type { Role } from '../../services/catalog/auth/account.ts';
import type { ConfigInput } from '../../services/core/config/schema.ts';
import { startTestCatalog, type TestCatalog } from './test-catalog.ts';

export type Fixture = {
  catalog: TestCatalog;
  /** The operator's token. */
  operator: string;
  /** A unique suffix for names, so tests sharing a catalog never collide. */
  unique(prefix: string): string;
  city(): Promise<{ id: number; name: string }>;
  /** A new school (in a new city) with a token for each role of that school. */
  school(): Promise<{ id: number; cityId: number; name: string; tokens: Record<Exclude<Role, 'operator'>, string>; teacherId: number }>;
  classroom(schoolId: number, token?: string): Promise<{ id: string; primaryKey: string; backupKey: string | null }>;
  course(schoolId: number, fields?: Record<string, unknown>, token?: string): Promise<{ id: number; title: string }>;
};

let counter = 0;

/** `config`: configuration over the test catalog's defaults. */
export async function startFixture(databaseUrl: string, config?: ConfigInput): Promise<Fixture> {
  const catalog = await startTestCatalog({ databaseUrl, ...(config ? { config } : {}) });
  const operator = (await catalog.signIn('operator')).token;
  const unique = (prefix: string) => `${prefix}-${++counter}`;
  const created = async (method: string, path: string, body: unknown, token = operator) => {
    const answer = await catalog.api(method, path, { token, body });
    assert.equal(answer.status, 201, `${method} ${path}: ${JSON.stringify(answer.body)}`);
    return answer.body;
  };
  const city = () => created('post', '/cities', { name: unique('City') });
  return {
    catalog,
    operator,
    unique,
    city,
    async school() {
      const { id: cityId } = await city();
      const school = await created('post', '/schools', { cityId, name: unique('School') });
      const admin = await catalog.signIn('school_admin', school.id);
      const teacher = await catalog.signIn('teacher', school.id);
      const student = await catalog.signIn('student', school.id);
      return { ...school, tokens: { school_admin: admin.token, teacher: teacher.token, student: student.token }, teacherId: teacher.account.id };
    },
    classroom: (schoolId, token = operator) => created('post', '/classrooms', { id: unique('room'), schoolId, name: unique('Room') }, token),
    course: (schoolId, fields = {}, token = operator) => created('post', '/courses', { schoolId, title: unique('Course'), subject: 'Maths', grade: '7', ...fields }, token),
  };
}
