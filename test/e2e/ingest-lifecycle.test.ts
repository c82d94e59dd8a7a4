// The catalog side of ingest, on PGlite and on a real PostgreSQL: which lesson a publish takes
// (a scheduled lesson's window with its early margin, even once it ended; else an ad-hoc lesson
// with its classroom's or school's default visibility), the live/ended/abandon transitions with
// their lesson_sessions rows, "End lesson now" (never continued, its classroom refused for a while),
// and classrooms created from the configuration.
import assert from 'node:assert/strict';
import { tmpdir } from 'node:os';
import { after, before, describe, test } from 'node:test';
import type { Database } from '../../services/catalog/db/database.ts';
import { openDatabase } from '../../services/catalog/db/open-database.ts';
import { ensureClassrooms } from '../../services/catalog/ingest/ensure-classrooms.ts';
import { joinIngestNodes } from '../../services/catalog/ingest/ingest-nodes.ts';
import { endRequestedAmong, requestLessonEnd } from '../../services/catalog/ingest/lesson-end-requests.ts';
import {
  abandonLesson,
  endedByHandHoldSeconds,
  endLessonHere,
  lessonForPublish,
  markEnded,
  markLive,
  markTakenOver,
  orphanedLessons,
  PublishRefusal,
  takeOverLesson,
} from '../../services/catalog/ingest/lesson-lifecycle.ts';
import { openDefaultRecording } from '../../services/catalog/ingest/recording-lifecycle.ts';
import { listTimetable } from '../../services/catalog/queries/timetable.ts';
import { createLogger, setLogSink } from '../../services/core/log.ts';
import { catalogDatabaseUrls, stopTestPostgres } from '../helpers/databases.ts';

const logLines: string[] = [];
setLogSink((line) => logLines.push(line));
const log = createLogger({ role: 'test' });
after(() => stopTestPostgres());

const minutes = (count: number) => count * 60_000;
const adHoc = { latencyMode: 'high' as const };

for (const { name, url } of await catalogDatabaseUrls()) {
  describe(`ingest's catalog side on ${name}`, () => {
    let db: Database;
    let serial = 0;
    before(async () => {
      db = await openDatabase({ databaseUrl: url, dataDir: tmpdir() }, log);
    });
    after(() => db?.close());

    const classroom = async () => {
      const id = `room-${++serial}`;
      await db.query("insert into classrooms (id, name, primary_key) values ($1, $2, $3)", [id, `Room ${serial}`, `key-${id}-primary`]);
      return id;
    };
    const schedule = async (classroomId: string, id: string, startsAt: Date, endsAt: Date, latencyMode = 'low') => {
      await db.query('insert into lessons (id, classroom_id, title, starts_at, ends_at, latency_mode) values ($1, $2, $3, $4, $5, $6)', [id, classroomId, `Lesson ${id}`, startsAt, endsAt, latencyMode]);
    };
    const lessonRow = async (id: string) =>
      (await db.query<{ state: string; ad_hoc: boolean; went_live_at: Date | null; ended_at: Date | null; title: string; latency_mode: string }>('select * from lessons where id = $1', [id]))[0];

    test('a publish inside the early margin takes the scheduled lesson; outside it, an ad-hoc lesson', async () => {
      const room = await classroom();
      const now = new Date();
      const startsAt = new Date(now.getTime() + minutes(10));
      await schedule(room, `${room}-maths`, startsAt, new Date(startsAt.getTime() + minutes(45)));

      const tooEarly = await lessonForPublish(db, room, now, 5, adHoc);
      assert.equal(tooEarly.adHoc, true, 'ten minutes before the start is outside a 5-minute margin');
      assert.notEqual(tooEarly.id, `${room}-maths`);
      assert.equal((await lessonRow(`${room}-maths`))?.state, 'scheduled');

      const taken = await lessonForPublish(db, room, now, 15, adHoc);
      assert.deepEqual(taken, { id: `${room}-maths`, latencyMode: 'low', title: `Lesson ${room}-maths`, adHoc: false, visibility: 'public' });
      assert.equal((await lessonRow(taken.id))?.state, 'live', 'taking the lesson sets it live, so no other node takes it');
      const second = await lessonForPublish(db, room, now, 15, adHoc);
      assert.equal(second.adHoc, true, 'a lesson already taken is not taken twice');
    });

    test('the window is [start - early margin, end): its opening instant counts, its end does not', async () => {
      const room = await classroom();
      const startsAt = new Date(Date.now() + minutes(60));
      const endsAt = new Date(startsAt.getTime() + minutes(30));
      await schedule(room, `${room}-late`, startsAt, endsAt);
      assert.equal((await lessonForPublish(db, room, endsAt, 15, adHoc)).adHoc, true, 'at the end instant the lesson is over');
      assert.equal((await lessonForPublish(db, room, new Date(startsAt.getTime() - minutes(15) - 1000), 15, adHoc)).adHoc, true, 'a second before the margin opens');
      assert.equal((await lessonForPublish(db, room, new Date(startsAt.getTime() - minutes(15)), 15, adHoc)).id, `${room}-late`);
    });

    test('a publish midway through a lesson takes it; a past, an ended, or another classroom\'s lesson is never taken', async () => {
      const room = await classroom();
      const other = await classroom();
      const now = new Date();
      await schedule(room, `${room}-past`, new Date(now.getTime() - minutes(120)), new Date(now.getTime() - minutes(60)));
      await schedule(other, `${other}-now`, new Date(now.getTime() - minutes(10)), new Date(now.getTime() + minutes(10)));
      await schedule(room, `${room}-done`, new Date(now.getTime() - minutes(20)), new Date(now.getTime() + minutes(20)));
      await db.query("update lessons set state = 'ended' where id = $1", [`${room}-done`]);
      assert.equal((await lessonForPublish(db, room, now, 15, adHoc)).adHoc, true);
      await schedule(room, `${room}-now`, new Date(now.getTime() - minutes(30)), new Date(now.getTime() + minutes(30)));
      assert.equal((await lessonForPublish(db, room, now, 0, adHoc)).id, `${room}-now`);
    });

    test('two publishes racing for one scheduled lesson: exactly one takes it', async () => {
      const room = await classroom();
      const now = new Date();
      await schedule(room, `${room}-race`, new Date(now.getTime() - minutes(1)), new Date(now.getTime() + minutes(30)));
      const results = await Promise.all([lessonForPublish(db, room, now, 15, adHoc), lessonForPublish(db, room, now, 15, adHoc)]);
      assert.deepEqual(results.map((result) => result.adHoc).sort(), [false, true]);
      assert.notEqual(results[0]!.id, results[1]!.id);
    });

    test('ad-hoc lessons: the classroom\'s name, the configured latency, ids that never collide', async () => {
      const room = await classroom();
      const now = new Date(Date.UTC(2026, 10, 21, 9, 5, 7));
      const first = await lessonForPublish(db, room, now, 15, adHoc);
      const second = await lessonForPublish(db, room, now, 15, { latencyMode: 'normal', taken: (id) => id === `${room}-20261121-090507-2` });
      assert.equal(first.id, `${room}-20261121-090507`);
      assert.equal(second.id, `${room}-20261121-090507-3`, 'skips ids in the catalog and ids taken on disk');
      const row = await lessonRow(first.id);
      assert.equal(row?.title, `Room ${serial} (unscheduled)`);
      assert.equal(row?.latency_mode, 'high');
      assert.equal(row?.ad_hoc, true);
      assert.equal(second.latencyMode, 'normal');
    });

    test('live, then ended: went_live_at is set once, one session row per node run, closed at the end', async () => {
      const room = await classroom();
      const now = new Date();
      await schedule(room, `${room}-life`, new Date(now.getTime() - minutes(1)), new Date(now.getTime() + minutes(30)));
      const lesson = await lessonForPublish(db, room, now, 15, adHoc);
      await markLive(db, lesson.id, 'node-a');
      const wentLive = (await lessonRow(lesson.id))!.went_live_at!;
      assert.ok(wentLive instanceof Date);
      await new Promise((resolve) => setTimeout(resolve, 20));
      await markLive(db, lesson.id, 'node-b');
      assert.equal((await lessonRow(lesson.id))!.went_live_at!.getTime(), wentLive.getTime(), 'went_live_at keeps the first time');
      let sessions = await db.query<{ ingest_node: string; ended_at: Date | null }>('select ingest_node, ended_at from lesson_sessions where lesson_id = $1 order by id', [lesson.id]);
      assert.deepEqual(sessions.map((session) => [session.ingest_node, session.ended_at]), [['node-a', null], ['node-b', null]]);
      await markEnded(db, lesson.id);
      const ended = await lessonRow(lesson.id);
      assert.equal(ended?.state, 'ended');
      assert.ok(ended?.ended_at instanceof Date);
      sessions = await db.query('select ingest_node, ended_at from lesson_sessions where lesson_id = $1', [lesson.id]);
      assert.ok(sessions.every((session) => session.ended_at instanceof Date));
    });

    test('a publish that produced nothing gives a scheduled lesson back and leaves no ad-hoc lesson', async () => {
      const room = await classroom();
      const now = new Date();
      await schedule(room, `${room}-back`, new Date(now.getTime() + minutes(5)), new Date(now.getTime() + minutes(30)));
      const scheduled = await lessonForPublish(db, room, now, 15, adHoc);
      await abandonLesson(db, scheduled.id);
      assert.equal((await lessonRow(scheduled.id))?.state, 'scheduled');
      await db.query("update lessons set state = 'ended' where id = $1", [scheduled.id]);
      const unscheduled = await lessonForPublish(db, room, now, 15, adHoc);
      assert.equal(unscheduled.adHoc, true);
      await abandonLesson(db, unscheduled.id);
      assert.equal(await lessonRow(unscheduled.id), undefined);
      const aired = await lessonForPublish(db, room, now, 15, adHoc);
      await markLive(db, aired.id, 'node-a');
      await abandonLesson(db, aired.id);
      assert.equal((await lessonRow(aired.id))?.state, 'live', 'a lesson that went live is not abandoned');
      const orphans = await orphanedLessons(db, 'node-a');
      assert.ok(orphans.some((orphan) => orphan.id === aired.id && orphan.classroomId === room), 'a restarted node finds the lessons it was carrying');
      assert.ok(!(await orphanedLessons(db, 'node-b')).some((orphan) => orphan.id === aired.id), 'and only its own');
      await markEnded(db, aired.id);
      assert.ok(!(await orphanedLessons(db, 'node-a')).some((orphan) => orphan.id === aired.id), 'an ended lesson is nobody\'s orphan');
    });

    test('a protected lesson that ended (encoder away past the grace period, or its node stopped) continues as itself when its classroom pushes again inside its window', async () => {
      const room = await classroom();
      const now = new Date();
      const id = `${room}-secret`;
      await schedule(room, id, new Date(now.getTime() - minutes(5)), new Date(now.getTime() + minutes(40)));
      await db.query("update lessons set visibility = 'protected' where id = $1", [id]);
      // The next lesson's early window is open too: the one whose time it is goes on.
      await schedule(room, `${room}-next`, new Date(now.getTime() + minutes(10)), new Date(now.getTime() + minutes(60)));
      const first = await lessonForPublish(db, room, now, 15, adHoc);
      assert.deepEqual([first.id, first.visibility], [id, 'protected']);
      await markLive(db, id, 'node-a');
      const firstRecording = await openDefaultRecording(db, id);
      assert.equal(await endLessonHere(db, id, 'node-a'), true);
      const endedAt = (await lessonRow(id))!.ended_at!;

      const later = new Date(now.getTime() + minutes(2));
      await assert.rejects(lessonForPublish(db, room, later, 15, adHoc), /replay is still being written/, 'not while its replay is written from its folder');
      assert.equal((await lessonRow(id))?.state, 'ended');
      await db.query("update recordings set state = 'ready' where id = $1", [firstRecording]);

      const again = await lessonForPublish(db, room, later, 15, adHoc);
      assert.equal(again.id, id, 'the same lesson, not an ad-hoc one');
      assert.deepEqual([again.adHoc, again.visibility, again.latencyMode], [false, 'protected', 'low']);
      assert.ok('takeover' in again && again.continued, 'it goes live again numbered after what it published');
      assert.ok(again.takeover.runsBefore > 0 && again.takeover.firstSequence > again.takeover.runsBefore, JSON.stringify(again.takeover));
      const row = await lessonRow(id);
      assert.deepEqual([row?.state, row?.ended_at], ['live', null]);
      assert.equal((await db.query("select 1 from lessons where classroom_id = $1 and ad_hoc", [room])).length, 0, 'no ad-hoc lesson was opened');
      const anonymous = await listTimetable(db, { kind: 'public' }, { classroomId: room, state: 'live' }, { limit: 100, offset: 0 });
      assert.deepEqual(anonymous.items, [], 'nothing live of the classroom is on the anonymous timetable');

      // The ingest then carries it as a lesson continued with takeover numbering: a new session and a new recording.
      await markTakenOver(db, id, 'node-a');
      const secondRecording = await openDefaultRecording(db, id);
      assert.ok(secondRecording && secondRecording !== firstRecording);
      const sessions = await db.query<{ ended_at: Date | null }>('select ended_at from lesson_sessions where lesson_id = $1 order by id', [id]);
      assert.deepEqual(sessions.map((session) => session.ended_at === null), [false, true]);
      assert.equal((await db.query<{ state: string }>('select state from recordings where id = $1', [firstRecording]))[0]?.state, 'ready', 'the first replay stays');
      assert.equal(await endLessonHere(db, id, 'node-a'), true);
      const ended = await lessonRow(id);
      assert.equal(ended?.state, 'ended');
      assert.ok(ended!.ended_at!.getTime() >= endedAt.getTime());
    });

    test('a continued lesson whose publish produced nothing is ended again, as it was', async () => {
      const room = await classroom();
      const now = new Date();
      const id = `${room}-again`;
      await schedule(room, id, new Date(now.getTime() - minutes(5)), new Date(now.getTime() + minutes(40)));
      await lessonForPublish(db, room, now, 15, adHoc);
      await markLive(db, id, 'node-a');
      await endLessonHere(db, id, 'node-a');
      const endedAt = (await lessonRow(id))!.ended_at!;
      const again = await lessonForPublish(db, room, new Date(now.getTime() + minutes(1)), 15, adHoc);
      assert.equal(again.id, id);
      await abandonLesson(db, id);
      const row = await lessonRow(id);
      assert.deepEqual([row?.state, row?.ended_at?.getTime()], ['ended', endedAt.getTime()]);
      assert.ok(!(await orphanedLessons(db, 'node-a')).some((orphan) => orphan.id === id));
      const afterWindow = await lessonForPublish(db, room, new Date(now.getTime() + minutes(41)), 15, adHoc);
      assert.equal(afterWindow.adHoc, true, 'after its window a publish opens an ad-hoc lesson');
    });

    test('"End lesson now": the carrying node is asked, the lesson is never continued, and its classroom is refused until its scheduled end', async () => {
      const room = await classroom();
      const now = new Date();
      const id = `${room}-ended-by-hand`;
      await schedule(room, id, new Date(now.getTime() - minutes(5)), new Date(now.getTime() + minutes(40)));
      await schedule(room, `${room}-next`, new Date(now.getTime() + minutes(50)), new Date(now.getTime() + minutes(90)));
      assert.deepEqual(await requestLessonEnd(db, id), { outcome: 'not-live', state: 'scheduled' }, 'a lesson not started is not ended');
      await lessonForPublish(db, room, now, 15, adHoc);
      await markLive(db, id, 'node-a');
      assert.deepEqual(await endRequestedAmong(db, [id, `${room}-next`]), []);
      assert.deepEqual(await requestLessonEnd(db, id), { outcome: 'requested', carried: true });
      assert.equal((await lessonRow(id))?.state, 'live', 'its node ends it');
      assert.deepEqual(await endRequestedAmong(db, [id, `${room}-next`]), [id]);
      await endLessonHere(db, id, 'node-a');
      assert.deepEqual(await requestLessonEnd(db, id), { outcome: 'not-live', state: 'ended' });

      const later = new Date(now.getTime() + minutes(20));
      await assert.rejects(lessonForPublish(db, room, later, 15, adHoc), (error: unknown) => error instanceof PublishRefusal && /End lesson now/.test(error.message) && error.message.includes(id));
      assert.equal((await lessonRow(id))?.state, 'ended', 'not continued');
      assert.equal((await db.query('select 1 from lessons where classroom_id = $1 and ad_hoc', [room])).length, 0, 'no ad-hoc lesson either');
      await assert.rejects(lessonForPublish(db, room, new Date(now.getTime() + minutes(39)), 15, adHoc), PublishRefusal, "the next lesson's early window does not open the classroom again");
      const next = await lessonForPublish(db, room, new Date(now.getTime() + minutes(50)), 15, adHoc);
      assert.equal(next.id, `${room}-next`, 'the next lesson, once its time has come, takes the push');
    });

    test('"End lesson now" on a lesson no node carries ends it at once; an ad-hoc lesson holds its classroom for a few minutes; a node that went down does not continue it', async () => {
      const room = await classroom();
      const now = new Date();
      const taken = await lessonForPublish(db, room, now, 15, adHoc);
      assert.equal(taken.adHoc, true);
      assert.deepEqual(await requestLessonEnd(db, taken.id), { outcome: 'requested', carried: false });
      const row = await lessonRow(taken.id);
      assert.equal(row?.state, 'ended');
      await assert.rejects(lessonForPublish(db, room, new Date(now.getTime() + (endedByHandHoldSeconds - 5) * 1000), 15, adHoc), PublishRefusal);
      const after = await lessonForPublish(db, room, new Date(now.getTime() + (endedByHandHoldSeconds + 5) * 1000), 15, adHoc);
      assert.equal(after.adHoc, true, 'after the hold a push opens an ad-hoc lesson as usual');
      assert.notEqual(after.id, taken.id);

      const other = await classroom();
      const carried = await lessonForPublish(db, other, now, 15, adHoc);
      // Its node went down 10 s ago: recent enough that, not ended by hand, the lesson would be continued.
      await joinIngestNodes(db, { id: `node-gone-${serial}`, rtmpUrl: 'rtmp://gone.example/live', httpUrl: 'http://gone.example' });
      await db.query("update ingest_nodes set seen_at = now() - interval '10 seconds' where id = $1", [`node-gone-${serial}`]);
      await markLive(db, carried.id, `node-gone-${serial}`);
      await requestLessonEnd(db, carried.id);
      const continued = await takeOverLesson(db, other, 'node-b', { downSeconds: 6, graceSeconds: 60 });
      assert.equal(continued, undefined, 'not continued on another node');
      assert.equal((await lessonRow(carried.id))?.state, 'ended');
    });

    test("an ad-hoc lesson takes its classroom's default visibility, else its school's, never a fixed one", async () => {
      const [city] = await db.query<{ id: number }>("insert into cities (province_id, name) select id, $1 from provinces limit 1 returning id", [`City ${++serial}`]);
      const [school] = await db.query<{ id: number }>("insert into schools (city_id, name, default_visibility) values ($1, $2, 'school') returning id", [city!.id, `School ${serial}`]);
      const room = await classroom();
      await db.query('update classrooms set school_id = $2 where id = $1', [room, school!.id]);
      const fromSchool = await lessonForPublish(db, room, new Date(), 15, adHoc);
      assert.deepEqual([fromSchool.adHoc, fromSchool.visibility], [true, 'school']);
      assert.equal((await db.query<{ visibility: string }>('select visibility from lessons where id = $1', [fromSchool.id]))[0]?.visibility, 'school');
      await db.query("update classrooms set default_visibility = 'protected' where id = $1", [room]);
      const fromClassroom = await lessonForPublish(db, room, new Date(Date.now() + 1000), 15, adHoc);
      assert.deepEqual([fromClassroom.adHoc, fromClassroom.visibility], [true, 'protected']);
      const anonymous = await listTimetable(db, { kind: 'public' }, { classroomId: room }, { limit: 100, offset: 0 });
      assert.deepEqual(anonymous.items, [], 'neither is on the anonymous timetable');
    });

    test('configured classrooms are created when missing; an existing classroom keeps the catalog\'s key', async () => {
      const id = `conf-${++serial}`;
      await ensureClassrooms(db, [{ id, key: `${id}-config-key` }], log);
      const created = (await db.query<{ name: string; primary_key: string; school_id: number | null }>('select * from classrooms where id = $1', [id]))[0];
      assert.deepEqual([created?.name, created?.primary_key, created?.school_id], [id, `${id}-config-key`, null]);
      await db.query('update classrooms set primary_key = $2 where id = $1', [id, `${id}-rotated-key`]);
      logLines.length = 0;
      await ensureClassrooms(db, [{ id, key: `${id}-config-key` }], log);
      assert.equal((await db.query<{ primary_key: string }>('select primary_key from classrooms where id = $1', [id]))[0]?.primary_key, `${id}-rotated-key`);
      assert.ok(logLines.some((line) => /differs from the catalog/.test(line) && line.includes(id)), logLines.join('\n'));
      await db.query('update classrooms set backup_key = $2 where id = $1', [id, `${id}-backup-key`]);
      await assert.rejects(ensureClassrooms(db, [{ id: `other-${serial}`, key: `${id}-backup-key` }], log), /already another classroom's key/);
      await assert.rejects(ensureClassrooms(db, [{ id: `other-${serial}`, key: `${id}-rotated-key` }], log), /already another classroom's key/);
    });
  });
}
