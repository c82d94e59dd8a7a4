// Ingest driven by the catalog, with real ffmpeg encoders pushing RTMP: classrooms and keys come
// from the catalog while ingest runs (a new classroom, a rotated key, a backup key), a publish in a
// scheduled lesson's early window goes live as that lesson and ends after the grace period, a
// publish outside any lesson opens an ad-hoc lesson, and the encoder's status is written for the
// school page.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { setLogSink } from '../../services/core/log.ts';
import { fetchPlaylist, pushTestPattern } from '../helpers/media.ts';
import { startTestIngest, type TestIngest } from '../helpers/test-ingest.ts';
import { waitFor } from '../helpers/wait-for.ts';
import type { DemoEncoder } from '../../services/demo/demo-encoder.ts';

const node = 'ingest-test-node';
const fps = 25;
const graceSeconds = 3;

type EncoderRow = { connected: boolean; key_kind: string | null; lesson_id: string | null; ingest_node: string; bitrate_kbps: number | null; fps: number | null; width: number | null; height: number | null };
type LessonRow = { id: string; state: string; ad_hoc: boolean; title: string; went_live_at: Date | null; ended_at: Date | null };

describe('ingest takes its classrooms, keys and lessons from the catalog', () => {
  let ingest: TestIngest;
  const running = new Set<DemoEncoder>();

  before(async () => {
    ingest = await startTestIngest({
      node: { id: node },
      ingest: { reconnectGraceSeconds: graceSeconds },
      catalog: { keyRefreshSeconds: 0.5, earlyStartMinutes: 15, sessionHours: 12 },
      transcode: { maxRenditions: 1, preset: 'ultrafast', audioBitrateKbps: 64 },
    });
  });
  after(async () => {
    await Promise.all([...running].map((encoder) => encoder.stop()));
    await ingest?.stop();
  });

  const encoderStatus = async (classroomId: string) =>
    (await ingest.db.query<EncoderRow>('select * from encoder_status where classroom_id = $1', [classroomId]))[0];
  const lessonsOf = (classroomId: string) => ingest.db.query<LessonRow>('select * from lessons where classroom_id = $1 order by created_at', [classroomId]);
  const push = (key: string) => {
    const encoder = pushTestPattern(ingest.rtmpUrl(key), { width: 640, height: 360, fps, audio: false });
    running.add(encoder);
    return encoder;
  };
  const stop = async (encoder: DemoEncoder, classroomId: string) => {
    await encoder.stop();
    running.delete(encoder);
    await waitFor(`${classroomId}'s encoder to show as disconnected`, async () => (await encoderStatus(classroomId))?.connected === false);
  };

  /** Pushes with `key`: 'accepted' (the encoder shows as connected to a lesson; it is left running) or 'refused' (ffmpeg was cut off). */
  const tryKey = async (key: string, classroomId: string): Promise<{ outcome: 'accepted' | 'refused'; encoder: DemoEncoder }> => {
    const encoder = push(key);
    let settled = false;
    const refused = encoder.exited.then(() => 'refused' as const);
    const accepted = (async () => {
      const deadline = Date.now() + 20_000;
      while (!settled && Date.now() < deadline) {
        // Connected with a lesson: a publish the catalog failed to place shows connected only briefly, with none.
        const status = await encoderStatus(classroomId);
        if (status?.connected && status.lesson_id) return 'accepted' as const;
        await new Promise((resolve) => setTimeout(resolve, 100));
      }
      return settled ? ('refused' as const) : Promise.reject(new Error(`ffmpeg pushing ${key} was neither refused nor accepted within 20 s`));
    })();
    const outcome = await Promise.race([refused, accepted]);
    settled = true;
    if (outcome === 'refused') {
      await encoder.stop();
      running.delete(encoder);
    }
    return { outcome, encoder };
  };
  /** Tries `key` until it gets `outcome`: key changes reach ingest by polling, within seconds. */
  const untilKey = async (key: string, classroomId: string, outcome: 'accepted' | 'refused') =>
    waitFor(`${key} to be ${outcome}`, async () => {
      const attempt = await tryKey(key, classroomId);
      if (attempt.outcome === outcome) return attempt.encoder;
      if (attempt.outcome === 'accepted') await stop(attempt.encoder, classroomId);
      return undefined;
    }, 30_000, 0);

  it('accepts a classroom created while it runs, opens an ad-hoc lesson, and reports the encoder', async () => {
    assert.equal((await tryKey('rooma-primary-1', 'room-a')).outcome, 'refused', 'a key the catalog does not know is refused');
    await ingest.db.query("insert into classrooms (id, name, primary_key, backup_key) values ('room-a', 'Room A', 'rooma-primary-1', 'rooma-backup-1')");
    const encoder = await untilKey('rooma-primary-1', 'room-a', 'accepted');

    const lesson = await waitFor('the ad-hoc lesson to be live in the catalog', async () => {
      const rows = await lessonsOf('room-a');
      return rows.length === 1 && rows[0]!.state === 'live' && rows[0]!.went_live_at ? rows[0] : undefined;
    });
    assert.equal(lesson.ad_hoc, true);
    assert.equal(lesson.title, 'Room A (unscheduled)');
    assert.match(lesson.id, /^room-a-\d{8}-\d{6}$/);
    assert.equal(ingest.ingest.lessons.get(lesson.id)?.state, 'live', 'the node carries the catalog\'s lesson id');

    // Figures are measured over 5 s, so the first report with them comes a few seconds in.
    const status = await waitFor('bitrate, fps and picture size in encoder_status', async () => {
      const row = await encoderStatus('room-a');
      return row?.connected && row.bitrate_kbps && row.fps && Math.abs(row.fps - fps) <= 3 && row.width ? row : undefined;
    }, 30_000);
    assert.equal(status.key_kind, 'primary');
    assert.equal(status.ingest_node, node);
    assert.equal(status.lesson_id, lesson.id);
    assert.deepEqual([status.width, status.height], [640, 360]);
    assert.ok(status.bitrate_kbps! > 100 && status.bitrate_kbps! < 20_000, `bitrate ${status.bitrate_kbps} kbps`);

    await stop(encoder, 'room-a');
    const after = (await encoderStatus('room-a'))!;
    assert.equal(after.connected, false);
    assert.equal(after.bitrate_kbps, null);
  });

  it('refuses a rotated-out key and accepts the new one within seconds; the backup key works too', async () => {
    await ingest.db.query("update classrooms set primary_key = 'rooma-primary-2', keys_rotated_at = now() where id = 'room-a'");
    await untilKey('rooma-primary-1', 'room-a', 'refused');
    const rotated = await untilKey('rooma-primary-2', 'room-a', 'accepted');
    assert.equal((await encoderStatus('room-a'))?.key_kind, 'primary');
    await stop(rotated, 'room-a');

    const backup = await untilKey('rooma-backup-1', 'room-a', 'accepted');
    assert.equal((await encoderStatus('room-a'))?.key_kind, 'backup');
    await stop(backup, 'room-a');
  });

  it('goes live as the scheduled lesson whose early window is open, and ends it after the grace period', async () => {
    await ingest.db.query("insert into classrooms (id, name, primary_key) values ('room-b', 'Room B', 'roomb-primary-1')");
    const startsAt = new Date(Date.now() + 5 * 60_000);
    await ingest.db.query(
      "insert into lessons (id, classroom_id, title, starts_at, ends_at, latency_mode) values ('room-b-physics', 'room-b', 'Physics', $1, $2, 'low')",
      [startsAt, new Date(startsAt.getTime() + 45 * 60_000)],
    );
    const encoder = await untilKey('roomb-primary-1', 'room-b', 'accepted');
    const live = await waitFor('the scheduled lesson to be live', async () => {
      const rows = await lessonsOf('room-b');
      return rows.length === 1 && rows[0]!.state === 'live' && rows[0]!.went_live_at ? rows[0] : undefined;
    });
    assert.equal(live.id, 'room-b-physics');
    assert.equal(live.ad_hoc, false);
    const sessions = await ingest.db.query<{ ingest_node: string; ended_at: Date | null }>("select ingest_node, ended_at from lesson_sessions where lesson_id = 'room-b-physics'");
    assert.deepEqual(sessions, [{ ingest_node: node, ended_at: null }]);
    // The lesson's latency mode (low) decides the segment length: 1 s.
    const playlist = await waitFor('the lesson\'s media playlist', () => fetchPlaylist(`${ingest.baseUrl}/live/room-b-physics/360p/index.m3u8`).catch(() => undefined));
    assert.equal(playlist.targetDuration, 1);
    assert.equal((await encoderStatus('room-b'))?.lesson_id, 'room-b-physics');

    await stop(encoder, 'room-b');
    const ended = await waitFor('the lesson to end after the grace period', async () => {
      const row = (await lessonsOf('room-b'))[0];
      return row?.state === 'ended' ? row : undefined;
    }, (graceSeconds + 20) * 1000);
    assert.ok(ended.ended_at instanceof Date);
    const closed = await ingest.db.query<{ ended_at: Date | null }>("select ended_at from lesson_sessions where lesson_id = 'room-b-physics'");
    assert.ok(closed.length === 1 && closed[0]!.ended_at instanceof Date, 'the session row is closed');
  });

  it('refuses a publish, and keeps running, when the catalog cannot say which lesson it is', async () => {
    await ingest.db.query("insert into classrooms (id, name, primary_key) values ('room-c', 'Room C', 'roomc-primary-1')");
    await waitFor('the new key in the directory', () => ingest.ingest.keys.classroomFor('roomc-primary-1'));
    const lines: string[] = [];
    const restore = setLogSink((line) => lines.push(line));
    // A real database failure: the lessons table is gone while the key is still known in memory.
    await ingest.db.query('alter table lessons rename to lessons_away');
    try {
      const attempt = await tryKey('roomc-primary-1', 'room-c');
      assert.equal(attempt.outcome, 'refused');
      assert.ok(lines.some((line) => line.includes('publish refused: the catalog could not say which lesson this is') && line.includes('room-c')), lines.join('\n'));
    } finally {
      await ingest.db.query('alter table lessons_away rename to lessons');
      restore();
    }
    const encoder = await untilKey('roomc-primary-1', 'room-c', 'accepted');
    await waitFor('room-c\'s lesson live once the catalog is back', async () => (await lessonsOf('room-c'))[0]?.went_live_at);
    await stop(encoder, 'room-c');
  });
});
