// Frozen versus slow: the ffmpeg encoding a lesson's rungs (480p and 360p share one) stopped dead
// (SIGSTOP) is found and started again, and the 360p playlist grows again; one merely slow (stopped two thirds of the time, as on a starved node)
// is never killed, whatever it holds. Real ffmpeg, real RTMP.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync, readdirSync } from 'node:fs';
import { setLogSink } from '../../services/core/log.ts';
import type { DemoEncoder } from '../../services/demo/demo-encoder.ts';
import { fetchPlaylist, pushTestPattern } from '../helpers/media.ts';
import { startTestIngest, type TestIngest } from '../helpers/test-ingest.ts';
import { waitFor } from '../helpers/wait-for.ts';

const key = 'frozen-room-secret-key';

/** Pids of this process's ffmpeg children encoding the 360p rendition (its scale filter names it). */
function pidsOf360p(): number[] {
  const pids: number[] = [];
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const stat = readFileSync(`/proc/${entry}/stat`, 'utf8');
      const parent = Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]);
      const commandLine = readFileSync(`/proc/${entry}/cmdline`, 'utf8');
      if (parent === process.pid && commandLine.includes('scale=640:360')) pids.push(Number(entry));
    } catch {
      // Gone meanwhile.
    }
  }
  return pids;
}

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
    for (const pid of pidsOf360p()) signal(pid, 'SIGCONT');
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
    const initBefore = (await fetchPlaylist(playlistUrl)).segments.at(-1)!.map!.uri;
    await waitFor('360p segments of the restarted ffmpeg', async () => {
      const segments = (await fetchPlaylist(playlistUrl)).segments;
      return segments.filter((segment) => segment.map?.uri !== initBefore && segment.map?.uri.endsWith('-360p.mp4')).length >= 2;
    }, 40_000);
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
});
