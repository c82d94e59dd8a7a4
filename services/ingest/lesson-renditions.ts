// A lesson's ladder below the source copy: the encoded rungs, fed from the encoder the publish
// session carries, living across the lesson's publish runs. By default one ffmpeg decodes the source
// once for every encoded rung (rung-processes.ts says which processes carry which rungs). It
// - judges the source from its first copied segment (source-fitness.ts): fit, the top rendition is
//   the source as sent (linked, never encoded); not fit, the top is encoded too and the school is
//   told why;
// - sheds renditions when the node is short of CPU and gives them back later
//   (rendition-shedding.ts). A process cannot drop one output, so a shed (or a restore) replaces
//   the process that carries the rung: its rungs' playlists take a lower rung's segments, or the
//   source's (the packager's linkTrack), which cover the same time, so nothing it holds would be
//   published and it is stopped at once; a process with the new set of rungs then starts on the
//   current group of pictures;
// - never kills a slow ffmpeg whose work is still wanted: at the end of a publish every rung drains; only a frozen one
//   (no progress, no CPU, work waiting) is killed and started again. Progress is judged per
//   process: all its rungs are as far as it is.
import { PassThrough } from 'node:stream';
import type { Logger } from '../core/log.ts';
import type { LessonPackager } from '../packager/lesson-packager.ts';
import { buildLadderArgs } from '../transcode/ffmpeg-args.ts';
import { knowsSourceKeyframes } from '../transcode/ffmpeg-features.ts';
import { startFfmpeg, type FfmpegProcess } from '../transcode/ffmpeg-process.ts';
import { sourceRenditionName, type Rendition } from '../transcode/ladder.ts';
import { decideShedding, frozenSecondsFor, isFrozen, nextBackoffSeconds, sheddingPolicyFor, stalledSeconds } from '../transcode/rendition-shedding.ts';
import { planProcesses, rungGroups, type RungProcesses } from '../transcode/rung-processes.ts';
import { judgeSource, type SourceFitness } from '../transcode/source-fitness.ts';
import { reportRenditionsShed, trackTranscoderRun } from './live-figures.ts';
import { nodeIdleShare } from './node-cpu.ts';
import type { SourceFeed } from './source-feed.ts';

export type RenditionsOptions = {
  lessonDir: string;
  ladder: readonly Rendition[];
  hasAudio: boolean;
  segmentSeconds: number;
  packager: LessonPackager;
  ffmpegPath: string;
  preset: string;
  audioKbps: number;
  /** transcode.rungProcesses: all encoded rungs in one process (one decode), or one process each. */
  rungProcesses: RungProcesses;
  /** ingest.transcoderStallSeconds: how long a process may make no progress at all before it counts as frozen. */
  stallSeconds: number;
  /** A new run number of the lesson for each process (lessons.ts beginRun). */
  beginRun(): number;
  /** A rung process's ffmpeg died or froze and is started again (the lesson's restarts metric). */
  onRestart(): void;
  log: Logger;
};

/** Where a publish run starts: its wall-clock time and the source's FLV timestamp at that moment (ms). */
export type RunAnchor = { wallMs: number; flvMs: number };

export type LessonRenditions = {
  /**
   * A publish run carries `feed` from now on: the wanted renditions start on it, attached at once,
   * `from` where the run's source copy starts (source-feed.ts).
   */
  attach(feed: SourceFeed, anchor: RunAnchor, from: 'backlog' | 'gop'): void;
  /** The publish run ended: every rendition finishes what it holds. */
  detach(): void;
  /** How the source was judged for the current publish run (undefined until its first segment). */
  fitness(): SourceFitness | undefined;
  shedCount(): number;
  /** Settles once no rendition's ffmpeg is left (all drained). */
  settled(): Promise<void>;
};

/** One ffmpeg carrying one or more encoded rungs, each into its own packager run. */
type RungProcess = {
  id: number;
  rungs: Array<{ name: string; run: number }>;
  keyframes: 'source' | 'every-segment';
  /** Set once the runs' folders are made and ffmpeg started. */
  ffmpeg?: FfmpegProcess;
  /** The source's FLV timestamp where the process started (ms). */
  startMs: number;
  /** The source's timestamp when its input ended; undefined while it is fed. */
  endMs?: number;
  /**
   * Ended while its encoder still pushes (a rung shed or restored, or restarted with other
   * keyframes): its rungs' playlists take a lower rung's segments, or the source's, at once, so
   * their viewers never wait on a process that is behind. The packager then publishes nothing more
   * of its runs (a linked playlist takes no segments of its own, and the time they cover is
   * covered already), so it is stopped at once rather than drained: finishing a backlog nobody
   * will see would take the CPU the node is short of. (At the end of a publish the rungs keep
   * their own, and the process drains: nothing newer exists.)
   */
  replaced?: boolean;
  detachInput?: () => void;
  frozen: boolean;
  /** Its lag at the last few checks, oldest first: falling means it is catching up. */
  lags: number[];
  startedAtMs: number;
};

/** A process whose ffmpeg fails more often than this in a minute has its rungs shed (for the longest back-off) rather than restarted. */
const maxRestartsPerMinute = 5;
/** Renditions yield the CPU to the source copy and the node process. */
const renditionNiceness = 10;
const checkMs = 1000;
/** Checks over which a rendition's lag must have fallen for it to count as catching up. */
const lagChecksKept = 4;
/** A process is not taken for a sign of a busy node in its first seconds. */
const warmUpMs = 10_000;

export function createLessonRenditions(options: RenditionsOptions): LessonRenditions {
  const { log, packager, ladder } = options;
  const policy = sheddingPolicyFor(options.segmentSeconds);
  const frozenSeconds = frozenSecondsFor(options.stallSeconds, options.segmentSeconds);
  const sourceKeyframes = knowsSourceKeyframes(options.ffmpegPath);
  /** On the source's keyframes, unless they are too far apart (or this ffmpeg cannot). */
  const keyframes = () => (sourceKeyframes && (!fitness || fitness.fit) ? 'source' : 'every-segment');
  const processes = new Map<number, RungProcess>();
  let nextProcessId = 1;
  /** The source was just judged not fit: the process that now encodes the top starts from the run's backlog, kept until then. */
  let backlogWanted = false;
  const shed = new Map<string, { until: number; probeAt: number }>();
  const backoffs = new Map<string, { backoffSeconds: number; restoredAt: number }>();
  const restarts = new Map<string, number[]>();
  const links = new Map<string, string | undefined>();
  let feed: { source: SourceFeed; anchor: RunAnchor; sourceSegmentsBefore: number } | undefined;
  let fitness: SourceFitness | undefined;
  let lastChangeAt = 0;
  let timer: NodeJS.Timeout | undefined;
  let wakeSettled: (() => void) | undefined;
  let settledPromise: Promise<void> = Promise.resolve();

  /** The renditions that are encoded: all when the source is not fit to serve, all but the top otherwise. */
  const encoded = () => (fitness && !fitness.fit ? ladder : ladder.slice(1)).map((rendition) => rendition.name);
  const wanted = (name: string) => feed !== undefined && encoded().includes(name) && !shed.has(name);

  const start = (renditions: readonly Rendition[], from: 'backlog' | 'gop') => {
    const rungs = renditions.map((rendition) => ({ name: rendition.name, run: options.beginRun() }));
    // Attached now, before the runs' folders are made, so its start in the source is known exactly.
    const input = new PassThrough({ highWaterMark: 4 * 1024 * 1024 });
    const attachment = feed!.source.attach(input, from);
    const entry: RungProcess = {
      id: nextProcessId++,
      rungs,
      keyframes: keyframes(),
      startMs: attachment.fromFlvMs,
      detachInput: attachment.detach,
      startedAtMs: Date.now(),
      frozen: false,
      lags: [],
    };
    processes.set(entry.id, entry);
    const startedAt = feed!.anchor.wallMs + (attachment.fromFlvMs - feed!.anchor.flvMs);
    const names = rungs.map((rung) => rung.name);
    const runLog = log.child({ renditions: names.join(','), runs: rungs.map((rung) => rung.run).join(',') });
    void Promise.all(rungs.map((rung) => packager.startRun(rung.run, { track: rung.name, startedAt })))
      .then(() => {
        const invocation = buildLadderArgs({
          rungs: renditions.map((rendition, index) => ({ rendition, run: rungs[index]!.run })),
          hasAudio: options.hasAudio,
          segmentSeconds: options.segmentSeconds,
          preset: options.preset,
          audioKbps: options.audioKbps,
          lessonDir: options.lessonDir,
          keyframes: entry.keyframes,
        });
        const ffmpeg = startFfmpeg(invocation, options.ffmpegPath, runLog, { niceness: renditionNiceness, input });
        // The lesson's transcoding figures for /metrics and the node's load, from what the process announces.
        const figures = trackTranscoderRun(options.lessonDir);
        ffmpeg.events.on('progress', figures.report);
        ffmpeg.events.on('exit', figures.finish);
        entry.ffmpeg = ffmpeg;
        // Ended while the runs' folders were made: it writes what it was given and stops, or, replaced, just stops.
        if (entry.replaced) ffmpeg.kill();
        else if (entry.endMs !== undefined) void ffmpeg.finish();
        return ffmpeg.exited;
      })
      .catch((error: unknown) => ({ expected: false, error: String(error), stderrTail: [] as string[] }))
      .then(async (exit) => {
        entry.detachInput?.();
        await Promise.all(rungs.map((rung) => packager.finishRun(rung.run)));
        processes.delete(entry.id);
        const expected = exit.expected || (entry.replaced === true && !entry.frozen);
        if (entry.frozen) runLog.error('rendition ffmpeg frozen: killed and started again', { stderr: exit.stderrTail });
        else if (!expected) runLog.error('rendition ffmpeg exited', { error: exit.error, stderr: exit.stderrTail });
        if (!expected) options.onRestart();
        if (!expected && names.some(wanted) && tooManyRestarts(names.join(','))) {
          runLog.error('rendition ffmpeg keeps failing: shed for now', { backoffSeconds: policy.maxBackoffSeconds });
          for (const name of names) shed.set(name, { until: Date.now() + policy.maxBackoffSeconds * 1000, probeAt: Date.now() + 2 * policy.maxBackoffSeconds * 1000 });
        }
        reconcile();
      });
  };

  const tooManyRestarts = (name: string) => {
    const now = Date.now();
    const recent = [...(restarts.get(name) ?? []), now].filter((at) => now - at < 60_000);
    restarts.set(name, recent);
    return recent.length > maxRestartsPerMinute;
  };

  const drain = (entry: RungProcess, replaced: boolean) => {
    if (entry.endMs !== undefined) return;
    entry.replaced = replaced;
    entry.endMs = feed?.source.lastTimestamp() ?? entry.startMs + movementOf(entry).mediaSeconds * 1000;
    entry.detachInput?.();
    entry.detachInput = undefined;
    if (replaced) entry.ffmpeg?.kill();
    else void entry.ffmpeg?.finish();
  };

  /** Its playlist takes its own process's segments: one runs for it and has not been replaced. */
  const ownFed = (name: string) => [...processes.values()].some((entry) => !entry.replaced && entry.rungs.some((rung) => rung.name === name));

  /** Starts and drains processes to match what is wanted, then points each rendition's playlist at its feed. */
  const reconcile = (from: 'backlog' | 'gop' = 'gop') => {
    // A process not carrying exactly the rungs wanted, or started on the source's keyframes before
    // they were found too far apart, is replaced (stopped) or, at the end of a publish, drained; the new one starts once it has exited.
    const plan = planProcesses(
      rungGroups(encoded().filter(wanted), options.rungProcesses),
      [...processes.values()].map((entry) => ({ id: entry.id, rungs: entry.rungs.map((rung) => rung.name), draining: entry.endMs !== undefined, keyframesMatch: entry.keyframes === keyframes() })),
    );
    for (const id of plan.drain) drain(processes.get(id)!, feed !== undefined);
    for (const group of plan.start) start(group.map((name) => ladder.find((rendition) => rendition.name === name)!), backlogWanted ? 'backlog' : from);
    if (backlogWanted && plan.waiting.length === 0) {
      backlogWanted = false;
      feed?.source.dropBacklog();
    }
    for (const [index, rendition] of ladder.entries()) {
      let from: string | undefined;
      if (ownFed(rendition.name)) from = undefined;
      // The top is the source itself once the source is found fit to serve; until it is judged the
      // top waits (a first long segment would fix a long target duration for the whole lesson).
      else if (index === 0 && fitness?.fit) from = sourceRenditionName;
      else if (index === 0 && !fitness) from = undefined;
      else from = ladder.slice(index + 1).find((lower) => ownFed(lower.name))?.name ?? sourceRenditionName;
      if (links.has(rendition.name) && links.get(rendition.name) === from) continue;
      links.set(rendition.name, from);
      void packager.linkTrack(rendition.name, from);
    }
    reportRenditionsShed(options.lessonDir, shed.size);
    if (processes.size === 0 && !feed) {
      clearInterval(timer);
      timer = undefined;
      // Once the links just asked for are made: nothing writes into the lesson's folder after this.
      const wake = wakeSettled;
      wakeSettled = undefined;
      if (wake) void packager.idle().then(wake);
    } else if (!timer) {
      settledPromise = new Promise((resolve) => (wakeSettled = resolve));
      timer = setInterval(check, checkMs);
    }
  };

  /** What the process has written and when it last moved; before its ffmpeg starts, nothing since the run began. */
  const movementOf = (entry: RungProcess) => entry.ffmpeg?.movement() ?? { mediaSeconds: 0, lastMovedAt: entry.startedAtMs, spawnedAt: undefined };

  const lagOf = (entry: RungProcess, mediaSeconds: number) => {
    const sourceMs = entry.endMs ?? feed?.source.lastTimestamp() ?? entry.startMs;
    return Math.max(0, (sourceMs - entry.startMs) / 1000 - mediaSeconds);
  };

  const check = () => {
    const now = Date.now();
    if (feed && !fitness) {
      const first = packager.segments(sourceRenditionName)[feed.sourceSegmentsBefore];
      if (first) {
        fitness = judgeSource(first, ladder[0]!, options.segmentSeconds);
        if (fitness.fit) log.info('source fit to serve: the top rendition is the source as sent', { rendition: ladder[0]!.name });
        else log.warn('source not fit to serve as it is: the top rendition is encoded too', { reason: fitness.reason, advice: fitness.advice });
        // An encoded top starts where the run did (the feed keeps it all until the process that
        // encodes it has started), so it misses nothing; it is behind at first and catches up
        // (never taken for a node short of CPU).
        backlogWanted = true;
        reconcile('backlog');
      }
    }
    const moved = new Map([...processes.values()].map((entry) => [entry, movementOf(entry)]));
    for (const [entry, { mediaSeconds, lastMovedAt, spawnedAt }] of moved) {
      // Judged from when ffmpeg really started: waiting to be spawned is not being frozen.
      if (!entry.frozen && entry.ffmpeg && spawnedAt !== undefined && isFrozen({ pendingSeconds: lagOf(entry, mediaSeconds), lastMovedAt }, now, frozenSeconds)) {
        entry.frozen = true;
        entry.ffmpeg.kill();
      }
    }
    const decision = decideShedding(
      {
        encoded: encoded(),
        running: [...moved].flatMap(([entry, { mediaSeconds, lastMovedAt, spawnedAt }]) => {
          const lagSeconds = lagOf(entry, mediaSeconds);
          entry.lags = [...entry.lags, lagSeconds].slice(-lagChecksKept);
          // Every rung of a process is as far as the process.
          return entry.rungs.map((rung) => ({
            name: rung.name,
            lagSeconds,
            draining: entry.endMs !== undefined,
            stalled: now - lastMovedAt > stalledSeconds * 1000,
            // A process just started (many at once when a lesson, or a node, starts) is judged only
            // once it has had time to warm up, counted from when ffmpeg really started (spawning it
            // can take many seconds on a loaded node): its first seconds say nothing of the node's CPU.
            catchingUp: spawnedAt === undefined || now - spawnedAt < warmUpMs || (entry.lags.length === lagChecksKept && lagSeconds < entry.lags[0]!),
          }));
        }),
        shed,
        lastChangeAt,
        nodeIdle: nodeIdleShare(),
        now,
      },
      policy,
    );
    if (decision && 'shed' in decision) {
      const backoffSeconds = nextBackoffSeconds(policy, backoffs.get(decision.shed), now);
      backoffs.set(decision.shed, { backoffSeconds, restoredAt: backoffs.get(decision.shed)?.restoredAt ?? 0 });
      shed.set(decision.shed, { until: now + backoffSeconds * 1000, probeAt: now + 2 * backoffSeconds * 1000 });
      lastChangeAt = now;
      const shedEntry = [...moved.keys()].find((entry) => entry.endMs === undefined && entry.rungs.some((rung) => rung.name === decision.shed))!;
      const lag = lagOf(shedEntry, moved.get(shedEntry)!.mediaSeconds);
      log.warn('rendition shed: the node is short of CPU', { rendition: decision.shed, lagSeconds: Math.round(lag * 10) / 10, backoffSeconds });
    } else if (decision && 'restore' in decision) {
      shed.delete(decision.restore);
      const previous = backoffs.get(decision.restore);
      backoffs.set(decision.restore, { backoffSeconds: previous?.backoffSeconds ?? policy.backoffSeconds, restoredAt: now });
      lastChangeAt = now;
      log.info('rendition restored', { rendition: decision.restore });
    }
    reconcile();
  };

  return {
    attach(source, anchor, from) {
      feed = { source, anchor, sourceSegmentsBefore: packager.segments(sourceRenditionName).length };
      fitness = undefined;
      reconcile(from);
    },
    detach() {
      for (const entry of processes.values()) drain(entry, false);
      feed = undefined;
      backlogWanted = false;
      reconcile();
    },
    fitness: () => fitness,
    shedCount: () => shed.size,
    settled: () => settledPromise,
  };
}
