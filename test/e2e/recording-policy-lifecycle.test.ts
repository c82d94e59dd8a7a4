// The recording switch where ingest applies it: lessons go live and end through the same catalog
// calls start-ingest.ts makes (markLive + openDefaultRecording, then markEnded + finishRecordings),
// each with real media in its lesson folder (a short ffmpeg run, no RTMP push). A lesson whose
// switch is off (its own, or its school's) ends without a recording; one whose switch is on, or
// that overrides its school's "off", ends with a replay on disk; and a recording started by hand
// in a lesson whose switch is off still becomes a replay.
import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import type { Database } from '../../services/catalog/db/database.ts';
import { openDatabase } from '../../services/catalog/db/open-database.ts';
import { markEnded, markLive } from '../../services/catalog/ingest/lesson-lifecycle.ts';
import { finishRecordings, openDefaultRecording } from '../../services/catalog/ingest/recording-lifecycle.ts';
import { openRecording } from '../../services/catalog/queries/recordings.ts';
import { createLogger, setLogLevel } from '../../services/core/log.ts';
import { writeRecordedLesson } from '../helpers/recorded-lesson.ts';

setLogLevel('warn');
const log = createLogger({ role: 'test' });
const mediaSeconds = 3;

type RecordingRow = { id: string; state: string; manual: boolean; segment_count: number | null; duration_seconds: number | null };

describe('the recording switch as ingest applies it', { timeout: 120_000 }, () => {
  let db: Database;
  let dataDir: string;
  let serial = 0;
  before(async () => {
    dataDir = await mkdtemp(join(tmpdir(), 'classcast-recording-policy-'));
    db = await openDatabase({ databaseUrl: 'memory://', dataDir }, log);
  });
  after(async () => {
    await db?.close();
    await rm(dataDir, { recursive: true, force: true });
  });

  const liveDir = () => join(dataDir, 'live');
  const vodDir = () => join(dataDir, 'vod');

  const school = async (recordLessons: boolean) => {
    serial++;
    const city = await db.query<{ id: number }>('insert into cities (province_id, name) values (1, $1) returning id', [`City ${serial}`]);
    const rows = await db.query<{ id: number }>('insert into schools (city_id, name, record_lessons) values ($1, $2, $3) returning id', [city[0]!.id, `School ${serial}`, recordLessons]);
    return rows[0]!.id;
  };
  /** A lesson scheduled now in a new classroom of the school; `record` null follows the school. */
  const lesson = async (schoolId: number, record: boolean | null) => {
    const id = `policy-${++serial}`;
    await db.query('insert into classrooms (id, school_id, name, primary_key) values ($1, $2, $3, $4)', [id, schoolId, `Room ${serial}`, `key-${id}-primary`]);
    const now = Date.now();
    await db.query('insert into lessons (id, classroom_id, title, starts_at, ends_at, record) values ($1, $1, $2, $3, $4, $5)', [
      id,
      `Lesson ${serial}`,
      new Date(now - 60_000),
      new Date(now + 3_600_000),
      record,
    ]);
    return id;
  };

  /** What start-ingest.ts does when a lesson goes live: returns the default recording's id, if one opened. */
  const goLive = async (lessonId: string) => {
    await markLive(db, lessonId, 'node-a');
    return openDefaultRecording(db, lessonId);
  };
  /** What start-ingest.ts does when a lesson ends. */
  const end = async (lessonId: string) => {
    await markEnded(db, lessonId);
    await finishRecordings(db, { lessonId, lessonDir: join(liveDir(), lessonId), vodDir: vodDir(), log });
  };
  const recordingsOf = (lessonId: string) =>
    db.query<RecordingRow>('select id, state, manual, segment_count, duration_seconds from recordings where lesson_id = $1 order by started_at', [lessonId]);

  test('switched off (by the lesson or its school): live and ended with media, yet no recording; switched on: a replay', async () => {
    const recording = await school(true);
    const notRecording = await school(false);
    const lessons = {
      followsOn: await lesson(recording, null),
      offInOnSchool: await lesson(recording, false),
      followsOff: await lesson(notRecording, null),
      onInOffSchool: await lesson(notRecording, true),
    };
    const opened = Object.fromEntries(await Promise.all(Object.entries(lessons).map(async ([name, id]) => [name, await goLive(id)] as const)));
    assert.equal(opened.offInOnSchool, undefined, "the lesson's own switch wins over its school's");
    assert.equal(opened.followsOff, undefined, "a lesson without its own switch follows its school's");
    assert.ok(opened.followsOn, 'a lesson of a recording school is recorded');
    assert.ok(opened.onInOffSchool, 'a lesson switched on is recorded in a school that is not');

    await Promise.all(Object.values(lessons).map((id) => writeRecordedLesson(join(liveDir(), id), mediaSeconds)));
    await Promise.all(Object.values(lessons).map((id) => end(id)));

    for (const id of [lessons.offInOnSchool, lessons.followsOff]) {
      assert.equal((await db.query<{ state: string }>('select state from lessons where id = $1', [id]))[0]?.state, 'ended');
      assert.deepEqual(await recordingsOf(id), [], `${id} has no recording`);
      assert.ok(existsSync(join(liveDir(), id, 'master.m3u8')), `${id} did publish media`);
    }
    for (const [name, id] of [['followsOn', lessons.followsOn], ['onInOffSchool', lessons.onInOffSchool]] as const) {
      const rows = await recordingsOf(id);
      assert.equal(rows.length, 1, `${name}: one recording`);
      const [row] = rows;
      assert.equal(row!.id, opened[name]);
      assert.equal(row!.state, 'ready', `${name}: the recording is a replay`);
      assert.equal(row!.manual, false);
      assert.ok((row!.segment_count ?? 0) >= 2, `${name}: ${row!.segment_count} segments`);
      assert.ok(existsSync(join(vodDir(), row!.id, 'master.m3u8')), `${name}: the replay is on disk`);
    }
  });

  test('a recording started by hand in a lesson whose switch is off becomes a replay', async () => {
    const id = await lesson(await school(true), false);
    assert.equal(await goLive(id), undefined);
    // What POST /lessons/:id/recording/start does (its permissions are in api-recording-policy.test.ts).
    const manual = await openRecording(db, id, { manual: true });
    await writeRecordedLesson(join(liveDir(), id), mediaSeconds);
    await end(id);
    const rows = await recordingsOf(id);
    assert.deepEqual(rows.map((row) => [row.id, row.state, row.manual]), [[manual, 'ready', true]]);
    assert.ok(existsSync(join(vodDir(), manual, '360p', 'index.m3u8')));
  });
});
