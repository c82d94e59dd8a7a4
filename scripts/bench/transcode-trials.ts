// The measurements of the transcode benchmark (transcode.ts): one lesson through our ingest, the
// same transcode as a bare ffmpeg, the bare transcode flat out, and several lessons at once.
import { rm } from 'node:fs/promises';
import { join } from 'node:path';
import { lessonTranscoding } from '../../services/ingest/live-figures.ts';
import { startTestIngest } from '../../test/helpers/test-ingest.ts';
import { waitFor } from '../../test/helpers/wait-for.ts';
import type { Cleanup } from './cleanup.ts';
import { startFfmpeg, type FfmpegChild } from '../../services/core/ffmpeg-child.ts';
import { followLesson, keepUpOver, type KeepUp } from './lesson-progress.ts';
import { childProcesses, cpuBetween, reapedChildrenCpuSeconds, sampleCpu, type CpuSample, type CpuWindow } from './process-cpu.ts';
import { bareTranscodeArgs, pusherArgs, type TranscodeJob } from './transcode-commands.ts';
import type { RungProcesses } from '../../services/transcode/rung-processes.ts';
import { loadavg } from 'node:os';

export type Bench = {
  ffmpegPath: string;
  /** The test lesson file. */
  input: string;
  mediaSeconds: number;
  workDir: string;
  job: Omit<TranscodeJob, 'lessonDir' | 'run'>;
  /** Seconds after the start of a lesson between which CPU is measured. */
  cpuWindow: { fromSeconds: number; toSeconds: number };
  cleanup: Cleanup;
};

export type OursTrial = { windowSeconds: number; nodePercent: number; ffmpegPercent: number; totalPercent: number };
export type BareTrial = { windowSeconds: number; ffmpegPercent: number };
export type RealtimeRun = { wallSeconds: number; speed: number; cpuPercent: number };
/** `renditionsShed`: the most renditions the lesson had shed at once during the window (the full ladder holds only at 0). */
export type LessonKeepUp = KeepUp & { lessonId: string; renditionsShed: number };
/** `loadAverage`: the machine's one-minute load average at the end of the run (other people's work included). */
export type CapacityRun = { lessons: number; rungProcesses: RungProcesses; runSeconds: number; windowSeconds: number; cpuPercent: number; loadAverage: number; perLesson: LessonKeepUp[]; keepsUp: boolean };

/** One lesson pushed in real time into an in-process ingest: this process plus its transcoder. */
export async function measureOurs(bench: Bench): Promise<OursTrial> {
  const classroom = { id: 'bench-room', key: 'bench-key-0001-secret' };
  const ingest = await startTestIngest({ classrooms: [classroom] });
  const stopIngest = bench.cleanup.add(() => ingest.stop());
  const pusher = startFfmpeg(bench.ffmpegPath, pusherArgs(bench.input, ingest.rtmpUrl(classroom.key)));
  const stopPusher = bench.cleanup.add(pusher.stop);
  try {
    const transcoders = () => childProcesses(process.pid, 'ffmpeg').filter((pid) => pid !== pusher.pid);
    const window = await measureCpuWindow(bench, pusher.startedAtMs, [pusher], transcoders);
    return { windowSeconds: window.wallSeconds, nodePercent: window.ownPercent, ffmpegPercent: window.pidsPercent, totalPercent: window.ownPercent + window.pidsPercent };
  } finally {
    await stopPusher();
    await stopIngest();
  }
}

/** The same transcode as our ingest runs, alone, reading the file in real time. */
export async function measureBare(bench: Bench, trial: number): Promise<BareTrial> {
  const lessonDir = join(bench.workDir, `bare-${trial}`);
  const transcoder = startFfmpeg(bench.ffmpegPath, await bareTranscodeArgs(bench.input, { ...bench.job, lessonDir, run: 1 }, true));
  const stop = bench.cleanup.add(transcoder.stop);
  try {
    const window = await measureCpuWindow(bench, transcoder.startedAtMs, [transcoder], () => [transcoder.pid]);
    return { windowSeconds: window.wallSeconds, ffmpegPercent: window.pidsPercent };
  } finally {
    await stop();
    await rm(lessonDir, { recursive: true, force: true });
  }
}

/** The bare transcode as fast as it goes: how many times real time one lesson's ladder encodes. */
export async function measureRealtime(bench: Bench): Promise<RealtimeRun> {
  const lessonDir = join(bench.workDir, 'realtime');
  const args = await bareTranscodeArgs(bench.input, { ...bench.job, lessonDir, run: 1 }, false);
  const cpuBefore = reapedChildrenCpuSeconds();
  const transcoder = startFfmpeg(bench.ffmpegPath, args);
  const stop = bench.cleanup.add(transcoder.stop);
  try {
    const code = await transcoder.exited;
    const wallSeconds = (performance.now() - transcoder.startedAtMs) / 1000;
    if (code !== 0) throw new Error(`the bare transcode failed (exit ${code}): ${transcoder.stderrTail()}`);
    const cpuSeconds = reapedChildrenCpuSeconds() - cpuBefore;
    return { wallSeconds, speed: bench.mediaSeconds / wallSeconds, cpuPercent: (100 * cpuSeconds) / wallSeconds };
  } finally {
    await stop();
    await rm(lessonDir, { recursive: true, force: true });
  }
}

/**
 * `count` lessons pushed at once into one in-process ingest for `runSeconds`; over the last
 * `windowSeconds`, each lesson's `rendition` playlist must keep up with real time
 * (lesson-progress.ts). `rungProcesses`: the encoded rungs in one process or one each.
 */
export async function measureCapacity(bench: Bench, count: number, runSeconds: number, windowSeconds: number, rendition: string, rungProcesses: RungProcesses): Promise<CapacityRun> {
  const classrooms = Array.from({ length: count }, (_, index) => ({ id: `bench-room-${index + 1}`, key: `bench-key-${String(index + 1).padStart(4, '0')}-secret` }));
  const ingest = await startTestIngest({ classrooms, transcode: { rungProcesses } });
  const stopIngest = bench.cleanup.add(() => ingest.stop());
  const pushers = classrooms.map((classroom) => startFfmpeg(bench.ffmpegPath, pusherArgs(bench.input, ingest.rtmpUrl(classroom.key))));
  const stopPushers = bench.cleanup.add(() => Promise.all(pushers.map((pusher) => pusher.stop())));
  try {
    const startedAtMs = Date.now();
    const lessons = await waitFor(`${count} live lessons`, async () => {
      const { lessons } = (await (await fetch(`${ingest.baseUrl}/api/v1/ingest/lessons?state=live`)).json()) as { lessons: Array<{ id: string }> };
      return lessons.length === count ? lessons : undefined;
    });
    const followers = lessons.map((lesson) => followLesson(ingest.baseUrl, lesson.id, rendition)).sort((a, b) => a.lessonId.localeCompare(b.lessonId));
    const pusherPids = new Set(pushers.map((pusher) => pusher.pid));
    const transcoders = () => childProcesses(process.pid, 'ffmpeg').filter((pid) => !pusherPids.has(pid));
    const windowStartMs = startedAtMs + (runSeconds - windowSeconds) * 1000;
    let cpuStart: CpuSample | undefined;
    const mostShed = new Map<string, number>();
    while (Date.now() < startedAtMs + runSeconds * 1000) {
      await Promise.all(followers.map((follower) => follower.poll()));
      if (!cpuStart && Date.now() >= windowStartMs) cpuStart = sampleCpu(transcoders());
      if (cpuStart) {
        for (const lesson of lessons) {
          const shed = lessonTranscoding(join(ingest.ingest.liveDir, lesson.id))?.renditionsShed ?? 0;
          mostShed.set(lesson.id, Math.max(mostShed.get(lesson.id) ?? 0, shed));
        }
      }
      await sleepWhileRunning(250, pushers);
    }
    if (!cpuStart) throw new Error(`the ${count} lessons took the whole run to start`);
    const cpu = cpuBetween(cpuStart, sampleCpu([...new Set([...cpuStart.pidSeconds.keys(), ...transcoders()])]));
    const endMs = Date.now();
    const perLesson = followers.map((follower) => {
      const keepUp = keepUpOver(follower.arrivals(), endMs - windowSeconds * 1000, endMs, bench.job.segmentSeconds);
      const renditionsShed = mostShed.get(follower.lessonId) ?? 0;
      return { lessonId: follower.lessonId, ...keepUp, renditionsShed, keepsUp: keepUp.keepsUp && renditionsShed === 0 };
    });
    return { lessons: count, rungProcesses, runSeconds, windowSeconds, cpuPercent: cpu.ownPercent + cpu.pidsPercent, loadAverage: loadavg()[0]!, perLesson, keepsUp: perLesson.every((lesson) => lesson.keepsUp) };
  } finally {
    await stopPushers();
    await stopIngest();
  }
}

/** CPU of this process and of `pids()` between the bench's window bounds, counted from `startedAtMs`. */
async function measureCpuWindow(bench: Bench, startedAtMs: number, mustRun: FfmpegChild[], pids: () => number[]): Promise<CpuWindow> {
  await sleepWhileRunning(startedAtMs + bench.cpuWindow.fromSeconds * 1000 - performance.now(), mustRun);
  const pidsAtStart = pids();
  if (pidsAtStart.length === 0) throw new Error(`no transcoder ffmpeg was running ${bench.cpuWindow.fromSeconds} s after the lesson started`);
  const start = sampleCpu(pidsAtStart);
  await sleepWhileRunning(startedAtMs + bench.cpuWindow.toSeconds * 1000 - performance.now(), mustRun);
  const window = cpuBetween(start, sampleCpu([...new Set([...pidsAtStart, ...pids()])]));
  if (window.lostPids.length > 0) throw new Error(`transcoder ffmpeg ${window.lostPids.join(', ')} exited inside the CPU window; its CPU cannot be counted`);
  return window;
}

/** Waits `ms`, failing at once if one of `children` exits meanwhile. */
export async function sleepWhileRunning(ms: number, children: readonly FfmpegChild[]): Promise<void> {
  let timer: NodeJS.Timeout | undefined;
  const exits = children.map((child) =>
    child.exited.then((code) => {
      throw new Error(`ffmpeg ${child.pid} exited early (exit ${code}): ${child.stderrTail() || 'no message'}`);
    }),
  );
  try {
    await Promise.race([new Promise((resolve) => (timer = setTimeout(resolve, Math.max(0, ms)))), ...exits]);
  } finally {
    clearTimeout(timer);
    for (const exit of exits) exit.catch(() => {});
  }
}
