// Turns a publisher's FLV tags into what a transcoder can start on at any moment: the FLV file
// header, the codec headers, then media from a keyframe. It also learns the source's picture size
// and whether it has audio, and when the encoder last sent anything.
//
// A feed holds the stream as groups of pictures (from one keyframe to the next), and lets go of a
// group only when nothing may still need it:
// - Until its first run has judged the source, everything since its first keyframe (the backlog),
//   so the seconds an encoder sends while the catalog is asked which lesson it carries (several on
//   a busy node) are part of the lesson too; the first run's processes start from there.
// - Everything the source copy has not yet written as a finished segment (holdUnwritten), so a copy
//   that froze or died is started again where its last segment ended: the recording keeps every
//   second, however long the process was stuck. Killing it loses nothing it held.
// Later runs on another encoder start from its current group of pictures.
//
// A forward jump in the encoder's timestamps is taken out here (timestamp-rebase.ts), so the copy
// and every rendition of a run read the same continuous times.
import type { Writable } from 'node:stream';
import { flvFileHeader, h264PictureSize, readFlvTag, withFlvTimestamp } from './flv-tag.ts';
import type { Publisher } from './rtmp-server.ts';
import { createTimestampRebase, type TimestampRebase } from './timestamp-rebase.ts';
import type { Source } from '../transcode/ladder.ts';

export type SourceFeed = {
  /** Resolves at the first video keyframe with what the source is, or rejects if it cannot be used. */
  ready: Promise<Source>;
  /**
   * Starts writing the stream into `sink`: `from` 'backlog' from the first keyframe while the
   * backlog is kept (else as 'gop'), 'unwritten' from the keyframe holdUnwritten holds (else as
   * 'gop'), 'gop' from the current group of pictures.
   */
  attach(sink: Writable, from?: FeedStart): Attachment;
  /** The first run has judged the source: the backlog is no longer kept. */
  dropBacklog(): void;
  /**
   * The source copy has written everything before `flvMs` (a keyframe's FLV timestamp: where its
   * next segment starts): hold the stream from there on; undefined: the copy needs nothing held.
   */
  holdUnwritten(flvMs: number | undefined): void;
  lastTagAt(): number;
  /** When the keyframe a new attach would start from arrived (0 before the first): how much a switch replays. */
  keyframeAt(): number;
  /** The FLV timestamp (ms) of that keyframe: where a process attached now starts in the source's media time. */
  keyframeTimestamp(): number;
  /** The FLV timestamp (ms) of the newest media tag: how far the source has got. */
  lastTimestamp(): number;
  /** The forward jumps taken out of the encoder's timestamps so far. */
  timestampJumps(): ReturnType<TimestampRebase['jumps']>;
};

/** Where an attached sink's stream starts: the FLV timestamp of its first keyframe and when that keyframe arrived. */
export type Attachment = { detach(): void; fromFlvMs: number; fromWallMs: number };

export type FeedStart = 'backlog' | 'unwritten' | 'gop';

/** One group of pictures: a keyframe's tags and every media tag up to the next keyframe. */
type Gop = { flvMs: number; wallMs: number; tags: Buffer[]; bytes: number };

/** Bound on the tags kept since the last keyframe (a broken encoder that never sends one). */
const maxGopTags = 4096;
/**
 * Bound on what is held: a minute of a busy catalog, or a copy frozen for its whole frozen bound, at
 * any sane bitrate. Past it the oldest groups go (the current one always stays).
 */
const maxHeldBytes = 64 * 1024 * 1024;
/**
 * A copy's segments end where the next keyframe starts, measured in its own media time: a group that
 * starts within this of the point asked for is the one that starts there (rounding of the copy's
 * time scale), so it is not held (or replayed) a whole group early.
 */
const keyframeSlackMs = 10;

export function createSourceFeed(publisher: Publisher): SourceFeed {
  let videoHeader: Buffer | undefined;
  let audioHeader: Buffer | undefined;
  let sawAudio = false;
  let aacAudio = true;
  let lastTimestamp = 0;
  let lastTagAt = Date.now();
  /** The groups held, oldest first; the last is the current one. Empty before the first keyframe. */
  const gops: Gop[] = [];
  let heldBytes = 0;
  let backlogHeld = true;
  /** The FLV time the copy's next segment starts at, while a copy needs what it has not written. */
  let unwrittenFrom: number | undefined;
  const sinks = new Map<Writable, Buffer[]>();
  const rebase = createTimestampRebase();
  let settle: { resolve(source: Source): void; reject(error: Error): void } | undefined;
  const ready = new Promise<Source>((resolve, reject) => (settle = { resolve, reject }));
  ready.catch(() => {}); // The caller awaits it; this only stops an unhandled-rejection warning.
  publisher.onClose(() => settle?.reject(new Error('the encoder disconnected before its first keyframe')));

  publisher.onTag((sent) => {
    lastTagAt = Date.now();
    let tag = sent;
    const info = readFlvTag(tag);
    // Codec headers carry no media time (ffmpeg takes them as extradata).
    if ((info.kind === 'audio' || info.kind === 'video') && !info.isSequenceHeader) {
      const timestamp = rebase.rebase(info.kind, info.timestamp);
      if (timestamp !== info.timestamp) {
        // A copy: node-media-server may still hold the tag it handed over.
        tag = withFlvTimestamp(sent, timestamp);
        info.timestamp = timestamp;
      }
    }
    if (info.kind === 'audio') {
      sawAudio = true;
      aacAudio &&= info.isAac;
      lastTimestamp = Math.max(lastTimestamp, info.timestamp);
      if (info.isSequenceHeader) audioHeader = tag;
    } else if (info.kind === 'video') {
      if (info.codec !== 'h264') {
        settle?.reject(new Error('only H.264 video is supported; set the encoder to x264/H.264'));
        settle = undefined;
        return;
      }
      if (!info.isSequenceHeader) lastTimestamp = Math.max(lastTimestamp, info.timestamp);
      if (info.isSequenceHeader) {
        videoHeader = tag;
      } else if (info.isKeyframe) {
        gops.push({ flvMs: info.timestamp, wallMs: lastTagAt, tags: [], bytes: 0 });
        letGo();
        if (settle && videoHeader) {
          const size = h264PictureSize(videoHeader) ?? publisher.announced();
          const fps = publisher.announced().fps || 30;
          if (size.width > 0 && size.height > 0) settle.resolve({ width: size.width, height: size.height, fps, hasAudio: sawAudio || audioHeader !== undefined, aacAudio: aacAudio && (sawAudio || audioHeader !== undefined) });
          else settle.reject(new Error('cannot read the picture size from the H.264 stream'));
          settle = undefined;
        }
      }
    } else {
      return; // Script data (onMetaData) is not needed by ffmpeg.
    }
    // Codec headers reach a sink when it attaches; a new one mid-stream (a size change) goes to all.
    const current = gops.at(-1);
    if (current && !info.isSequenceHeader && current.tags.length < maxGopTags) {
      current.tags.push(tag);
      current.bytes += tag.length;
      heldBytes += tag.length;
      if (heldBytes > maxHeldBytes) letGo();
    }
    for (const [sink, pending] of sinks) {
      // Tags are batched per event-loop turn: one pipe write per RTMP read instead of one per tag,
      // which was a third of the ingest's own CPU.
      if (pending.push(tag) === 1) setImmediate(() => flush(sink));
    }
  });

  /** Lets go of the groups nothing holds any more, and of the oldest while more than the bound is held. */
  const letGo = () => {
    const holdFrom = backlogHeld ? -Infinity : (unwrittenFrom ?? Infinity);
    while (gops.length > 1 && (gops[1]!.flvMs <= holdFrom + keyframeSlackMs || heldBytes > maxHeldBytes)) heldBytes -= gops.shift()!.bytes;
  };

  const dropBacklog = () => {
    backlogHeld = false;
    letGo();
  };

  /** The index of the group a sink attached `from` starts with. */
  const startIndex = (from: FeedStart): number => {
    const current = gops.length - 1;
    if (from === 'backlog' && backlogHeld) return 0;
    if (from === 'unwritten' && unwrittenFrom !== undefined) {
      // The group the copy's next segment starts with; the oldest held if the bound let it go.
      const index = gops.findLastIndex((gop) => gop.flvMs <= unwrittenFrom! + keyframeSlackMs);
      return Math.max(0, index);
    }
    return Math.max(0, current);
  };

  const flush = (sink: Writable) => {
    const pending = sinks.get(sink);
    if (!pending || pending.length === 0 || sink.writableEnded) return;
    sink.write(pending.length === 1 ? pending[0]! : Buffer.concat(pending));
    pending.length = 0;
  };

  return {
    ready,
    lastTagAt: () => lastTagAt,
    keyframeAt: () => gops.at(-1)?.wallMs ?? 0,
    keyframeTimestamp: () => gops.at(-1)?.flvMs ?? 0,
    lastTimestamp: () => lastTimestamp,
    timestampJumps: () => rebase.jumps(),
    dropBacklog,
    holdUnwritten(flvMs) {
      unwrittenFrom = flvMs;
      letGo();
    },
    attach(sink, from = 'gop') {
      const held = gops.slice(startIndex(from));
      sink.write(Buffer.concat([flvFileHeader(audioHeader !== undefined), ...(audioHeader ? [audioHeader] : []), ...(videoHeader ? [videoHeader] : []), ...held.flatMap((gop) => gop.tags)]));
      sinks.set(sink, []);
      return {
        fromFlvMs: held[0]?.flvMs ?? 0,
        fromWallMs: held[0]?.wallMs ?? 0,
        detach() {
          flush(sink);
          sinks.delete(sink);
        },
      };
    },
  };
}
