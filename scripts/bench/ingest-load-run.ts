// One run of the ingest under load, shared by `bench:ingest-load` and the overload test: N classroom
// encoders push a pre-encoded lesson with `-c copy` (so they cost nothing) into one in-process
// ingest at once, optionally beside CPU hogs standing for the other work of a busy node. Every
// second it samples each lesson's renditions kept and the live lag of its top rendition; after
// the pushes end it waits for the replays and measures each with ffprobe against what was pushed.
import { spawn, type ChildProcess } from 'node:child_process';
import { execFile } from 'node:child_process';
import { readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { lessonTranscoding } from '../../services/ingest/live-figures.ts';
import { nodeIdleShare } from '../../services/ingest/node-cpu.ts';
import { segmentsOfPlaylist } from '../../services/packager/media-playlist.ts';
import { startTestIngest, type TestIngest } from '../../test/helpers/test-ingest.ts';
import { waitFor } from '../../test/helpers/wait-for.ts';
import { startFfmpeg, type FfmpegChild } from '../../services/core/ffmpeg-child.ts';
import { childProcesses, cpuBetween, sampleCpu } from './process-cpu.ts';
import { pusherArgs } from './transcode-commands.ts';
import type { RungProcesses } from '../../services/transcode/rung-processes.ts';

const execFileAsync = promisify(execFile);

export type LoadRunOptions = {
  ffmpegPath: string;
  ffprobePath: string;
  /** The pre-encoded lesson every encoder pushes, once. */
  input: string;
  lessons: number;
  /** CPU hogs beside the ingest, and for how many seconds from the start (default: the whole push). */
  hogs?: number;
  hogSeconds?: number;
  /** transcode.rungProcesses: the encoded rungs in one process (default) or one each. */
  rungProcesses?: RungProcesses;
  /** Called every second while the lessons are live (the test plays one in Chromium meanwhile). */
  onSecond?: (sample: LoadSample, ingest: TestIngest) => void | Promise<void>;
};

export type LoadSample = { atSeconds: number; nodeIdle: number; lessons: Array<{ lessonId: string; renditionsKept: number; topLagSeconds: number | null }> };

export type LessonResult = {
  lessonId: string;
  pushedSeconds: number;
  /** ffprobe's duration of the replay's best rendition. */
  recordedSeconds: number;
  /** Of the source copy's folder (the recording as sent). */
  sourceSeconds: number;
  renditions: number;
  minRenditionsKept: number;
  meanRenditionsKept: number;
  /** Times the top rendition's live playlist had a hole between consecutive segments (program date times more than half a segment apart). */
  topGaps: number;
  topLagP50: number;
  topLagMax: number;
};

export type LoadRun = { lessons: number; hogs: number; cpuPercentPerLesson: number; wallSeconds: number; results: LessonResult[]; samples: LoadSample[]; sheddingSeen: boolean; restoredAfterShedding: boolean };

export async function runIngestLoad(options: LoadRunOptions): Promise<LoadRun> {
  const classrooms = Array.from({ length: options.lessons }, (_, index) => ({ id: `load-room-${index + 1}`, key: `load-key-${String(index + 1).padStart(4, '0')}-abcdefgh` }));
  // A short grace: the lessons end (and their replays are written) soon after the pushes stop.
  const ingest = await startTestIngest({ classrooms, ingest: { reconnectGraceSeconds: 3 }, transcode: { rungProcesses: options.rungProcesses ?? 'one' } });
  const hogs: ChildProcess[] = [];
  const pushers: FfmpegChild[] = [];
  try {
    const pushedSeconds = await mediaSeconds(options.ffprobePath, options.input);
    for (let index = 0; index < (options.hogs ?? 0); index++) hogs.push(spawn('sh', ['-c', 'while :; do :; done'], { stdio: 'ignore' }));
    const hogTimer = options.hogSeconds === undefined ? undefined : setTimeout(() => stopHogs(hogs), options.hogSeconds * 1000);
    const startedAt = Date.now();
    for (const classroom of classrooms) pushers.push(startFfmpeg(options.ffmpegPath, pusherArgs(options.input, ingest.rtmpUrl(classroom.key))));
    const lessonIds = await waitFor(`${options.lessons} live lessons`, () => {
      const live = ingest.ingest.lessons.list().filter((lesson) => lesson.state === 'live' && lesson.packager);
      return live.length === options.lessons ? live.map((lesson) => lesson.id).sort() : undefined;
      // Generous: on a busy machine (load average 30 seen in a full run) ffmpeg pushers start slowly.
    }, 120_000);
    const pusherPids = new Set(pushers.map((pusher) => pusher.pid));
    const ours = () => childProcesses(process.pid, 'ffmpeg').filter((pid) => !pusherPids.has(pid));
    let cpuStart = sampleCpu(ours());
    const seenPids = new Set(cpuStart.pidSeconds.keys());
    let cpuSeconds = 0;
    const samples: LoadSample[] = [];
    const pushesDone = Promise.all(pushers.map((pusher) => pusher.exited));
    let done = false;
    void pushesDone.then(() => (done = true));
    while (!done) {
      await new Promise((resolve) => setTimeout(resolve, 1000));
      // CPU of this process and of every ffmpeg it runs (they come and go as renditions are shed).
      const pids = ours();
      for (const pid of pids) seenPids.add(pid);
      const cpuNow = sampleCpu([...new Set([...cpuStart.pidSeconds.keys(), ...pids])]);
      const window = cpuBetween(cpuStart, cpuNow);
      cpuSeconds += ((window.ownPercent + window.pidsPercent) / 100) * window.wallSeconds;
      cpuStart = cpuNow;
      const sample: LoadSample = { atSeconds: (Date.now() - startedAt) / 1000, nodeIdle: nodeIdleShare(), lessons: lessonIds.map((lessonId) => lessonSample(ingest, lessonId)) };
      samples.push(sample);
      await options.onSecond?.(sample, ingest);
    }
    clearTimeout(hogTimer);
    stopHogs(hogs);
    const wallSeconds = (Date.now() - startedAt) / 1000;
    // The lessons end after their grace period, once every rendition has written what it held.
    const recordings = await waitFor('every replay written', async () => {
      const written = await readdir(ingest.ingest.vodDir).catch(() => [] as string[]);
      const ready = written.filter((name) => lessonIds.some((lessonId) => name.startsWith(lessonId)));
      return ready.length >= lessonIds.length && lessonIds.every((id) => ingest.ingest.lessons.get(id)?.state === 'ended') ? ready : undefined;
    }, 300_000);
    const results: LessonResult[] = [];
    for (const lessonId of lessonIds) {
      const recording = recordings.find((name) => name.startsWith(lessonId))!;
      const replayDir = join(ingest.ingest.vodDir, recording);
      const best = (await readdir(replayDir)).find((name) => name === ladderTop(ingest, lessonId)) ?? ladderTop(ingest, lessonId);
      const kept = samples.map((sample) => sample.lessons.find((lesson) => lesson.lessonId === lessonId)!);
      const lags = kept.flatMap((lesson) => (lesson.topLagSeconds === null ? [] : [lesson.topLagSeconds])).sort((a, b) => a - b);
      results.push({
        lessonId,
        pushedSeconds,
        recordedSeconds: await mediaSeconds(options.ffprobePath, join(replayDir, best, 'index.m3u8')),
        sourceSeconds: await mediaSeconds(options.ffprobePath, join(ingest.ingest.liveDir, lessonId, 'source', 'timeshift.m3u8')),
        renditions: ingest.ingest.lessons.get(lessonId)?.format?.ladder.length ?? 0,
        minRenditionsKept: Math.min(...kept.map((lesson) => lesson.renditionsKept)),
        meanRenditionsKept: kept.reduce((sum, lesson) => sum + lesson.renditionsKept, 0) / Math.max(1, kept.length),
        topGaps: await topGaps(ingest, lessonId),
        topLagP50: lags[Math.floor(lags.length / 2)] ?? 0,
        topLagMax: lags.at(-1) ?? 0,
      });
    }
    const shedAt = samples.findIndex((sample) => sample.lessons.some((lesson, index) => lesson.renditionsKept < results[index]!.renditions));
    const sheddingSeen = shedAt >= 0;
    const restoredAfterShedding = sheddingSeen && samples.slice(shedAt).some((sample) => sample.lessons.every((lesson, index) => lesson.renditionsKept === results[index]!.renditions));
    return { lessons: options.lessons, hogs: options.hogs ?? 0, cpuPercentPerLesson: (100 * cpuSeconds) / wallSeconds / options.lessons, wallSeconds, results, samples, sheddingSeen, restoredAfterShedding };
  } finally {
    stopHogs(hogs);
    await Promise.all(pushers.map((pusher) => pusher.stop()));
    await ingest.stop();
  }
}

function stopHogs(hogs: ChildProcess[]): void {
  for (const hog of hogs) if (hog.exitCode === null) hog.kill('SIGKILL');
}

function ladderTop(ingest: TestIngest, lessonId: string): string {
  return ingest.ingest.lessons.get(lessonId)?.format?.ladder[0]?.name ?? '720p';
}

/** Renditions encoding or copied now (the ladder less those shed), and how far the top's newest segment ends behind now. */
function lessonSample(ingest: TestIngest, lessonId: string): LoadSample['lessons'][number] {
  const lesson = ingest.ingest.lessons.get(lessonId);
  const ladder = lesson?.format?.ladder.length ?? 0;
  const shed = lesson ? (lessonTranscoding(lesson.dir)?.renditionsShed ?? 0) : 0;
  const last = lesson?.packager?.segments(ladderTop(ingest, lessonId)).at(-1);
  return { lessonId, renditionsKept: ladder - shed, topLagSeconds: last ? (Date.now() - (last.programDateTime + last.duration * 1000)) / 1000 : null };
}

/** Holes in the top rendition's whole live lesson: consecutive segments whose program date times leave more than half a segment uncovered. */
async function topGaps(ingest: TestIngest, lessonId: string): Promise<number> {
  const lesson = ingest.ingest.lessons.get(lessonId);
  const text = await readFile(join(ingest.ingest.liveDir, lessonId, ladderTop(ingest, lessonId), 'timeshift.m3u8'), 'utf8');
  const segments = segmentsOfPlaylist(text);
  let gaps = 0;
  for (let index = 1; index < segments.length; index++) {
    const previous = segments[index - 1]!;
    if (segments[index]!.programDateTime - (previous.programDateTime + previous.duration * 1000) > ((lesson?.segmentSeconds ?? 2) * 1000) / 2) gaps++;
  }
  return gaps;
}

/** ffprobe's idea of a file's or playlist's duration, in seconds. */
export async function mediaSeconds(ffprobePath: string, path: string): Promise<number> {
  const { stdout } = await execFileAsync(ffprobePath, ['-v', 'error', '-show_entries', 'format=duration', '-of', 'csv=p=0', path]);
  const seconds = Number.parseFloat(stdout.trim());
  if (!Number.isFinite(seconds)) throw new Error(`ffprobe gave no duration for ${path}: ${stdout}`);
  return seconds;
}
