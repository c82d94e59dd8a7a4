// A classroom pushing the same lesson from its primary and its backup key: when the primary
// encoder is killed, the backup carries the lesson on after one discontinuity, a viewer in Chromium
// keeps playing without an error, sequence numbers never go backwards, and the media gap is
// measured from the clocks both encoders burn into their pictures. When the primary comes back and
// is steady, it takes the lesson back. A second encoder on a key already pushing is still refused.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import type { Browser, Page } from 'playwright-core';
import { findMediaTool } from '../../services/core/ffmpeg-binary.ts';
import { setLogLevel, setLogSink } from '../../services/core/log.ts';
import { clockSamplePoints, decodeClock } from '../../services/demo/burned-in-clock.ts';
import type { DemoEncoder } from '../../services/demo/demo-encoder.ts';
import { launchChromium } from '../helpers/browser.ts';
import { fetchBytes, fetchPlaylist, pushTestPattern } from '../helpers/media.ts';
import { startTestIngest, type TestIngest } from '../helpers/test-ingest.ts';
import { waitFor } from '../helpers/wait-for.ts';
import { openWatchPage, snapshot, waitForPlayback } from '../helpers/watch-page.ts';

const run = promisify(execFile);
const primaryKey = 'room-9-primary-key';
const backupKey = 'room-9-backup-key';
const fps = 25;

type LogLine = { level: string; event: string; [field: string]: unknown };
type EncoderRow = { connected: boolean; key_kind: string | null; lesson_id: string | null };
type PlaylistVersion = { mediaSequence: number; uris: string[] };

/** The burned-in clock (ms since the epoch) of the first and last frames of a segment. */
async function segmentClocks(init: Buffer, segment: Buffer): Promise<{ first: number; last: number }> {
  const dir = await mkdtemp(join(tmpdir(), 'classcast-clock-'));
  const file = join(dir, 'segment.mp4');
  const width = 208;
  const height = 120;
  try {
    await writeFile(file, Buffer.concat([init, segment]));
    const { stdout } = await run(
      findMediaTool('ffmpeg', process.env.FFMPEG_PATH),
      ['-v', 'error', '-i', file, '-an', '-vf', `scale=${width}:${height}`, '-pix_fmt', 'gray', '-f', 'rawvideo', '-'],
      { encoding: 'buffer', maxBuffer: 64 * 1024 * 1024 },
    );
    const frames = stdout.length / (width * height);
    const clockOf = (frame: number) => {
      const brightness = clockSamplePoints().map((point) => stdout[frame * width * height + Math.floor(point.y * height) * width + Math.floor(point.x * width)]!);
      const clock = decodeClock(brightness, Date.now());
      if (clock === null) throw new Error(`frame ${frame} has no burned-in clock`);
      return clock;
    };
    return { first: clockOf(0), last: clockOf(frames - 1) };
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

describe("a classroom's backup encoder", () => {
  let ingest: TestIngest;
  let browser: Browser;
  let page: Page | undefined;
  let lessonId: string;
  let rendition: string;
  const logs: LogLine[] = [];
  let restoreSink = () => {};
  const encoders = new Set<DemoEncoder>();
  /** The primary encoder pushing now (the second one, after the first is killed). */
  let primary: DemoEncoder;
  const versions: PlaylistVersion[] = [];
  /** When each segment was first seen in the live playlist. */
  const firstSeen = new Map<string, number>();
  let watching = true;
  let watcher: Promise<void> = Promise.resolve();

  const push = (key: string) => {
    // Within the 360p rung's rate (fit to serve as sent): the lesson's one rendition is the source
    // copy itself, so its segments carry the encoder runs' own numbers.
    const encoder = pushTestPattern(ingest.rtmpUrl(key), { width: 640, height: 360, fps, audio: true, videoKbps: 700 });
    encoders.add(encoder);
    return encoder;
  };
  /** The first log line of `event` with those fields, among the lines from `from` on. */
  const logged = (event: string, match: Record<string, unknown> = {}, from = 0) =>
    waitFor(`the log line '${event}' ${JSON.stringify(match)}`, () => logs.slice(from).find((line) => line.event === event && Object.entries(match).every(([field, value]) => line[field] === value)), 40_000);
  const encoderStatus = async () => (await ingest.db.query<EncoderRow>("select connected, key_kind, lesson_id from encoder_status where classroom_id = 'room-9'"))[0];
  const base = () => `${ingest.baseUrl}/live/${lessonId}/${rendition}`;

  /**
   * Waits for the run a switch started to have segments in the time-shift playlist, checks that it
   * follows the previous run after a discontinuity, and measures the gap between them: from the
   * clocks burned into the previous run's last frame and the new run's first frame (the media
   * missing; negative when the new encoder's group of pictures replays media), and from their
   * program date-times.
   */
  const measureSwitch = async (run: number) => {
    const playlist = await waitFor(`segments of run ${run} in the time-shift playlist`, async () => {
      const timeShift = await fetchPlaylist(`${base()}/timeshift.m3u8`);
      return timeShift.segments.filter((segment) => segment.uri.startsWith(`r${run}-`)).length >= 2 ? timeShift : undefined;
    }, 40_000);
    const firstIndex = playlist.segments.findIndex((segment) => segment.uri.startsWith(`r${run}-`));
    const first = playlist.segments[firstIndex]!;
    const last = playlist.segments[firstIndex - 1]!;
    assert.equal(first.discontinuity, true, `run ${run} starts after a discontinuity`);
    assert.ok(last.uri.startsWith(`r${run - 1}-`), `run ${run} follows run ${run - 1} directly (${last.uri})`);
    const clocksOf = async (segment: typeof first) => segmentClocks(await fetchBytes(`${base()}/${segment.map!.uri}`), await fetchBytes(`${base()}/${segment.uri}`));
    const before = await clocksOf(last);
    const afterSwitch = await clocksOf(first);
    return {
      firstUri: first.uri,
      mediaGapMs: Math.round(afterSwitch.first - before.last - 1000 / fps),
      programDateTimeGapMs: Math.round(first.programDateTime! - (last.programDateTime! + last.duration * 1000)),
    };
  };

  before(async () => {
    ingest = await startTestIngest({
      ingest: { reconnectGraceSeconds: 30, backupSwitchSeconds: 1.5, primaryReturnSeconds: 4 },
      transcode: { maxRenditions: 1, preset: 'ultrafast', audioBitrateKbps: 64 },
    });
    setLogLevel('info');
    restoreSink = setLogSink((line) => {
      const parsed = JSON.parse(line) as LogLine;
      logs.push(parsed);
      // Captured for the assertions; warnings, errors and switches still show.
      if (parsed.level === 'warn' || parsed.level === 'error' || parsed.event === 'encoder switched') process.stderr.write(`${line}\n`);
    });
    await ingest.db.query("insert into classrooms (id, name, primary_key, backup_key) values ('room-9', 'Room 9', $1, $2)", [primaryKey, backupKey]);
    await ingest.ingest.keys.refreshNow();
    browser = await launchChromium();
  });
  after(async () => {
    watching = false;
    await watcher;
    await page?.close();
    await browser?.close();
    await Promise.all([...encoders].map((encoder) => encoder.stop()));
    await ingest?.stop();
    restoreSink();
    setLogLevel('warn');
  });

  it('carries the lesson on when the primary is killed: one discontinuity, playback without an error, a bounded gap', async () => {
    primary = push(primaryKey);
    const lesson = await waitFor('the lesson to go live', () => ingest.ingest.lessons.list().find((each) => each.state === 'live' && each.format));
    lessonId = lesson.id;
    rendition = lesson.format!.ladder[0]!.name;
    await waitFor('the master playlist', async () => (await fetch(`${ingest.baseUrl}/live/${lessonId}/master.m3u8`)).ok);
    watcher = (async () => {
      while (watching) {
        const playlist = await fetchPlaylist(`${base()}/index.m3u8`).catch(() => undefined);
        if (playlist) {
          versions.push({ mediaSequence: playlist.mediaSequence ?? 0, uris: playlist.segments.map((segment) => segment.uri) });
          for (const segment of playlist.segments) if (!firstSeen.has(segment.uri)) firstSeen.set(segment.uri, Date.now());
        }
        await new Promise((resolve) => setTimeout(resolve, 200));
      }
    })();

    push(backupKey);
    await logged('encoder joins the classroom', { keyKind: 'backup' });
    assert.equal((await encoderStatus())?.key_kind, 'primary', 'the primary carries the lesson while both push');

    page = await openWatchPage(browser, `${ingest.baseUrl}/watch/${lessonId}`);
    await waitForPlayback(page, 4, 60_000);
    // Counts the time the video waits for data, from here on.
    await page.evaluate(() => {
      const video = document.querySelector('video')!;
      const record = { waitingMs: 0, since: 0, videoErrors: 0 };
      (window as unknown as { stalls: typeof record }).stalls = record;
      video.addEventListener('waiting', () => (record.since ||= performance.now()));
      video.addEventListener('playing', () => {
        if (record.since) record.waitingMs += performance.now() - record.since;
        record.since = 0;
      });
      video.addEventListener('error', () => record.videoErrors++);
    });
    const errorsBefore = (await snapshot(page)).errors.length;
    // The backup's first keyframe is in by now (it sends one every 2 s): the standby is ready.
    await new Promise((resolve) => setTimeout(resolve, 3000));

    const killedAt = Date.now();
    primary.kill();
    await primary.exited;
    encoders.delete(primary);
    const switched = await logged('encoder switched', { to: 'backup' });
    assert.equal(switched.from, 'primary');
    assert.equal(switched.reason, 'dropped');

    const gap = await measureSwitch(switched.run as number);
    const before = await snapshot(page);
    const after = await waitForPlayback(page, 6, 60_000);
    assert.ok(after.currentTime > before.currentTime + 6, 'playback carries on after the switch');
    const stalls = await page.evaluate(() => (window as unknown as { stalls: { waitingMs: number; videoErrors: number } }).stalls);
    assert.deepEqual(after.errors.slice(errorsBefore), [], 'the viewer saw no error');
    assert.equal(stalls.videoErrors, 0, 'the video element raised no error');

    const report = {
      ...gap,
      killToSwitchLoggedMs: Date.parse(switched.time as string) - killedAt,
      switchGapMs: switched.gapMs,
      replayedMs: switched.replayedMs,
      killToFirstBackupSegmentListedMs: (firstSeen.get(gap.firstUri) ?? Number.NaN) - killedAt,
      viewerWaitingMs: Math.round(stalls.waitingMs),
    };
    process.stdout.write(`backup switch after a kill: ${JSON.stringify(report)}\n`);
    // Negative when the backup's group of pictures replays media the primary already sent.
    assert.ok(gap.mediaGapMs < 10_000, `media gap ${gap.mediaGapMs} ms`);

    const status = await encoderStatus();
    assert.equal(status?.connected, true);
    assert.equal(status?.key_kind, 'backup', 'the status row follows the encoder carrying the lesson');
    assert.equal(status?.lesson_id, lessonId);
    assert.equal(ingest.ingest.lessons.get(lessonId)?.state, 'live', 'the lesson never entered its grace period');
  });

  it('gives the lesson back to the primary once it is steady again', async () => {
    const firstSwitch = logs.find((line) => line.event === 'encoder switched')!;
    primary = push(primaryKey);
    const back = await logged('encoder switched', { to: 'primary' });
    assert.equal(back.reason, 'primary back');
    assert.ok((back.run as number) > (firstSwitch.run as number));
    await waitFor('segments of the primary run in the live playlist', async () => {
      const playlist = await fetchPlaylist(`${base()}/index.m3u8`);
      const index = playlist.segments.findIndex((segment) => segment.uri.startsWith(`r${back.run as number}-`));
      return index > 0 && playlist.segments[index]!.discontinuity ? playlist : undefined;
    }, 40_000);
    await waitFor('the status row to show the primary', async () => (await encoderStatus())?.key_kind === 'primary');

    const before = await snapshot(page!);
    const after = await waitForPlayback(page!, 4, 60_000);
    assert.ok(after.currentTime > before.currentTime + 4, 'playback carries on after the switch back');
    assert.deepEqual(after.errors, before.errors, 'the viewer saw no error');

    assert.ok(versions.length > 20, `saw ${versions.length} playlist versions`);
    for (let index = 1; index < versions.length; index++) {
      assert.ok(versions[index]!.mediaSequence >= versions[index - 1]!.mediaSequence, `media sequence went from ${versions[index - 1]!.mediaSequence} to ${versions[index]!.mediaSequence}`);
    }
    const runs = new Set(versions.flatMap((version) => version.uris.map((uri) => uri.split('-')[0])));
    assert.ok(runs.has(`r${firstSwitch.run as number}`) && runs.has(`r${back.run as number}`), `runs seen: ${[...runs].join(', ')}`);
  });

  it('still refuses a second encoder on a key that is already pushing', async () => {
    const runsBefore = ingest.ingest.lessons.get(lessonId)!.runs;
    const second = push(primaryKey);
    const code = await waitFor('the second encoder to be cut off', async () => {
      const exited = await Promise.race([second.exited.then((exitCode) => ({ exitCode })), new Promise<undefined>((resolve) => setTimeout(resolve, 500))]);
      return exited;
    }, 30_000);
    encoders.delete(second);
    assert.notEqual(code.exitCode, 0, 'ffmpeg failed to publish');
    const refusal = logs.find((line) => line.event === 'publish refused' && /already publishing on its primary key/.test(String(line.reason)));
    assert.ok(refusal, 'the refusal is logged with its reason');
    assert.equal(ingest.ingest.lessons.get(lessonId)!.runs, runsBefore, 'the lesson did not start a new run');
    assert.equal((await encoderStatus())?.key_kind, 'primary');
  });

  it('switches away from a primary that stalls, and back once it sends steadily again', async () => {
    const from = logs.length;
    // A stalled encoder: its process frozen, its connection open.
    process.kill(primary.pid, 'SIGSTOP');
    const stalledAt = Date.now();
    let switched: LogLine;
    try {
      switched = await logged('encoder switched', { to: 'backup' }, from);
    } finally {
      process.kill(primary.pid, 'SIGCONT');
    }
    assert.equal(switched.reason, 'stalled');
    const gap = await measureSwitch(switched.run as number);
    const stalls = await page!.evaluate(() => (window as unknown as { stalls: { waitingMs: number } }).stalls.waitingMs);
    process.stdout.write(
      `backup switch after a stall: ${JSON.stringify({ ...gap, stallToSwitchLoggedMs: Date.parse(switched.time as string) - stalledAt, switchGapMs: switched.gapMs, replayedMs: switched.replayedMs, viewerWaitingMsSoFar: Math.round(stalls) })}\n`,
    );
    assert.ok(gap.mediaGapMs < 10_000, `media gap ${gap.mediaGapMs} ms`);

    const back = await logged('encoder switched', { to: 'primary' }, from);
    assert.equal(back.reason, 'primary back');
    const before = await snapshot(page!);
    const after = await waitForPlayback(page!, 4, 60_000);
    assert.ok(after.currentTime > before.currentTime + 4, 'playback carries on');
    assert.deepEqual(after.errors, before.errors, 'the viewer saw no error');
  });
});
