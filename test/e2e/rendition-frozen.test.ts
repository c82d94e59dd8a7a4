// Frozen versus slow: the ffmpeg encoding a lesson's rungs (480p and 360p share one) stopped dead
// (SIGSTOP) is found and started again, and the 360p playlist grows again; one merely slow (stopped two thirds of the time, as on a starved node)
// is never killed, whatever it holds. The source copy (the recording) stopped dead is started again
// where its last segment ended: not a frame of the lesson is lost. Real ffmpeg, real RTMP.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { setLogSink } from '../../services/core/log.ts';
import type { DemoEncoder } from '../../services/demo/demo-encoder.ts';
import { childProcesses } from '../../scripts/bench/process-cpu.ts';
import type { LiveLesson } from '../../services/ingest/lessons.ts';
import type { LessonPackager } from '../../services/packager/lesson-packager.ts';
import { sourceRenditionName } from '../../services/transcode/ladder.ts';
import { fetchPlaylist, probeTrackTimes, pushTestPattern } from '../helpers/media.ts';
import { startTestIngest, type TestIngest } from '../helpers/test-ingest.ts';
import { waitFor } from '../helpers/wait-for.ts';

const key = 'frozen-room-secret-key';

/** Pids of this process's ffmpeg children whose command line (arguments NUL-separated) passes `test`. */
function childPids(test: (commandLine: string) => boolean): number[] {
  return childProcesses(process.pid, 'ffmpeg').filter((pid) => {
    try {
      return test(readFileSync(`/proc/${pid}/cmdline`, 'utf8'));
    } catch {
      return false; // Gone meanwhile.
    }
  });
}

/** The ffmpeg encoding the 360p rendition (its scale filter names it). */
const pidsOf360p = () => childPids((line) => line.includes('scale=640:360'));
/** The ffmpeg copying the source as sent into the lesson's folder (not the test's encoder, which pushes RTMP). */
const pidsOfCopy = () => childPids((line) => line.includes('-c:v\0copy') && line.includes('.segmenter'));

const signal = (pid: number, name: NodeJS.Signals) => {
  try {
    process.kill(pid, name);
  } catch {
    // Already exited.
  }
};

describe('a frozen rendition is started again; a slow one is never killed', () => {
  let ingest: TestIngest;
  let encoder: DemoEncoder;
  let lessonId: string;
  const events: Array<{ event: string; renditions?: string }> = [];
  /** The event is about the process that carries 360p (with the other rungs it encodes). */
  const about360p = (each: { renditions?: string }) => each.renditions?.split(',').includes('360p') === true;
  let restoreSink: () => void;

  before(async () => {
    restoreSink = setLogSink((line) => {
      const parsed = JSON.parse(line) as { event: string; renditions?: string };
      events.push(parsed);
      if (parsed.event.includes('frozen') || parsed.event.includes('shed')) process.stderr.write(line + '\n');
    });
    ingest = await startTestIngest({ classrooms: [{ id: 'frozen-room', key }] });
    encoder = pushTestPattern(ingest.rtmpUrl(key), { width: 1280, height: 720, fps: 30, audio: true });
    lessonId = await waitFor('a live lesson with its 360p rendition', () => {
      const lesson = ingest.ingest.lessons.list().find((each) => each.state === 'live');
      return lesson && (lesson.packager?.segments('360p').length ?? 0) > 0 && pidsOf360p().length === 1 ? lesson.id : undefined;
    }, 30_000);
  });

  after(async () => {
    for (const pid of [...pidsOf360p(), ...pidsOfCopy()]) signal(pid, 'SIGCONT');
    await encoder?.stop();
    await ingest?.stop();
    restoreSink?.();
  });

  it('kills an ffmpeg stopped dead and starts the rendition again', async () => {
    const [frozen] = pidsOf360p();
    const playlistUrl = `${ingest.baseUrl}/live/${lessonId}/360p/timeshift.m3u8`;
    signal(frozen!, 'SIGSTOP');
    await waitFor('the frozen 360p ffmpeg found and killed', () => events.some((each) => each.event.includes('frozen') && about360p(each)), 60_000);
    const [restarted] = await waitFor('a new 360p ffmpeg', () => {
      const pids = pidsOf360p().filter((pid) => pid !== frozen);
      return pids.length > 0 ? pids : undefined;
    }, 20_000);
    assert.notEqual(restarted, frozen);
    // The rendition's own segments come again, from the new process's run (a new init segment).
    // On a busy machine the new process starts behind and may be shed for a back-off (20 s) first.
    const initBefore = (await fetchPlaylist(playlistUrl)).segments.at(-1)!.map!.uri;
    await waitFor('360p segments of the restarted ffmpeg', async () => {
      const segments = (await fetchPlaylist(playlistUrl)).segments;
      return segments.filter((segment) => segment.map?.uri !== initBefore && segment.map?.uri.endsWith('-360p.mp4')).length >= 2;
    }, 90_000);
  });

  it('never kills a slow ffmpeg: one stopped two thirds of the time goes on, or finishes what it holds', async () => {
    const [slow] = pidsOf360p();
    const frozenBefore = events.filter((each) => each.event.includes('frozen')).length;
    const until = Date.now() + 30_000;
    while (Date.now() < until) {
      signal(slow!, 'SIGSTOP');
      await new Promise((resolve) => setTimeout(resolve, 200));
      signal(slow!, 'SIGCONT');
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
    assert.equal(events.filter((each) => each.event.includes('frozen')).length, frozenBefore, 'a slow ffmpeg was taken for frozen');
    assert.equal(events.filter((each) => each.event === 'rendition ffmpeg exited' && about360p(each)).length, 0, 'the slow ffmpeg did not exit on its own');
  });

  /** The run a published segment belongs to, from its name (r<run>-<index>.m4s). */
  const runOf = (uri: string) => uri.split('-')[0]!;

  /** The source track's segments on either side of the first run boundary after `fromIndex`, and how far apart they are in the lesson's time and in the media. */
  async function restartBoundary(lesson: LiveLesson, packager: LessonPackager, fromIndex: number, frozenRun: string) {
    const segments = packager.segments(sourceRenditionName);
    const resumedAt = segments.findIndex((segment, index) => index >= fromIndex && runOf(segment.uri) !== frozenRun);
    const [last, first] = [segments[resumedAt - 1]!, segments[resumedAt]!];
    assert.equal(runOf(last.uri), frozenRun);
    assert.ok(first.discontinuity, 'the restart is a discontinuity');
    const folder = join(lesson.dir, sourceRenditionName);
    const read = (uri: string) => readFileSync(join(folder, uri));
    const before = (await probeTrackTimes(read(last.initUri), read(last.uri))).video!;
    const afterRestart = (await probeTrackTimes(read(first.initUri), read(first.uri))).video!;
    return {
      // In the lesson's time: where the new run's first segment starts against where the frozen run's last one ended.
      programDateTimeHoleMs: first.programDateTime - (last.programDateTime + last.duration * 1000),
      // In the media itself (the copy keeps the encoder's timestamps).
      mediaHoleSeconds: afterRestart.start - before.end,
      resumedSeconds: segments.slice(resumedAt).reduce((sum, segment) => sum + segment.duration, 0),
    };
  }

  it('starts a frozen source copy again where its last segment ended: the recording loses nothing', async () => {
    const lesson = ingest.ingest.lessons.get(lessonId)!;
    const [frozen] = pidsOfCopy();
    assert.ok(frozen, 'the source copy is running');
    const frozenBefore = events.filter((each) => each.event === 'source copy frozen').length;
    const segmentsBefore = lesson.packager!.segments(sourceRenditionName).length;
    signal(frozen, 'SIGSTOP');
    await waitFor('the frozen copy found and killed', () => events.filter((each) => each.event === 'source copy frozen').length > frozenBefore, 60_000);
    const frozenRun = runOf(lesson.packager!.segments(sourceRenditionName).at(-1)!.uri);
    // The new copy writes what the frozen one held at once, then carries on live.
    await waitFor('three segments of the restarted copy', () => lesson.packager!.segments(sourceRenditionName).filter((segment) => runOf(segment.uri) !== frozenRun).length >= 3, 60_000);
    const boundary = await restartBoundary(lesson, lesson.packager!, segmentsBefore, frozenRun);
    process.stdout.write(`source copy restart: ${JSON.stringify({ ...boundary, frozenEvent: events.filter((each) => each.event === 'source copy frozen').at(-1) })}\n`);
    assert.ok(Math.abs(boundary.programDateTimeHoleMs) < 100, `the lesson's time jumps ${boundary.programDateTimeHoleMs} ms at the restart`);
    assert.ok(Math.abs(boundary.mediaHoleSeconds) < 0.1, `${boundary.mediaHoleSeconds.toFixed(3)} s of media missing (negative: repeated) at the restart`);
  });

  it('writes what a frozen copy held when its encoder leaves meanwhile, and the lesson ends', async () => {
    const lesson = ingest.ingest.lessons.get(lessonId)!;
    // The lesson lets go of its packager when its session ends; the segments stay with it.
    const packager = lesson.packager!;
    const [frozen] = pidsOfCopy();
    assert.ok(frozen, 'the source copy is running');
    const segmentsBefore = packager.segments(sourceRenditionName).length;
    const frozenRun = runOf(packager.segments(sourceRenditionName).at(-1)!.uri);
    signal(frozen, 'SIGSTOP');
    // The encoder goes 4 s into the freeze: the session asks the copy to finish, which it never will.
    await new Promise((resolve) => setTimeout(resolve, 4000));
    await encoder.stop();
    const left = await waitFor('the stuck copy killed', () => events.find((each) => each.event === 'source copy frozen as its encoder left'), 90_000);
    await waitFor('the session over, the lesson in its grace period', () => lesson.state === 'reconnecting' || lesson.state === 'ended', 60_000);
    const boundary = await restartBoundary(lesson, packager, segmentsBefore, frozenRun);
    process.stdout.write(`source copy drained after its encoder left: ${JSON.stringify({ ...boundary, event: left })}\n`);
    assert.ok(Math.abs(boundary.programDateTimeHoleMs) < 100, `the lesson's time jumps ${boundary.programDateTimeHoleMs} ms`);
    assert.ok(Math.abs(boundary.mediaHoleSeconds) < 0.1, `${boundary.mediaHoleSeconds.toFixed(3)} s of media missing at the drain`);
    // The held media reaches at least to the encoder's departure, 4 s into the freeze.
    assert.ok(boundary.resumedSeconds >= 4, `the last copy wrote ${boundary.resumedSeconds.toFixed(1)} s`);
  });
});
