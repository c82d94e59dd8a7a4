// A protected scheduled lesson whose encoder stayed away past the grace period (the lesson ended and
// its replay was made) and pushes again inside the lesson's window continues as the same lesson:
// no public "(unscheduled)" lesson opens, its files still need a playback token, nothing of it is
// on the anonymous timetable, and its new segments are numbered and named after everything it
// published before (no name or sequence number of the ended lesson is used again). Real RTMP and
// ffmpeg; the catalog is the ingest's own in-memory one.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { listTimetable } from '../../services/catalog/queries/timetable.ts';
import { parsePlaylist } from '../../services/core/parse-playlist.ts';
import type { DemoEncoder } from '../../services/demo/demo-encoder.ts';
import { pushTestPattern } from '../helpers/media.ts';
import { startTestIngest, type TestIngest } from '../helpers/test-ingest.ts';
import { waitFor } from '../helpers/wait-for.ts';

const key = 'room-901-protected-key';
const classroomId = 'room-901';
const lessonId = 'room-901-secret';

describe('a protected lesson that ended after the grace period, pushed again inside its window', { timeout: 150_000 }, () => {
  let ingest: TestIngest;
  let encoder: DemoEncoder | undefined;

  const lessonRow = async () => (await ingest.db.query<{ state: string; visibility: string }>('select state, visibility from lessons where id = $1', [lessonId]))[0];
  const recordingStates = async () => (await ingest.db.query<{ state: string }>('select state from recordings where lesson_id = $1 order by started_at', [lessonId])).map((row) => row.state);
  /** The lesson's whole-lesson playlist of its one rendition, read from disk. */
  const timeShift = () => {
    const path = join(ingest.dataDir, 'live', lessonId, '360p', 'timeshift.m3u8');
    return existsSync(path) ? parsePlaylist(readFileSync(path, 'utf8')) : undefined;
  };
  const runOf = (uri: string) => Number(/^r(\d+)-/.exec(uri)![1]);

  before(async () => {
    ingest = await startTestIngest({ classrooms: [{ id: classroomId, key }], ingest: { reconnectGraceSeconds: 1, latencyMode: 'low' }, transcode: { maxRenditions: 1 } });
    const now = Date.now();
    await ingest.db.query(
      "insert into lessons (id, classroom_id, title, starts_at, ends_at, latency_mode, visibility) values ($1, $2, 'Protected maths', $3, $4, 'low', 'protected')",
      [lessonId, classroomId, new Date(now - 60_000), new Date(now + 30 * 60_000)],
    );
  });
  after(async () => {
    await encoder?.stop();
    await ingest?.stop();
  });

  it('continues as the same protected lesson, numbered after what it published, not as a public ad-hoc one', async () => {
    encoder = pushTestPattern(ingest.rtmpUrl(key), { width: 640, height: 360, fps: 25 });
    const before = await waitFor('three segments of the lesson', async () => {
      const playlist = timeShift();
      return playlist && playlist.segments.length >= 3 ? playlist : undefined;
    }, 40_000);
    assert.equal((await fetch(`${ingest.baseUrl}/live/${lessonId}/master.m3u8`)).status, 403, 'protected: no token, no playlist');
    encoder.kill();
    await encoder.exited;
    encoder = undefined;
    await waitFor('the lesson to end and its replay to be made', async () => (await lessonRow())?.state === 'ended' && (await recordingStates()).every((state) => state !== 'recording'), 30_000);
    const ended = timeShift()!;
    assert.equal(ended.endList, true);

    encoder = pushTestPattern(ingest.rtmpUrl(key), { width: 640, height: 360, fps: 25 });
    const after = await waitFor('two segments of the continued lesson', async () => {
      const playlist = timeShift();
      return playlist && !playlist.endList && playlist.segments.length >= 2 ? playlist : undefined;
    }, 40_000);

    assert.deepEqual(await lessonRow(), { state: 'live', visibility: 'protected' });
    const adHoc = await ingest.db.query('select id, visibility from lessons where classroom_id = $1 and ad_hoc', [classroomId]);
    assert.deepEqual(adHoc, [], 'no ad-hoc lesson was opened');
    assert.equal(ingest.ingest.lessons.get(lessonId)?.protected, true);
    assert.equal((await fetch(`${ingest.baseUrl}/live/${lessonId}/master.m3u8`)).status, 403, 'still protected');
    assert.equal((await fetch(`${ingest.baseUrl}/live/${lessonId}/360p/index.m3u8`)).status, 403, 'still protected');
    const anonymous = await listTimetable(ingest.db, { kind: 'public' }, { state: 'live' }, { limit: 100, offset: 0 });
    assert.deepEqual(anonymous.items.map((lesson) => lesson.id), [], 'nothing live on the anonymous timetable');

    const lastBefore = ended.segments.length - 1 + (ended.mediaSequence ?? 0);
    assert.ok((after.mediaSequence ?? 0) > lastBefore, `the media sequence goes on from ${lastBefore}, got ${after.mediaSequence}`);
    const runsBefore = Math.max(...ended.segments.map((segment) => runOf(segment.uri)));
    assert.ok(after.segments.every((segment) => runOf(segment.uri) > runsBefore), 'no segment name of the ended lesson is used again');
    assert.equal(after.segments[0]!.discontinuity, true);
    assert.deepEqual(await recordingStates(), ['ready', 'recording'], 'the first replay stays; the continuation records anew');
  });
});
