// Owns a lesson's playlists. It follows what the segmenter (ffmpeg) has finished, gives each
// segment the lesson's next sequence number, hashes it, and rewrites the rendition's live playlist
// (the sliding window), its time-shift playlist (the whole lesson so far), its hash lists (the
// newest segments, and the whole lesson: hash-lists.ts) and (once every rendition has media) the
// master playlists: one over the live playlists, one over the time-shift ones. Encoder runs follow one
// another in the same lesson: a new run continues the numbering after a discontinuity. A lesson
// whose ingest died mid-lesson is continued from what its folder holds (restored-lesson.ts): the
// segments already published keep their names and numbers, and what the dead run's segmenter
// finished but never saw published is recovered before the next run starts.
import { createHash } from 'node:crypto';
import { readFile, rename, rm, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { writeFileAtomic } from '../core/atomic-write.ts';
import type { Logger } from '../core/log.ts';
import { parsePlaylist } from '../core/parse-playlist.ts';
import type { Rendition } from '../transcode/ladder.ts';
import { segmenterDir, segmenterPlaylistName, segmenterSegmentPattern } from '../transcode/ffmpeg-args.ts';
import { codecsFromInitSegment } from './codec-string.ts';
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

export type LessonPackagerOptions = {
  lessonDir: string;
  ladder: readonly Rendition[];
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

type RenditionState = { rendition: Rendition; segments: SegmentRecord[]; codecs?: string; hashes: WholeHashList };

type ActiveRun = {
  run: number;
  firstSequence: number;
  startedAt: number;
  lastIndex: Map<string, number>;
  elapsed: Map<string, number>;
  /** mtime and size of each variant's ffmpeg playlist when last read. */
  playlistVersion: Map<number, string>;
};

export type LessonPackager = {
  /** Starts following a new encoder run; `startedAt` is the wall-clock time of its first frame. */
  startRun(run: number, startedAt: number): void;
  /** Picks up what the run's segmenter finished last, then stops following it. */
  finishRun(): Promise<void>;
  /**
   * Publishes what a run of a process that died left finished in its segmenter folder, then
   * removes the folder; returns how many segments (over every rendition) it recovered.
   */
  recoverRun(run: number): Promise<number>;
  /** Marks the playlists complete (#EXT-X-ENDLIST). */
  end(): Promise<void>;
  /** Why the last scan failed (a full disk: ENOSPC), or undefined once a scan succeeds. */
  lastWriteError(): NodeJS.ErrnoException | undefined;
  /** Wall-clock time the newest segment was packaged (0 before the first). */
  lastSegmentAt(): number;
  segmentCount(): number;
  renditions(): string[];
  /** The rendition's segments so far, oldest first (the metrics read their durations). */
  segments(rendition: string): readonly SegmentRecord[];
  close(): void;
};

export function createLessonPackager(options: LessonPackagerOptions): LessonPackager {
  const { log } = options;
  const states = options.ladder.map((rendition): RenditionState => {
    const restored = options.restored?.renditions.get(rendition.name);
    const segments = [...(restored?.segments ?? [])];
    return { rendition, segments, ...(restored?.codecs ? { codecs: restored.codecs } : {}), hashes: wholeHashList(rendition.name, segments) };
  });
  let active: ActiveRun | undefined;
  let ended = false;
  let masterWritten = options.restored?.masterWritten ?? false;
  let lastSegmentAt = 0;
  let timer: NodeJS.Timeout | undefined;
  let scanning: Promise<void> = Promise.resolve();

  const nextSequence = () => Math.max(options.firstSequence ?? 0, ...states.map((state) => (state.segments.at(-1)?.sequence ?? -1) + 1));

  // One scan at a time: a slow disk must not let two scans number the same segment twice.
  // A failure repeats every poll until it clears (or the stall watchdog restarts ffmpeg): log it once.
  let lastFailure: NodeJS.ErrnoException | undefined;
  const scanSoon = (): Promise<void> =>
    (scanning = scanning
      .then(scan)
      .then(() => void (lastFailure = undefined))
      .catch((error: NodeJS.ErrnoException) => {
        if (error.message !== lastFailure?.message) log.error('packager scan failed', { error });
        lastFailure = error;
      }));

  async function scan(): Promise<void> {
    const run = active;
    if (!run) return;
    let changed = false;
    for (const [variant, state] of states.entries()) {
      if (await collect(run, state, variant)) {
        changed = true;
        await publishRendition(state);
      }
    }
    if (changed && !masterWritten && states.every((state) => state.segments.length > 0)) await publishMaster();
  }

  /** Publishes the segments the segmenter finished since the last scan; true when there were any. */
  async function collect(run: ActiveRun, state: RenditionState, variant: number): Promise<boolean> {
    const privateDir = join(segmenterDir(options.lessonDir, run.run), String(variant));
    const publicDir = join(options.lessonDir, state.rendition.name);
    const playlistPath = join(privateDir, segmenterPlaylistName);
    let text: string;
    let version: string;
    try {
      // Most polls find nothing new: a stat is far cheaper than reading and parsing the playlist.
      const { mtimeMs, size } = await stat(playlistPath);
      version = `${mtimeMs}:${size}`;
      if (run.playlistVersion.get(variant) === version) return false;
      text = await readFile(playlistPath, 'utf8');
    } catch {
      return false; // The segmenter has not finished a segment for this rendition yet.
    }
    let parsed;
    try {
      parsed = parsePlaylist(text);
    } catch {
      return false; // Caught mid-write; the next scan sees it whole.
    }
    const name = state.rendition.name;
    let added = false;
    for (const entry of parsed.segments) {
      const match = segmenterSegmentPattern.exec(entry.uri);
      if (!match) continue;
      const index = Number(match[1]);
      if (index <= (run.lastIndex.get(name) ?? -1)) continue;
      const isFirstOfRun = !run.lastIndex.has(name);
      if (isFirstOfRun) {
        if (!entry.map?.uri) throw new Error(`ffmpeg's playlist for ${name} names no init segment`);
        const init = await readFile(join(privateDir, entry.map.uri));
        state.codecs ??= codecsFromInitSegment(init);
        await writeFileAtomic(join(publicDir, publishedInitName(run.run, name)), init);
      }
      // ffmpeg lists a segment only once it is complete, so it can be hashed and published now.
      const uri = publishedSegmentName(run.run, index);
      const body = await takeSegment(join(privateDir, entry.uri), join(publicDir, uri));
      const elapsed = run.elapsed.get(name) ?? 0;
      const record: SegmentRecord = {
        sequence: run.firstSequence + index,
        uri,
        duration: entry.duration,
        programDateTime: Math.round(run.startedAt + elapsed * 1000),
        initUri: publishedInitName(run.run, name),
        discontinuity: isFirstOfRun && run.firstSequence > 0,
        sha256: createHash('sha256').update(body).digest('hex'),
        bytes: body.length,
      };
      state.segments.push(record);
      state.hashes.add(record);
      run.lastIndex.set(name, index);
      run.elapsed.set(name, elapsed + entry.duration);
      lastSegmentAt = Date.now();
      added = true;
    }
    // Remembered only once every listed segment is published, so a failed scan is retried.
    run.playlistVersion.set(variant, version);
    return added;
  }

  async function publishRendition(state: RenditionState): Promise<void> {
    const dir = join(options.lessonDir, state.rendition.name);
    const playlist = writeMediaPlaylist(state.segments, { windowSize: options.windowSize, segmentSeconds: options.segmentSeconds, ended });
    const timeShift = writeMediaPlaylist(state.segments, { windowSize: 'all', segmentSeconds: options.segmentSeconds, ended, playlistType: 'event' });
    const newest = state.segments.slice(-liveHashListLength(options.windowSize));
    // The live hash list first: a segment a viewer sees in a playlist is already in it, so a peer
    // that passes the segment on at once can be checked. The time-shift playlist before the live one,
    // so a segment a viewer sees live is already in the time-shift list. The whole-lesson hash list
    // last, off the live viewers' path (time-shift viewers' checks wait for it if they must).
    await writeFileAtomic(join(dir, liveHashListName), JSON.stringify(hashListFor(state.rendition.name, newest)));
    await writeFileAtomic(join(dir, timeShiftPlaylistName), timeShift);
    await writeFileAtomic(join(dir, mediaPlaylistName), playlist);
    await writeFileAtomic(join(dir, hashListName), state.hashes.text());
  }

  async function publishMaster(): Promise<void> {
    const audioBps = options.hasAudio ? options.audioKbps * 1000 : 0;
    const variants = (playlistName: string) =>
      states.map(({ rendition, codecs }) => ({
        name: rendition.name,
        width: rendition.width,
        height: rendition.height,
        fps: rendition.fps,
        bandwidth: rendition.maxKbps * 1000 + audioBps,
        averageBandwidth: rendition.videoKbps * 1000 + audioBps,
        codecs: codecs ?? 'avc1.640028',
        uri: `${rendition.name}/${playlistName}`,
      }));
    await writeFileAtomic(join(options.lessonDir, timeShiftMasterName), writeMasterPlaylist(variants(timeShiftPlaylistName)));
    await writeFileAtomic(join(options.lessonDir, masterPlaylistName), writeMasterPlaylist(variants(mediaPlaylistName)));
    masterWritten = true;
    log.info('lesson playable', { renditions: states.map((state) => state.rendition.name) });
  }

  /** The run's state as the segments it already published describe it. */
  async function resumedRun(run: number): Promise<ActiveRun> {
    const ofRun = (segment: SegmentRecord) => Number(publishedSegmentPattern.exec(segment.uri)?.[1]) === run;
    const indexOf = (segment: SegmentRecord) => Number(publishedSegmentPattern.exec(segment.uri)![2]);
    const lastIndex = new Map<string, number>();
    const elapsed = new Map<string, number>();
    let firstSequence: number | undefined;
    let startedAt = Infinity;
    for (const state of states) {
      const published = state.segments.filter(ofRun);
      if (published.length === 0) continue;
      firstSequence = published[0]!.sequence - indexOf(published[0]!);
      startedAt = Math.min(startedAt, published[0]!.programDateTime);
      lastIndex.set(state.rendition.name, indexOf(published.at(-1)!));
      elapsed.set(state.rendition.name, published.reduce((sum, segment) => sum + segment.duration, 0));
    }
    // Nothing of the run was published: its folder was made when it started.
    if (startedAt === Infinity) startedAt = (await stat(segmenterDir(options.lessonDir, run))).mtimeMs;
    return { run, firstSequence: firstSequence ?? nextSequence(), startedAt, lastIndex, elapsed, playlistVersion: new Map() };
  }

  return {
    async recoverRun(run) {
      if (active) throw new Error(`run ${active.run} is still being followed; finish it before recovering run ${run}`);
      const before = states.reduce((sum, state) => sum + state.segments.length, 0);
      active = await resumedRun(run);
      try {
        await scan();
      } finally {
        active = undefined;
      }
      await rm(segmenterDir(options.lessonDir, run), { recursive: true, force: true });
      return states.reduce((sum, state) => sum + state.segments.length, 0) - before;
    },
    startRun(run, startedAt) {
      active = { run, firstSequence: nextSequence(), startedAt, lastIndex: new Map(), elapsed: new Map(), playlistVersion: new Map() };
      clearInterval(timer);
      timer = setInterval(() => void scanSoon(), options.pollMs ?? 100);
    },
    async finishRun() {
      clearInterval(timer);
      timer = undefined;
      await scanSoon();
      // ffmpeg has exited: what it left (its playlist, an unfinished segment) is not needed.
      if (active) await rm(segmenterDir(options.lessonDir, active.run), { recursive: true, force: true });
      active = undefined;
    },
    async end() {
      clearInterval(timer);
      await scanning;
      ended = true;
      for (const state of states) if (state.segments.length > 0) await publishRendition(state);
    },
    lastWriteError: () => lastFailure,
    lastSegmentAt: () => lastSegmentAt,
    segmentCount: () => Math.max(0, ...states.map((state) => state.segments.length)),
    renditions: () => states.map((state) => state.rendition.name),
    segments: (rendition) => states.find((state) => state.rendition.name === rendition)?.segments ?? [],
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

/** What a lesson's folder holds, for createLessonPackager's `restored` option. */
export function readPackagedLesson(lessonDir: string, ladder: readonly Rendition[]): Promise<RestoredLesson> {
  return restoreLesson(lessonDir, ladder, { master: masterPlaylistName, timeShift: timeShiftPlaylistName, hashList: hashListName });
}
