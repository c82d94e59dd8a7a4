// The data layer on both databases: parameters, timestamps, transactions, the constraint errors the
// API turns into 409/400 answers, the change counters ingest polls, and the schema's own rules.
// Every case runs on PGlite and on a real PostgreSQL, so code written against one works on the other.
import assert from 'node:assert/strict';
import { tmpdir } from 'node:os';
import { after, before, describe, test } from 'node:test';
import { queryOne, type Database } from '../../services/catalog/db/database.ts';
import { constraintOf, isCheckViolation, isForeignKeyViolation, isUniqueViolation } from '../../services/catalog/db/db-errors.ts';
import { openDatabase } from '../../services/catalog/db/open-database.ts';
import { createLogger, setLogSink } from '../../services/core/log.ts';
import { freePort } from '../../services/core/port-check.ts';
import { catalogDatabaseUrls, freshPostgresUrl, stopTestPostgres } from '../helpers/databases.ts';

const logLines: string[] = [];
setLogSink((line) => logLines.push(line));
const log = createLogger({ role: 'test' });

after(() => stopTestPostgres());

type Violation = { kind: 'unique' | 'foreign key' | 'check'; constraint: string };
const violationTests = { unique: isUniqueViolation, 'foreign key': isForeignKeyViolation, check: isCheckViolation };

/** Asserts that `work` fails with exactly that kind of constraint violation, on that constraint. */
async function assertViolation(work: Promise<unknown>, expected: Violation): Promise<void> {
  await assert.rejects(work, (error: unknown) => {
    for (const [kind, matches] of Object.entries(violationTests)) assert.equal(matches(error), kind === expected.kind, `${kind} violation? ${String(error)}`);
    assert.equal(constraintOf(error), expected.constraint);
    return true;
  });
}

for (const { name, url } of await catalogDatabaseUrls()) {
  describe(`data layer on ${name}`, () => {
    let db: Database;
    let serial = 0;
    before(async () => {
      db = await openDatabase({ databaseUrl: url, dataDir: tmpdir() }, log);
    });
    after(() => db?.close());

    const unique = (prefix: string) => `${prefix}-${++serial}`;
    async function newSchool(): Promise<number> {
      const city = await queryOne<{ id: number }>(db, 'insert into cities (province_id, name) values (1, $1) returning id', [unique('City')]);
      const school = await queryOne<{ id: number }>(db, 'insert into schools (city_id, name) values ($1, $2) returning id', [city!.id, unique('School')]);
      return school!.id;
    }
    async function newClassroom(schoolId: number | null = null): Promise<string> {
      const id = unique('room');
      await db.query('insert into classrooms (id, school_id, name, primary_key) values ($1, $2, $3, $4)', [id, schoolId, id, `${id}-primary-key`]);
      return id;
    }
    const insertLesson = (id: string, classroomId: string, startsAt: Date, endsAt: Date | null, adHoc = false) =>
      db.query('insert into lessons (id, classroom_id, title, starts_at, ends_at, ad_hoc) values ($1, $2, $3, $4, $5, $6)', [id, classroomId, 'Algebra', startsAt, endsAt, adHoc]);

    test('opens the database it was asked for', () => {
      assert.equal(db.kind, name);
    });

    test('parameters are stored verbatim, however much they look like SQL', async () => {
      const names = [`Robert'); drop table cities; --`, '$1', `O'Brien \\ "quoted" \n line`, '%_*', 'Tabrīz 🎓', ''];
      for (const cityName of names) {
        const row = await queryOne<{ id: number }>(db, 'insert into cities (province_id, name) values (1, $1) returning id', [cityName]);
        assert.deepEqual(await db.query('select name from cities where id = $1', [row!.id]), [{ name: cityName }]);
      }
      assert.deepEqual(await db.query('select count(*)::int as n from cities where name = any($1)', [names]), [{ n: names.length }]);
      assert.deepEqual(await db.query('select $1::int as n, $2::boolean as b, $3::text as t', [42, true, null]), [{ n: 42, b: true, t: null }]);
    });

    test('timestamptz comes back as the same instant, as a Date', async () => {
      const classroomId = await newClassroom();
      const startsAt = new Date('2031-03-04T05:06:07.891Z');
      const endsAt = new Date('2031-03-04T05:51:07.891Z');
      await insertLesson(`${classroomId}-20310304-050607`, classroomId, startsAt, endsAt);
      const row = await queryOne<{ starts_at: Date; ends_at: Date; utc: string }>(
        db,
        `select starts_at, ends_at, to_char(starts_at at time zone 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"') as utc from lessons where classroom_id = $1`,
        [classroomId],
      );
      assert.ok(row!.starts_at instanceof Date);
      assert.equal(row!.starts_at.toISOString(), startsAt.toISOString());
      assert.equal(row!.ends_at.toISOString(), endsAt.toISOString());
      // The database itself holds that instant, not merely something that converts back to it.
      assert.equal(row!.utc, startsAt.toISOString());
    });

    test('a transaction commits what it did and returns its result', async () => {
      const cityName = unique('Committed');
      const schoolId = await db.transaction(async (tx) => {
        const city = await tx.query<{ id: number }>('insert into cities (province_id, name) values (1, $1) returning id', [cityName]);
        const school = await tx.query<{ id: number }>('insert into schools (city_id, name) values ($1, $2) returning id', [city[0]!.id, 'Committed school']);
        return school[0]!.id;
      });
      assert.deepEqual(await db.query('select s.name from schools s join cities c on c.id = s.city_id where s.id = $1 and c.name = $2', [schoolId, cityName]), [{ name: 'Committed school' }]);
    });

    test('a transaction that throws rolls back everything and rethrows', async () => {
      const cityName = unique('RolledBack');
      const failure = new Error('changed my mind');
      await assert.rejects(
        db.transaction(async (tx) => {
          await tx.query('insert into cities (province_id, name) values (1, $1)', [cityName]);
          throw failure;
        }),
        (error) => error === failure,
      );
      // A statement failing inside the transaction undoes the statements before it too.
      await assertViolation(
        db.transaction(async (tx) => {
          await tx.query('insert into cities (province_id, name) values (1, $1)', [cityName]);
          await tx.query('insert into cities (province_id, name) values (1, $1)', [cityName]);
        }),
        { kind: 'unique', constraint: 'cities_name_unique' },
      );
      assert.deepEqual(await db.query('select count(*)::int as n from cities where name = $1', [cityName]), [{ n: 0 }]);
      // And the connection is usable afterwards, not stuck in an aborted transaction.
      assert.equal(await db.transaction(async (tx) => (await tx.query<{ one: number }>('select 1 as one'))[0]!.one), 1);
    });

    test('unique violations carry the constraint name', async () => {
      const classroomId = await newClassroom();
      await assertViolation(db.query('insert into classrooms (id, name, primary_key) values ($1, $2, $3)', [classroomId, 'again', 'another-key-1']), { kind: 'unique', constraint: 'classrooms_pkey' });
      await assertViolation(db.query('insert into classrooms (id, name, primary_key) values ($1, $2, $3)', [unique('room'), 'same key', `${classroomId}-primary-key`]), {
        kind: 'unique',
        constraint: 'classrooms_primary_key_key',
      });
      const username = unique('Alice');
      const insertAccount = (login: string) => db.query(`insert into accounts (username, display_name, password_hash, role) values ($1, 'Alice', 'x', 'operator')`, [login]);
      await insertAccount(username);
      await assertViolation(insertAccount(username.toLowerCase()), { kind: 'unique', constraint: 'accounts_username_unique' });
    });

    test('foreign key violations carry the constraint name', async () => {
      await assertViolation(db.query(`insert into schools (city_id, name) values (999999, 'Nowhere school')`), { kind: 'foreign key', constraint: 'schools_city_id_fkey' });
      const schoolId = await newSchool();
      await assertViolation(db.query('delete from cities where id = (select city_id from schools where id = $1)', [schoolId]), { kind: 'foreign key', constraint: 'schools_city_id_fkey' });
      await assertViolation(insertLesson(unique('orphan'), 'no-such-room', new Date(), null, true), { kind: 'foreign key', constraint: 'lessons_classroom_id_fkey' });
    });

    test('classroom ids and stream keys must have the shape URLs and encoders need', async () => {
      const insertClassroom = (id: string, primaryKey: string, backupKey: string | null = null) =>
        db.query('insert into classrooms (id, name, primary_key, backup_key) values ($1, $2, $3, $4)', [id, unique('Room'), primaryKey, backupKey]);
      for (const badId of ['Room-1', 'room_1', '-room', 'room/1', 'r'.repeat(64), '']) {
        await assertViolation(insertClassroom(badId, unique('good-key')), { kind: 'check', constraint: 'classrooms_id_check' });
      }
      for (const badKey of ['short', 'has a space-key', 'semi;colon-key', 'k'.repeat(129)]) {
        await assertViolation(insertClassroom(unique('room'), badKey), { kind: 'check', constraint: 'classrooms_primary_key_check' });
      }
      await assertViolation(insertClassroom(unique('room'), unique('good-key'), 'bad key'), { kind: 'check', constraint: 'classrooms_backup_key_check' });
      const sameKey = unique('same-key');
      await assertViolation(insertClassroom(unique('room'), sameKey, sameKey), { kind: 'check', constraint: 'classrooms_keys_differ' });
      await insertClassroom(`r${'0'.repeat(62)}`, `Key_${'x'.repeat(124)}`, unique('backup-key'));
    });

    test('a scheduled lesson ends after it starts; an ad-hoc lesson may have no end', async () => {
      const classroomId = await newClassroom();
      const start = new Date('2031-05-01T08:00:00Z');
      await assertViolation(insertLesson(unique('same-instant'), classroomId, start, start), { kind: 'check', constraint: 'lessons_end_after_start' });
      await assertViolation(insertLesson(unique('backwards'), classroomId, start, new Date(start.getTime() - 60_000)), { kind: 'check', constraint: 'lessons_end_after_start' });
      await assertViolation(insertLesson(unique('no-end'), classroomId, start, null), { kind: 'check', constraint: 'lessons_scheduled_have_end' });
      await insertLesson(unique('ad-hoc'), classroomId, start, null, true);
      await insertLesson(unique('scheduled'), classroomId, start, new Date(start.getTime() + 45 * 60_000));
    });

    test('school admins and teachers belong to a school; operators and students need not', async () => {
      const schoolId = await newSchool();
      const insertAccount = (role: string, school: number | null) =>
        db.query(`insert into accounts (username, display_name, password_hash, role, school_id) values ($1, 'Someone', 'x', $2, $3)`, [unique('user'), role, school]);
      for (const role of ['school_admin', 'teacher']) {
        await assertViolation(insertAccount(role, null), { kind: 'check', constraint: 'accounts_school_for_role' });
        await insertAccount(role, schoolId);
      }
      await insertAccount('operator', null);
      await insertAccount('student', null);
      await assertViolation(insertAccount('janitor', schoolId), { kind: 'check', constraint: 'accounts_role_check' });
    });

    test('classroom and lesson changes bump their catalog_versions counters, once per statement', async () => {
      const version = async (table: string) => (await queryOne<{ v: number }>(db, 'select version::int as v from catalog_versions where name = $1', [table]))!.v;
      const start = { classrooms: await version('classrooms'), lessons: await version('lessons') };

      const classroomId = await newClassroom();
      assert.equal(await version('classrooms'), start.classrooms + 1);
      await db.query('update classrooms set name = $2 where id = $1', [classroomId, unique('Renamed')]);
      assert.equal(await version('classrooms'), start.classrooms + 2);
      const [a, b] = [unique('room'), unique('room')];
      await db.query('insert into classrooms (id, name, primary_key) values ($1, $1, $2), ($3, $3, $4)', [a, `${a}-primary-key`, b, `${b}-primary-key`]);
      assert.equal(await version('classrooms'), start.classrooms + 3);
      await db.query('delete from classrooms where id in ($1, $2)', [a, b]);
      assert.equal(await version('classrooms'), start.classrooms + 4);
      assert.equal(await version('lessons'), start.lessons, 'a classroom change left the lessons counter alone');

      await insertLesson(unique('counted'), classroomId, new Date(), null, true);
      assert.equal(await version('lessons'), start.lessons + 1);
      assert.equal(await version('classrooms'), start.classrooms + 4);
    });

    test('queryOne gives the first row, or undefined when there is none', async () => {
      assert.deepEqual(await queryOne(db, 'select n from generate_series(1, 3) as n order by n desc'), { n: 3 });
      assert.equal(await queryOne(db, 'select id from cities where name = $1', ['no such city']), undefined);
    });

    test('exec runs a script of several statements', async () => {
      const table = `exec_check_${name}`;
      await db.exec(`create table ${table} (x integer); insert into ${table} values (1), (2); insert into ${table} values (3)`);
      assert.deepEqual(await db.query(`select sum(x)::int as total from ${table}`), [{ total: 6 }]);
    });
  });
}

describe('openDatabase refuses what it cannot use, without leaking the password', () => {
  test('an unreachable PostgreSQL fails with the redacted URL', async () => {
    const port = await freePort();
    await assert.rejects(openDatabase({ databaseUrl: `postgres://classcast:s3cret@127.0.0.1:${port}/catalog`, dataDir: tmpdir() }, log), (error: Error) => {
      assert.match(error.message, /cannot connect to PostgreSQL/);
      assert.ok(error.message.includes(`postgres://classcast:***@127.0.0.1:${port}/catalog`), error.message);
      assert.ok(!error.message.includes('s3cret'), error.message);
      return true;
    });
  });

  test('a URL of another scheme is refused', async () => {
    for (const databaseUrl of ['mysql://root:s3cret@db.example/catalog', 'file:///var/lib/catalog', 'catalog.db']) {
      await assert.rejects(openDatabase({ databaseUrl, dataDir: tmpdir() }, log), (error: Error) => {
        assert.match(error.message, /databaseUrl must be postgres:\/\/\.\.\., postgresql:\/\/\.\.\. or memory:\/\//);
        assert.ok(!error.message.includes('s3cret'), error.message);
        return true;
      });
    }
  });

  test('the start-up log names the PostgreSQL database without its password', async () => {
    // Trust authentication ignores the password, so the throwaway cluster accepts it as given.
    const url = (await freshPostgresUrl()).replace('//classcast@', '//classcast:s3cret@');
    logLines.length = 0;
    const db = await openDatabase({ databaseUrl: url, dataDir: tmpdir() }, log);
    await db.close();
    const ready = logLines.map((line) => JSON.parse(line) as { event: string; database?: string }).find((entry) => entry.event === 'catalog database ready');
    assert.equal(ready?.database, url.replace(':s3cret@', ':***@'));
    assert.ok(!logLines.join('\n').includes('s3cret'));
  });
});
