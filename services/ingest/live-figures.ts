// What this ingest process measures about its live streams, kept in memory for its /metrics
// (services/stats/ingest-metrics.ts), so a scrape never waits on the catalog: each connected
// encoder's latest figures (encoder-meter.ts, by the classroom it pushes for) and each lesson's
// transcoder progress (transcoder.ts, by the lesson's directory, across the lesson's runs). The
// parts that measure register here themselves, so the publish session needs no wiring for it.
// Process-wide on purpose: the meters and transcoders of one process feed one /metrics.

/** An encoder's figures over its last sample (null: not measured yet). */
export type EncoderFigures = {
  bitrateKbps: number | null;
  fps: number | null;
  /** Seconds between the last two video keyframes, from the FLV timestamps. */
  keyframeIntervalSeconds: number | null;
  width: number | null;
  height: number | null;
};

/** One progress report of ffmpeg (`-progress`): its speed against real time, frames dropped and duplicated so far. */
export type TranscoderProgress = { speed: number | null; droppedFrames: number; duplicatedFrames: number };

/** A lesson's transcoding figures: the current run's speed and frame counts summed over its runs. */
export type LessonTranscoding = { running: boolean; speed: number | null; droppedFrames: number; duplicatedFrames: number };

type EncoderEntry = { read: () => EncoderFigures };
type LessonEntry = { carried: { dropped: number; duplicated: number }; current: TranscoderProgress; running: boolean; updatedAt: number };

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

/** A transcoder run of the lesson in `lessonDir` starts: its progress goes to `report`, `finish` ends the run. */
export function trackTranscoderRun(lessonDir: string): { report(progress: TranscoderProgress): void; finish(): void } {
  const now = Date.now();
  for (const [dir, entry] of lessons) if (!entry.running && now - entry.updatedAt > keptAfterLastRunMs) lessons.delete(dir);
  const previous = lessons.get(lessonDir);
  const entry: LessonEntry = {
    // ffmpeg counts from zero in each run; the lesson's counters carry on from the runs before.
    carried: previous
      ? { dropped: previous.carried.dropped + previous.current.droppedFrames, duplicated: previous.carried.duplicated + previous.current.duplicatedFrames }
      : { dropped: 0, duplicated: 0 },
    current: { speed: null, droppedFrames: 0, duplicatedFrames: 0 },
    running: true,
    updatedAt: now,
  };
  lessons.set(lessonDir, entry);
  return {
    report(progress) {
      entry.current = progress;
      entry.updatedAt = Date.now();
    },
    finish() {
      entry.running = false;
      entry.updatedAt = Date.now();
    },
  };
}

/** The lesson's transcoding figures, or undefined if no run of it was seen in this process. */
export function lessonTranscoding(lessonDir: string): LessonTranscoding | undefined {
  const entry = lessons.get(lessonDir);
  if (!entry) return undefined;
  return {
    running: entry.running,
    speed: entry.running ? entry.current.speed : null,
    droppedFrames: entry.carried.dropped + entry.current.droppedFrames,
    duplicatedFrames: entry.carried.duplicated + entry.current.duplicatedFrames,
  };
}
