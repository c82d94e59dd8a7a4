// Nothing a school pushes is lost, whatever the load: more lessons than a 2-core node can encode,
// beside CPU hogs standing for a busy node's other work, each a pre-encoded 720p30 lesson pushed
// with `-c copy` over real RTMP. Every replay holds every second pushed (ffprobe), the live top
// rendition (the source, copied) has no hole, renditions are shed while the node is short of CPU
// and come back once the hogs stop, and Chromium, held on the rendition shed first (480p), keeps
// playing one lesson throughout while it leaves and returns.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { findMediaTool } from '../../services/core/ffmpeg-binary.ts';
import { runFfmpeg } from '../../services/core/ffmpeg-child.ts';
import { runIngestLoad, type LoadRun } from '../../scripts/bench/ingest-load-run.ts';
import { launchChromium } from '../helpers/browser.ts';
import { snapshot } from '../helpers/watch-page.ts';

const lessons = 4;
/**
 * Busy-loops at normal priority, more than the cores: the renditions (niceness 10, several threads
 * each) then get well under the CPU they need, on a quiet machine as on a busy one.
 */
const hogs = 6;
const pushSeconds = 90;
/** The hogs stop this long into the push, leaving the rest for the shed renditions to come back. */
const hogSeconds = 35;
const segmentSeconds = 2;

describe('a node short of CPU sheds renditions and loses nothing a school pushes', () => {
  let dir: string;
  let browser: Browser;
  let run: LoadRun;
  /** The viewer's playback position each second, and any error the player showed. */
  const viewer: { page?: Page; pinned?: boolean; positions: Array<{ atSeconds: number; currentTime: number; height: number }>; errors: string[] } = { positions: [], errors: [] };

  before(async () => {
    dir = await mkdtemp(join(tmpdir(), 'classcast-overload-'));
    const ffmpegPath = findMediaTool('ffmpeg');
    const input = join(dir, 'lesson.flv');
    // A school's encoder output, made once as fast as it goes: 720p30 H.264 (2 s GOP) and AAC.
    await runFfmpeg(
      ffmpegPath,
      ['-y', '-loglevel', 'error', '-f', 'lavfi', '-i', `testsrc2=size=1280x720:rate=30:duration=${pushSeconds}`, '-f', 'lavfi', '-i', `sine=frequency=440:sample_rate=48000:duration=${pushSeconds}`,
        '-c:v', 'libx264', '-preset', 'ultrafast', '-g', '60', '-keyint_min', '60', '-sc_threshold', '0', '-b:v', '2000k', '-maxrate', '2500k', '-bufsize', '4000k', '-pix_fmt', 'yuv420p',
        '-c:a', 'aac', '-b:a', '96k', '-f', 'flv', input],
      'the test lesson',
    );
    browser = await launchChromium();
    run = await runIngestLoad({
      ffmpegPath,
      ffprobePath: findMediaTool('ffprobe'),
      input,
      lessons,
      hogs,
      hogSeconds,
      onSecond: async (sample, ingest) => {
        const lessonId = sample.lessons[0]!.lessonId;
        if (!viewer.page) {
          // Once the lesson is playable: before, the page rightly says it is waiting for the lesson.
          if ((await fetch(`${ingest.baseUrl}/live/${lessonId}/master.m3u8`)).status !== 200) return;
          viewer.page = await browser.newPage({ viewport: { width: 960, height: 600 } });
          await viewer.page.goto(`${ingest.baseUrl}/watch/${lessonId}`);
          return;
        }
        if (!viewer.pinned) {
          // Held on 480p, the first rung shed: the viewer sees it leave and come back.
          const levels = (await snapshot(viewer.page).catch(() => undefined))?.levels ?? [];
          const middle = levels.find((level) => level.height === 480);
          if (!middle) return;
          await viewer.page.evaluate((index) => (window as unknown as { classcast: { setLevel(i: number): void } }).classcast.setLevel(index), middle.index);
          viewer.pinned = true;
        }
        const state = await snapshot(viewer.page).catch(() => undefined);
        if (!state) return;
        viewer.positions.push({ atSeconds: sample.atSeconds, currentTime: state.currentTime, height: state.videoHeight });
        for (const error of state.errors) if (!viewer.errors.includes(error)) viewer.errors.push(error);
      },
    });
  });

  after(async () => {
    await browser?.close();
    if (dir) await rm(dir, { recursive: true, force: true });
  });

  it('keeps every second pushed in every replay, and in the source copy', () => {
    for (const result of run.results) {
      assert.ok(result.recordedSeconds >= result.pushedSeconds - segmentSeconds, `${result.lessonId}: replay ${result.recordedSeconds.toFixed(1)} s of ${result.pushedSeconds.toFixed(1)} s pushed`);
      assert.ok(result.sourceSeconds >= result.pushedSeconds - segmentSeconds, `${result.lessonId}: source copy ${result.sourceSeconds.toFixed(1)} s of ${result.pushedSeconds.toFixed(1)} s pushed`);
    }
  });

  it('leaves no hole in the live top rendition', () => {
    for (const result of run.results) assert.equal(result.topGaps, 0, `${result.lessonId}: ${result.topGaps} holes in the top rendition`);
  });

  it('sheds renditions while the node is short of CPU and gives them back once it is not', () => {
    assert.ok(run.sheddingSeen, `no rendition was shed: renditions kept ${run.results.map((result) => result.minRenditionsKept).join(', ')}`);
    const timeline = run.samples.map((sample) => `${sample.atSeconds.toFixed(0)}s idle ${sample.nodeIdle.toFixed(2)} kept ${sample.lessons.map((lesson) => lesson.renditionsKept).join('/')}`);
    assert.ok(run.restoredAfterShedding, `the shed renditions never all came back after the hogs stopped: ${timeline.join('; ')}`);
  });

  it('keeps a Chromium viewer on the shed rendition playing throughout, with no error shown', () => {
    assert.deepEqual(viewer.errors, []);
    assert.ok(viewer.pinned, 'the viewer never got the 480p rendition to hold');
    const positions = viewer.positions.filter((position) => position.currentTime > 0);
    assert.ok(positions.length > 0, 'the viewer never started playing');
    // While 480p was shed the viewer saw a lower rung's (or the source's) picture, then 480p again.
    assert.ok(positions.some((position) => position.height !== 480), `the picture never changed: ${positions.map((position) => position.height).join(',')}`);
    assert.equal(positions.at(-1)?.height, 480, 'the viewer did not get 480p back');
    // Never frozen: within any 12 s of the push after playback started, the position moved.
    for (const position of positions) {
      const later = positions.find((other) => other.atSeconds >= position.atSeconds + 12);
      if (later) assert.ok(later.currentTime > position.currentTime + 4, `playback stood still from ${position.atSeconds.toFixed(0)} s (at ${position.currentTime.toFixed(1)})`);
    }
  });
});
