// What this ingest process measures about its live streams, kept in memory for its /metrics
// (services/stats/ingest-metrics.ts), so a scrape never waits on the catalog: each connected
// encoder's latest figures (encoder-meter.ts, by the classroom it pushes for) and each lesson's
// transcoder progress (the events of its ffmpeg processes, which lesson-renditions.ts listens to, by
// the lesson's directory, across the lesson's runs). The parts that measure register here
// themselves, so the publish session needs no wiring for it. Process-wide on purpose: the meters and
// transcoders of one process feed one /metrics. The transcoder knows nothing of it: it only emits.
import type { TranscoderProgress } from '../transcode/ffmpeg-progress.ts';

/** An encoder's figures over its last sample (null: not measured yet). */
export type EncoderFigures = {
  bitrateKbps: number | null;
  fps: number | null;
  /** Seconds between the last two video keyframes, from the FLV timestamps. */
  keyframeIntervalSeconds: number | null;
  width: number | null;
  height: number | null;
};

/**
 * A lesson's transcoding figures: the slowest running rendition's speed, frame counts summed over
 * every run, and how many renditions are shed now (rendition-shedding.ts).
 */
export type LessonTranscoding = { running: boolean; speed: number | null; droppedFrames: number; duplicatedFrames: number; renditionsShed: number };

type EncoderEntry = { read: () => EncoderFigures };
type RunEntry = { current: TranscoderProgress };
type LessonEntry = { carried: { dropped: number; duplicated: number }; runs: Set<RunEntry>; shed: number; updatedAt: number };

const encoders = new Map<string, EncoderEntry[]>();
const lessons = new Map<string, LessonEntry>();

/** A lesson's counts outlive its runs this long after the last one (its reconnect grace, with room to spare). */
const keptAfterLastRunMs = 3600_000;

/**
 * Registers a connected encoder's figures under its classroom, after any already there (in the
 * order they connected); the returned function forgets them.
 */
export function trackEncoder(classroomId: string, read: () => EncoderFigures): () => void {
  const entry = { read };
  encoders.set(classroomId, [...(encoders.get(classroomId) ?? []), entry]);
  return () => {
    const left = (encoders.get(classroomId) ?? []).filter((other) => other !== entry);
    if (left.length > 0) encoders.set(classroomId, left);
    else encoders.delete(classroomId);
  };
}

/** The classrooms with a connected encoder now. */
export function connectedClassrooms(): string[] {
  return [...encoders.keys()];
}

/** The figures of the classroom's encoder: the most recently connected when two push (primary and backup key). */
export function encoderFigures(classroomId: string): EncoderFigures | undefined {
  return encoders.get(classroomId)?.at(-1)?.read();
}

const lessonEntry = (lessonDir: string, now: number): LessonEntry => {
  for (const [dir, entry] of lessons) if (entry.runs.size === 0 && now - entry.updatedAt > keptAfterLastRunMs) lessons.delete(dir);
  let entry = lessons.get(lessonDir);
  if (!entry) lessons.set(lessonDir, (entry = { carried: { dropped: 0, duplicated: 0 }, runs: new Set(), shed: 0, updatedAt: now }));
  return entry;
};

/**
 * A transcoder run of the lesson in `lessonDir` starts (several run at once, one per rendition):
 * its progress goes to `report`, `finish` ends the run.
 */
export function trackTranscoderRun(lessonDir: string): { report(progress: TranscoderProgress): void; finish(): void } {
  const entry = lessonEntry(lessonDir, Date.now());
  const run: RunEntry = { current: { speed: null, mediaSeconds: null, droppedFrames: 0, duplicatedFrames: 0 } };
  entry.runs.add(run);
  entry.updatedAt = Date.now();
  return {
    report(progress) {
      run.current = progress;
      entry.updatedAt = Date.now();
    },
    finish() {
      if (!entry.runs.delete(run)) return;
      // ffmpeg counts from zero in each run; the lesson's counters carry on from the runs before.
      entry.carried = { dropped: entry.carried.dropped + run.current.droppedFrames, duplicated: entry.carried.duplicated + run.current.duplicatedFrames };
      entry.updatedAt = Date.now();
    },
  };
}

/** How many of the lesson's renditions are shed for want of CPU now. */
export function reportRenditionsShed(lessonDir: string, shed: number): void {
  lessonEntry(lessonDir, Date.now()).shed = shed;
}

/** The lesson's transcoding figures, or undefined if no run of it was seen in this process. */
export function lessonTranscoding(lessonDir: string): LessonTranscoding | undefined {
  const entry = lessons.get(lessonDir);
  if (!entry) return undefined;
  const running = [...entry.runs];
  const speeds = running.flatMap((run) => (run.current.speed === null ? [] : [run.current.speed]));
  return {
    running: running.length > 0,
    speed: speeds.length > 0 ? Math.min(...speeds) : null,
    droppedFrames: entry.carried.dropped + running.reduce((sum, run) => sum + run.current.droppedFrames, 0),
    duplicatedFrames: entry.carried.duplicated + running.reduce((sum, run) => sum + run.current.duplicatedFrames, 0),
    renditionsShed: entry.shed,
  };
}
