// Turns a publisher's FLV tags into what a transcoder can start on at any moment: the FLV file
// header, the codec headers, then media from a keyframe. It also learns the source's picture size
// and whether it has audio, and when the encoder last sent anything.
//
// Until its first run starts, a feed keeps everything since its first keyframe (the backlog), so the
// seconds an encoder sends while the catalog is asked which lesson it carries (several on a busy
// node) are part of the lesson too; the first run's processes start from there, later ones from the
// current group of pictures.
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
   * backlog is kept (else as 'gop'), 'gop' from the current group of pictures.
   */
  attach(sink: Writable, from?: 'backlog' | 'gop'): Attachment;
  /** The first run has started: the backlog is no longer kept. */
  dropBacklog(): void;
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

/** Bound on the tags kept since the last keyframe (a broken encoder that never sends one). */
const maxGopTags = 4096;
/** Bound on the backlog: a minute of a busy catalog at any sane bitrate. */
const maxBacklogBytes = 64 * 1024 * 1024;

export function createSourceFeed(publisher: Publisher): SourceFeed {
  let videoHeader: Buffer | undefined;
  let audioHeader: Buffer | undefined;
  let sawAudio = false;
  let aacAudio = true;
  let keyframeTimestamp = 0;
  let lastTimestamp = 0;
  let gop: Buffer[] = [];
  let lastTagAt = Date.now();
  let keyframeAt = 0;
  let backlog: { tags: Buffer[]; bytes: number; fromFlvMs: number; fromWallMs: number } | undefined;
  let backlogDropped = false;
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
        gop = [];
        keyframeAt = lastTagAt;
        keyframeTimestamp = info.timestamp;
        if (!backlog && !backlogDropped) backlog = { tags: [], bytes: 0, fromFlvMs: info.timestamp, fromWallMs: lastTagAt };
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
    if (!info.isSequenceHeader && gop.length < maxGopTags) gop.push(tag);
    if (backlog && !info.isSequenceHeader) {
      backlog.tags.push(tag);
      backlog.bytes += tag.length;
      if (backlog.bytes > maxBacklogBytes) dropBacklog();
    }
    for (const [sink, pending] of sinks) {
      // Tags are batched per event-loop turn: one pipe write per RTMP read instead of one per tag,
      // which was a third of the ingest's own CPU.
      if (pending.push(tag) === 1) setImmediate(() => flush(sink));
    }
  });

  const dropBacklog = () => {
    backlog = undefined;
    backlogDropped = true;
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
    keyframeAt: () => keyframeAt,
    keyframeTimestamp: () => keyframeTimestamp,
    lastTimestamp: () => lastTimestamp,
    timestampJumps: () => rebase.jumps(),
    dropBacklog,
    attach(sink, from = 'gop') {
      const media = from === 'backlog' && backlog ? backlog : { tags: gop, fromFlvMs: keyframeTimestamp, fromWallMs: keyframeAt };
      sink.write(Buffer.concat([flvFileHeader(audioHeader !== undefined), ...(audioHeader ? [audioHeader] : []), ...(videoHeader ? [videoHeader] : []), ...media.tags]));
      sinks.set(sink, []);
      return {
        fromFlvMs: media.fromFlvMs,
        fromWallMs: media.fromWallMs,
        detach() {
          flush(sink);
          sinks.delete(sink);
        },
      };
    },
  };
}
