// "End lesson now" on an ad-hoc lesson whose encoder dropped and which waits in its reconnect grace
// period: the ingest node ends it as soon as it sees the request, not when the grace runs out (its
// playlists end, its recording becomes a replay), and a push from the classroom after that is
// refused instead of continuing it or opening another ad-hoc lesson. The school page's button and
// a live lesson with its encoder connected are in catalog-journey.test.ts. Real RTMP and ffmpeg; the
// catalog is the ingest's own in-memory one.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { requestLessonEnd } from '../../services/catalog/ingest/lesson-end-requests.ts';
import { setLogLevel, setLogSink } from '../../services/core/log.ts';
import { parsePlaylist } from '../../services/core/parse-playlist.ts';
import type { DemoEncoder } from '../../services/demo/demo-encoder.ts';
import { pushTestPattern } from '../helpers/media.ts';
import { startTestIngest, type TestIngest } from '../helpers/test-ingest.ts';
import { waitFor } from '../helpers/wait-for.ts';

const key = 'room-951-end-in-grace-key';
const classroomId = 'room-951';

describe('"End lesson now" while the lesson waits for its encoder to reconnect', { timeout: 120_000 }, () => {
  let ingest: TestIngest;
  let encoder: DemoEncoder | undefined;
  const events: Array<{ event: string; lesson?: string; state?: string; reason?: string }> = [];
  let restoreSink: () => void;

  before(async () => {
    restoreSink = setLogSink((line) => void events.push(JSON.parse(line) as (typeof events)[number]));
    // A grace period far longer than the test: only the end request can end the lesson here.
    ingest = await startTestIngest({ classrooms: [{ id: classroomId, key }], ingest: { reconnectGraceSeconds: 600 }, catalog: { keyRefreshSeconds: 0.5 }, transcode: { maxRenditions: 1 } });
    // After startTestIngest, which sets warnings only: the ending is an info event (kept by the sink, not printed).
    setLogLevel('info');
  });
  after(async () => {
    await encoder?.stop();
    await ingest?.stop();
    restoreSink?.();
  });

  it('ends the lesson at once, makes its replay, and refuses the next push', async () => {
    encoder = pushTestPattern(ingest.rtmpUrl(key), { width: 640, height: 360, fps: 25 });
    const lessonId = await waitFor('the live lesson', () => ingest.ingest.lessons.list().find((lesson) => lesson.state === 'live')?.id, 30_000);
    const timeShift = () => {
      const path = join(ingest.dataDir, 'live', lessonId, '360p', 'timeshift.m3u8');
      return existsSync(path) ? parsePlaylist(readFileSync(path, 'utf8')) : undefined;
    };
    await waitFor('two segments', () => (timeShift()?.segments.length ?? 0) >= 2, 40_000);
    encoder.kill();
    await encoder.exited;
    encoder = undefined;
    await waitFor('the lesson waiting for its encoder', () => ingest.ingest.lessons.get(lessonId)?.state === 'reconnecting');

    assert.deepEqual(await requestLessonEnd(ingest.db, lessonId), { outcome: 'requested', carried: true });
    await waitFor('the lesson ended', () => ingest.ingest.lessons.get(lessonId)?.state === 'ended', 30_000);
    assert.ok(events.some((entry) => entry.event === 'lesson ended now, as asked in the catalog' && entry.lesson === lessonId && entry.state === 'reconnecting'));
    assert.equal(timeShift()?.endList, true);
    await waitFor('its replay', async () => {
      const rows = await ingest.db.query<{ state: string }>('select state from recordings where lesson_id = $1', [lessonId]);
      return rows.length > 0 && rows.every((row) => row.state === 'ready');
    }, 30_000);
    const row = (await ingest.db.query<{ state: string; end_requested_at: Date | null }>('select state, end_requested_at from lessons where id = $1', [lessonId]))[0];
    assert.equal(row?.state, 'ended');
    assert.ok(row?.end_requested_at);

    encoder = pushTestPattern(ingest.rtmpUrl(key), { width: 640, height: 360, fps: 25 });
    const code = await Promise.race([encoder.exited, new Promise<'running'>((resolve) => setTimeout(() => resolve('running'), 20_000).unref())]);
    assert.notEqual(code, 'running', 'the push is refused');
    encoder = undefined;
    const refusal = events.find((entry) => entry.event === 'publish refused' && /End lesson now/.test(entry.reason ?? ''));
    assert.ok(refusal, 'refused, saying why');
    assert.match(refusal.reason!, new RegExp(`lesson ${lessonId} .*takes pushes again from \\d{4}-`));
    const metrics = await (await fetch(`${ingest.baseUrl}/metrics`)).text();
    assert.equal(Number(/^classcast_rtmp_refusals_total\{[^}]*reason="lesson-ended"[^}]*\} (\d+)$/m.exec(metrics)?.[1]), 1, 'counted by reason');
    const lessons = await ingest.db.query<{ id: string }>('select id from lessons where classroom_id = $1', [classroomId]);
    assert.deepEqual(lessons.map((lesson) => lesson.id), [lessonId], 'no other lesson opened');
    assert.equal(timeShift()?.endList, true, 'the ended lesson stays ended');
  });
});
