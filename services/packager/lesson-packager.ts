// Owns a lesson's playlists. It follows what the segmenters (ffmpeg processes, one per run) have
// finished, gives each segment its rendition's next sequence number, hashes it, and rewrites the
// rendition's live playlist (the sliding window), its time-shift playlist (the whole lesson so far),
// its hash lists (the newest segments, and the whole lesson: hash-lists.ts) and (once every served
// rendition has media) the master playlists: one over the live playlists, one over the time-shift
// ones.
//
// Two kinds of track:
// - `source`, the school's stream copied as sent (never listed in a master): the recording.
// - the served ladder. Each rendition is fed either by runs of its own (an ffmpeg encoding it) or,
//   while it has none (its encoder shed for want of CPU, or the top rung when the source is fit to
//   serve as it is), by another track's segments, hard-linked into its folder under their own names
//   (rendition-feeds.ts decides which). So a rendition never stops growing: a viewer on it gets a
//   lower (or the source) picture for a while after a discontinuity, never a stall.
// Every segment has a place in the lesson's time (its program date time, from the run's start plus
// the media before it), and a track only takes a segment that starts where it has got to (within a
// quarter of a segment) and brings at least half its length of new time, so its own late segments
// and a fallback's never overlap, and a short one is never taken twice.
//
// A lesson whose ingest died mid-lesson is continued from what its folder holds (restored-lesson.ts):
// the segments already published keep their names and numbers, and what a dead run's segmenter
// finished but never saw published is recovered from the run's folder (its run.json says whose it is).
import { createHash } from 'node:crypto';
import { link, mkdir, readFile, rename, rm, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { writeFileAtomic } from '../core/atomic-write.ts';
import type { Logger } from '../core/log.ts';
import { parsePlaylist } from '../core/parse-playlist.ts';
import type { Rendition } from '../transcode/ladder.ts';
import { segmenterDir, segmenterPlaylistName, segmenterSegmentPattern } from '../transcode/ffmpeg-args.ts';
import { advertisedBandwidth } from './advertised-bandwidth.ts';
import { codecsFromInitSegment } from './codec-string.ts';
import { readInitTracks, segmentMediaSeconds, type InitTracks } from './fmp4-duration.ts';
import { continuesTrack } from './segment-continuity.ts';
import { writeMasterPlaylist } from './master-playlist.ts';
import { writeMediaPlaylist } from './media-playlist.ts';
import { publishedSegmentPattern, restoreLesson, type RestoredLesson } from './restored-lesson.ts';
import { liveHashListLength, wholeHashList, type WholeHashList } from './hash-lists.ts';
import { hashListFor, type SegmentRecord } from './segment-record.ts';

export const masterPlaylistName = 'master.m3u8';
export const mediaPlaylistName = 'index.m3u8';
/** The whole lesson so far: a viewer can seek back to its start while it is live. */
export const timeShiftMasterName = 'master-timeshift.m3u8';
export const timeShiftPlaylistName = 'timeshift.m3u8';
/** Every segment of the lesson so far, for time-shift viewers. */
export const hashListName = 'hashes.json';
/** The newest segments, for live viewers: the live window and a margin. */
export const liveHashListName = 'hashes-live.json';
/** Published names carry the run, so a reconnect never reuses a name a cache may hold. */
export const publishedSegmentName = (run: number, index: number) => `r${run}-${index}.m4s`;
export const publishedInitName = (run: number, rendition: string) => `init-r${run}-${rendition}.mp4`;
/** Segments the advertised bandwidth is measured over, newest first: enough for a rising average, bounded over a long lesson. */
const measuredSegments = 100;
/** Beside a run's segmenter files: which track the run feeds and when its first frame was. */
const runFileName = 'run.json';

export type LessonPackagerOptions = {
  lessonDir: string;
  /** The served renditions, best first. */
  ladder: readonly Rendition[];
  /** The source copy's track (ladder.ts sourceRendition). */
  source: Rendition;
  hasAudio: boolean;
  audioKbps: number;
  segmentSeconds: number;
  windowSize: number;
  log: Logger;
  pollMs?: number;
  /** What the lesson's folder already holds (readPackagedLesson), when a restarted ingest continues it. */
  restored?: RestoredLesson;
  /**
   * The lesson's lowest sequence number from here on: a node that takes a lesson over from a node
   * that went down holds none of its segments, and starts above anything that node published
   * (services/ingest/takeover-numbering.ts). Its first segment is marked a discontinuity. Default 0.
   */
  firstSequence?: number;
};

type Track = {
  rendition: Rendition;
  segments: SegmentRecord[];
  codecs?: string;
  hashes: WholeHashList;
  /** The track whose segments this one takes while it has no run of its own, or undefined. */
  linkedFrom?: string;
  /** Highest bandwidth advertised so far: a master is rewritten only when a segment needs more. */
  advertised?: { bandwidth: number; averageBandwidth: number };
  /** Something changed since its playlists were last written. */
  dirty: boolean;
};

type ActiveRun = {
  run: number;
  track: string;
  /** Wall-clock time (ms) of the run's first frame: its segments' program date times count from here. */
  startedAt: number;
  lastIndex: number;
  elapsed: number;
  /** mtime and size of ffmpeg's playlist when last read. */
  playlistVersion?: string;
  /** The run's video track, read from its init segment, to measure its segments by. */
  initTracks?: InitTracks;
};

export type RunStart = { track: string; startedAt: number };

export type LessonPackager = {
  /** Starts following a new run (its segmenter folder is made here, before ffmpeg starts). */
  startRun(run: number, start: RunStart): Promise<void>;
  /**
   * Picks up what the run's segmenter finished last, then stops following it; settles with the media
   * seconds the run's segmenter finished (runSeconds), 0 for a run not followed.
   */
  finishRun(run: number): Promise<number>;
  /**
   * Media seconds the run's segmenter has finished so far, from its first frame (late segments its
   * track did not take count too): the copy's segments end here, in the run's own timestamps.
   */
  runSeconds(run: number): number;
  /**
   * Publishes what a run of a process that died left finished in its segmenter folder, then
   * removes the folder; returns how many segments it recovered.
   */
  recoverRun(run: number): Promise<number>;
  /**
   * From now on `track` takes `from`'s segments (from where it has got to, including ones `from`
   * already has), or, with undefined, only its own runs' segments.
   */
  linkTrack(track: string, from: string | undefined): Promise<void>;
  /** Settles once every scan and link asked for so far is done. */
  idle(): Promise<void>;
  /** Marks the playlists complete (#EXT-X-ENDLIST). */
  end(): Promise<void>;
  /** Why the last scan failed (a full disk: ENOSPC), or undefined once a scan succeeds. */
  lastWriteError(): NodeJS.ErrnoException | undefined;
  /** Wall-clock time the newest segment was packaged (0 before the first). */
  lastSegmentAt(): number;
  segmentCount(): number;
  /** The served renditions. */
  renditions(): string[];
  /** The track's segments so far, oldest first (the metrics read their durations). */
  segments(track: string): readonly SegmentRecord[];
  close(): void;
};

export function createLessonPackager(options: LessonPackagerOptions): LessonPackager {
  const { log } = options;
  const tracks = new Map<string, Track>();
  for (const rendition of [...options.ladder, options.source]) {
    const restored = options.restored?.renditions.get(rendition.name);
    const segments = [...(restored?.segments ?? [])];
    tracks.set(rendition.name, { rendition, segments, ...(restored?.codecs ? { codecs: restored.codecs } : {}), hashes: wholeHashList(rendition.name, segments), dirty: false });
  }
  const active = new Map<number, ActiveRun>();
  let ended = false;
  let masterText = options.restored?.masterWritten ? '' : undefined;
  let lastSegmentAt = 0;
  let timer: NodeJS.Timeout | undefined;
  let scanning: Promise<void> = Promise.resolve();
  /** A segment may start this much before where its track has got to (a frame's rounding, a cut a little early). */
  const toleranceMs = options.segmentSeconds * 250;

  const trackOf = (name: string): Track => {
    const track = tracks.get(name);
    if (!track) throw new Error(`the lesson has no rendition ${name}`);
    return track;
  };
  const endOf = (track: Track) => {
    const last = track.segments.at(-1);
    return last ? last.programDateTime + last.duration * 1000 : -Infinity;
  };
  /** Whether a segment from `start` (ms) lasting `seconds` continues the track (segment-continuity.ts). */
  const continues = (track: Track, start: number, seconds: number) => continuesTrack(endOf(track), start, seconds, toleranceMs);
  const nextSequence = (track: Track) => Math.max(options.firstSequence ?? 0, (track.segments.at(-1)?.sequence ?? -1) + 1);
  const runOf = (uri: string) => Number(publishedSegmentPattern.exec(uri)?.[1]);

  /** Adds a segment (already in the track's folder) to the track and to every track linked from it. */
  const append = async (track: Track, segment: Omit<SegmentRecord, 'sequence' | 'discontinuity'>): Promise<void> => {
    const previous = track.segments.at(-1);
    const record: SegmentRecord = {
      ...segment,
      sequence: nextSequence(track),
      // A new run (or another track's run) may bring new timestamps and a new init segment.
      discontinuity: previous ? runOf(previous.uri) !== runOf(segment.uri) : (options.firstSequence ?? 0) > 0,
    };
    track.segments.push(record);
    track.hashes.add(record);
    track.dirty = true;
    lastSegmentAt = Date.now();
    for (const follower of tracks.values()) {
      if (follower.linkedFrom === track.rendition.name && continues(follower, record.programDateTime, record.duration)) await linkSegment(track, follower, record);
    }
  };

  const linkSegment = async (from: Track, to: Track, segment: SegmentRecord): Promise<void> => {
    const fromDir = join(options.lessonDir, from.rendition.name);
    const toDir = join(options.lessonDir, to.rendition.name);
    await linkOnce(join(fromDir, segment.initUri), join(toDir, segment.initUri));
    await linkOnce(join(fromDir, segment.uri), join(toDir, segment.uri));
    if (from.codecs && !to.codecs) to.codecs = from.codecs;
    const { sequence: _sequence, discontinuity: _discontinuity, ...rest } = segment;
    await append(to, rest);
  };

  // One scan at a time: a slow disk must not let two scans number the same segment twice.
  // A failure repeats every poll until it clears: log it once.
  let lastFailure: NodeJS.ErrnoException | undefined;
  const serially = (work: () => Promise<void>): Promise<void> =>
    (scanning = scanning
      .then(work)
      .then(() => void (lastFailure = undefined))
      .catch((error: NodeJS.ErrnoException) => {
        if (error.message !== lastFailure?.message) log.error('packager scan failed', { error });
        lastFailure = error;
      }));

  async function scan(runs: Iterable<ActiveRun> = active.values()): Promise<void> {
    for (const run of runs) await collect(run);
    await publishChanged();
  }

  async function publishChanged(): Promise<void> {
    // A master already out is raised before any playlist lists the segment that needs it, so a
    // player never reads a segment above the BANDWIDTH its master says (RFC 8216 §4.3.4.2). The first
    // master waits for every rendition's playlist (below).
    if (masterText !== undefined) await publishMaster();
    for (const track of tracks.values()) {
      if (!track.dirty) continue;
      await publishTrack(track);
      track.dirty = false;
    }
    await publishMaster();
  }

  /** Publishes the segments the run's segmenter finished since the last scan. */
  async function collect(run: ActiveRun): Promise<void> {
    const privateDir = segmenterDir(options.lessonDir, run.run);
    const track = trackOf(run.track);
    const publicDir = join(options.lessonDir, track.rendition.name);
    const playlistPath = join(privateDir, segmenterPlaylistName);
    let text: string;
    let version: string;
    try {
      // Most polls find nothing new: a stat is far cheaper than reading and parsing the playlist.
      const { mtimeMs, size } = await stat(playlistPath);
      version = `${mtimeMs}:${size}`;
      if (run.playlistVersion === version) return;
      text = await readFile(playlistPath, 'utf8');
    } catch {
      return; // The segmenter has not finished a segment yet.
    }
    let parsed;
    try {
      parsed = parsePlaylist(text);
    } catch {
      return; // Caught mid-write; the next scan sees it whole.
    }
    for (const entry of parsed.segments) {
      const match = segmenterSegmentPattern.exec(entry.uri);
      if (!match) continue;
      const index = Number(match[1]);
      if (index <= run.lastIndex) continue;
      const initUri = publishedInitName(run.run, track.rendition.name);
      if (run.lastIndex < 0) {
        if (!entry.map?.uri) throw new Error(`ffmpeg's playlist for ${track.rendition.name} names no init segment`);
        const init = await readFile(join(privateDir, entry.map.uri));
        track.codecs ??= codecsFromInitSegment(init);
        await writeFileAtomic(join(publicDir, initUri), init);
      }
      const programDateTime = Math.round(run.startedAt + run.elapsed * 1000);
      run.lastIndex = index;
      // Late for its track (another track's segments already cover its time): not published.
      if (track.linkedFrom !== undefined || !continues(track, programDateTime, entry.duration)) {
        run.elapsed += entry.duration;
        await rm(join(privateDir, entry.uri), { force: true });
        continue;
      }
      // ffmpeg lists a segment only once it is complete, so it can be hashed and published now.
      const uri = publishedSegmentName(run.run, index);
      const body = await takeSegment(join(privateDir, entry.uri), join(publicDir, uri));
      // The segment's own length (fmp4-duration.ts: ffmpeg counts a run's last one short).
      run.initTracks ??= readInitTracks(await readFile(join(publicDir, initUri)));
      const duration = (run.initTracks && segmentMediaSeconds(body, run.initTracks)) ?? entry.duration;
      run.elapsed += duration;
      await append(track, { uri, duration, programDateTime, initUri, sha256: createHash('sha256').update(body).digest('hex'), bytes: body.length });
    }
    // Remembered only once every listed segment is published, so a failed scan is retried.
    run.playlistVersion = version;
  }

  async function publishTrack(track: Track): Promise<void> {
    const dir = join(options.lessonDir, track.rendition.name);
    const playlist = writeMediaPlaylist(track.segments, { windowSize: options.windowSize, segmentSeconds: options.segmentSeconds, ended });
    const timeShift = writeMediaPlaylist(track.segments, { windowSize: 'all', segmentSeconds: options.segmentSeconds, ended, playlistType: 'event', deltaUpdates: true });
    const newest = track.segments.slice(-liveHashListLength(options.windowSize));
    // The live hash list first: a segment a viewer sees in a playlist is already in it, so a peer
    // that passes the segment on at once can be checked. The time-shift playlist before the live one,
    // so a segment a viewer sees live is already in the time-shift list. The whole-lesson hash list
    // last, off the live viewers' path (time-shift viewers' checks wait for it if they must).
    await writeFileAtomic(join(dir, liveHashListName), JSON.stringify(hashListFor(track.rendition.name, newest)));
    await writeFileAtomic(join(dir, timeShiftPlaylistName), timeShift);
    await writeFileAtomic(join(dir, mediaPlaylistName), playlist);
    await writeFileAtomic(join(dir, hashListName), track.hashes.text());
  }

  /** Writes the master playlists once every served rendition has media, and again when one needs more bandwidth than they say. */
  async function publishMaster(): Promise<void> {
    const ladder = options.ladder.map((rendition) => trackOf(rendition.name));
    if (!ladder.every((track) => track.segments.length > 0)) return;
    for (const [rung, track] of ladder.entries()) {
      // The top rung counts every segment (it may be the source itself, at the school's own rate);
      // a lower one its own segments: those a shed rung borrows come from a lower rung, or from the
      // source only while every rung is shed (a while the master cannot describe, and need not).
      // The newest segments only: every segment is among them once, and the figures never fall.
      const newest = track.segments.slice(-measuredSegments);
      const own = rung === 0 ? newest : newest.filter((segment) => segment.initUri.endsWith(`-${track.rendition.name}.mp4`));
      const needed = advertisedBandwidth({ rateControl: track.rendition, audioKbps: options.hasAudio ? options.audioKbps : 0, segmentSeconds: options.segmentSeconds, segments: own, windowSegments: options.windowSize });
      const advertised = track.advertised;
      if (!advertised) track.advertised = needed;
      else if (needed.bandwidth > advertised.bandwidth || needed.averageBandwidth > advertised.averageBandwidth) {
        // A segment needed more than the master says: room above it, so the master is not rewritten
        // for every slightly bigger segment (each rewrite splits the P2P swarms: swarm-hashes.ts).
        // Each figure on its own: BANDWIDTH is part of the P2P swarm id, so it moves only when a segment's peak needs it.
        const raised = (now: number, need: number) => (need > now ? Math.round(need * 1.1) : now);
        track.advertised = { bandwidth: raised(advertised.bandwidth, needed.bandwidth), averageBandwidth: raised(advertised.averageBandwidth, needed.averageBandwidth) };
      }
    }
    const variants = (playlistName: string) =>
      ladder.map(({ rendition, codecs, advertised }) => ({
        width: rendition.width,
        height: rendition.height,
        fps: rendition.fps,
        bandwidth: advertised!.bandwidth,
        averageBandwidth: advertised!.averageBandwidth,
        codecs: codecs ?? 'avc1.640028',
        uri: `${rendition.name}/${playlistName}`,
      }));
    const text = writeMasterPlaylist(variants(mediaPlaylistName));
    if (text === masterText) return;
    const first = masterText === undefined;
    await writeFileAtomic(join(options.lessonDir, timeShiftMasterName), writeMasterPlaylist(variants(timeShiftPlaylistName)));
    await writeFileAtomic(join(options.lessonDir, masterPlaylistName), text);
    masterText = text;
    if (first) log.info('lesson playable', { renditions: ladder.map((track) => track.rendition.name) });
    else log.info('master playlist rewritten: a segment needed more bandwidth than it said', { bandwidths: ladder.map((track) => track.advertised!.bandwidth) });
  }

  /** The state of a run that a process that died left, from its run file and what it already published. */
  async function resumedRun(run: number): Promise<ActiveRun | undefined> {
    const start = await readFile(join(segmenterDir(options.lessonDir, run), runFileName), 'utf8')
      .then((text) => JSON.parse(text) as RunStart)
      .catch(() => undefined);
    if (!start || !tracks.has(start.track)) return undefined;
    const track = trackOf(start.track);
    const published = track.segments.filter((segment) => runOf(segment.uri) === run);
    const indexOf = (segment: SegmentRecord) => Number(publishedSegmentPattern.exec(segment.uri)![2]);
    return {
      run,
      track: start.track,
      startedAt: start.startedAt,
      lastIndex: published.length > 0 ? indexOf(published.at(-1)!) : -1,
      elapsed: published.reduce((sum, segment) => sum + segment.duration, 0),
    };
  }

  // At most one polled scan waits behind the one running: on a node short of CPU a scan can take
  // longer than the poll period, and queuing one per tick grew the queue without bound, so a
  // finishRun (queued behind them all) waited a minute and more.
  let pollQueued = false;
  const poll = () => {
    clearInterval(timer);
    const tick = () => {
      if (pollQueued) return;
      pollQueued = true;
      void serially(() => {
        pollQueued = false;
        return scan();
      });
    };
    timer = active.size > 0 ? setInterval(tick, options.pollMs ?? 100) : undefined;
  };

  return {
    async startRun(run, start) {
      trackOf(start.track);
      const dir = segmenterDir(options.lessonDir, run);
      await mkdir(dir, { recursive: true });
      await mkdir(join(options.lessonDir, start.track), { recursive: true });
      await writeFileAtomic(join(dir, runFileName), JSON.stringify(start));
      active.set(run, { run, track: start.track, startedAt: start.startedAt, lastIndex: -1, elapsed: 0 });
      poll();
    },
    async finishRun(run) {
      const following = active.get(run);
      if (!following) return 0;
      await serially(() => scan([following]));
      active.delete(run);
      poll();
      // ffmpeg has exited: what it left (its playlist, an unfinished segment) is not needed.
      await rm(segmenterDir(options.lessonDir, run), { recursive: true, force: true });
      return following.elapsed;
    },
    runSeconds: (run) => active.get(run)?.elapsed ?? 0,
    async recoverRun(run) {
      if (active.has(run)) throw new Error(`run ${run} is still being followed; finish it before recovering it`);
      const before = [...tracks.values()].reduce((sum, track) => sum + track.segments.length, 0);
      const resumed = await resumedRun(run);
      if (resumed) await serially(() => scan([resumed]));
      await rm(segmenterDir(options.lessonDir, run), { recursive: true, force: true });
      return [...tracks.values()].reduce((sum, track) => sum + track.segments.length, 0) - before;
    },
    linkTrack(name, from) {
      return serially(async () => {
        const track = trackOf(name);
        if (track.linkedFrom === from) return;
        track.linkedFrom = from;
        if (from === undefined) return;
        const source = trackOf(from);
        // What the other track already has from where this one got to: a backlog after a drain.
        for (const segment of source.segments) {
          if (continues(track, segment.programDateTime, segment.duration)) await linkSegment(source, track, segment);
        }
        await publishChanged();
      });
    },
    idle: () => serially(async () => {}),
    async end() {
      clearInterval(timer);
      await scanning;
      ended = true;
      for (const track of tracks.values()) if (track.segments.length > 0) await publishTrack(track);
    },
    lastWriteError: () => lastFailure,
    lastSegmentAt: () => lastSegmentAt,
    segmentCount: () => trackOf(options.source.name).segments.length,
    renditions: () => options.ladder.map((rendition) => rendition.name),
    segments: (name) => tracks.get(name)?.segments ?? [],
    close() {
      clearInterval(timer);
    },
  };
}

/**
 * Reads a finished segment and moves it to its published name. A process that died after the move
 * but before listing the segment left it under the published name: it is taken from there.
 */
async function takeSegment(privatePath: string, publicPath: string): Promise<Buffer> {
  try {
    const body = await readFile(privatePath);
    await rename(privatePath, publicPath);
    return body;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
    return readFile(publicPath);
  }
}

/** A hard link (no bytes copied); one already there (a restart) is kept. */
async function linkOnce(from: string, to: string): Promise<void> {
  try {
    await link(from, to);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
  }
}

/** What a lesson's folder holds, for createLessonPackager's `restored` option. */
export function readPackagedLesson(lessonDir: string, tracks: readonly Rendition[]): Promise<RestoredLesson> {
  return restoreLesson(lessonDir, tracks, { master: masterPlaylistName, timeShift: timeShiftPlaylistName, hashList: hashListName });
}
