// A shadow of node-media-server's RTMP chunk parser that sits between the socket and it, so hostile
// bytes are refused before node-media-server acts on them.
//
// Why a shadow parser: node-media-server 4.4.3 (src/protocol/rtmp.js) reserves a message's whole
// buffer (`Buffer.alloc(length + 1024)`) as soon as a chunk header announces its length (up to
// 16 MiB), keeps one such buffer per chunk stream id for the life of the connection, takes any Set
// Chunk Size (0 wedges its parser), hands audio/video from any connection to a broadcast's group-
// of-pictures cache, and has no limit of its own on any of it. A 140-byte header can thus cost
// 16 MiB. Its parser state is private and changes inside one call, so checking it afterwards is too
// late; wrapping the socket's data instead keeps node-media-server untouched and pinned-version
// independent of its internals except for the wire format, which is the RTMP spec plus the quirks
// mirrored below (its 3-byte chunk stream id formula, extended timestamps on type 3 chunks, a clock
// past 2^32 skipping the message).
//
// It also refuses the RTMP play command, which node-media-server would answer with a broadcast's
// FLV to anyone who names its stream key; Classcast serves viewers over HLS only.
//
// The guard walks every byte with the same state machine and, before the byte at which
// node-media-server would reserve a message buffer, forwards everything before it, so that any
// publish command earlier in the same read has been handled (and `isPublisher` is current) when the
// new message's length is judged. Bytes are forwarded unchanged and in order; on a refusal nothing
// from the refused point on is forwarded.
import { commandMessageBytes, maxChunkStreams, reassemblyReserveBytes } from './rtmp-limits.ts';
import type { RtmpRefusalReason } from './rtmp-refusals.ts';

export type ChunkGuardLimits = { maxMessageBytes: number; maxGopBytes: number };

export type ChunkGuardHooks = {
  /** Hands bytes on to node-media-server; false stops the scan (the connection is gone). */
  forward(bytes: Buffer): boolean;
  /** Whether this connection is an accepted publisher now. */
  isPublisher(): boolean;
};

export type ChunkGuard = {
  /** Checks and forwards one read from the socket; a reason means: close the connection. */
  scan(data: Buffer, hooks: ChunkGuardHooks): RtmpRefusalReason | null;
};

const handshakeBytes = 1536;
const rtmpVersion = 3;
const headerSizeByFormat = [11, 7, 3, 0] as const;
/** node-media-server reserves this much beyond a message's length. */
const allocationSlack = 1024;
const maxChunkSize = 0x7fffffff;
const typeSetChunkSize = 1;
const mediaTypes = new Set([8, 9, 15, 18]); // audio, video, AMF3 data, AMF0 data
const typeAudio = 8;
const typeVideo = 9;
const typeAmf3Command = 17;
const typeAmf0Command = 20;
/**
 * Payload bytes kept from the start of a message: a Set Chunk Size value, a video tag's header, a
 * command's name up to 'play' (a type 17 marker byte, an AMF0 long string's 5-byte header, 4 letters).
 */
const headBytes = 10;

type ChunkStream = {
  format: number;
  timestamp: number;
  length: number;
  type: number;
  clock: number;
  received: number;
  capacity: number;
  head: Buffer;
};

type Phase = 'version' | 'handshake' | 'basic-start' | 'basic' | 'message-header' | 'extended-timestamp' | 'payload';

export function createChunkGuard(limits: ChunkGuardLimits): ChunkGuard {
  let phase: Phase = 'version';
  let handshakeLeft = handshakeBytes * 2;
  const header = Buffer.alloc(18);
  let headerLength = 0;
  let basicLength = 0;
  let chunkSize = 128;
  const streams = new Map<number, ChunkStream>();
  let current: ChunkStream | undefined;
  let reserved = 0;
  let gopBytes = 0;
  let sawKeyframe = false;

  return {
    scan(data, hooks) {
      let offset = 0;
      let forwarded = 0;
      const flushBefore = (end: number) => {
        if (end > forwarded && !hooks.forward(data.subarray(forwarded, end))) return false;
        forwarded = Math.max(forwarded, end);
        return true;
      };

      while (offset < data.length) {
        switch (phase) {
          case 'version': {
            if (data[offset++] !== rtmpVersion) return 'bad-handshake';
            phase = 'handshake';
            break;
          }
          case 'handshake': {
            const take = Math.min(handshakeLeft, data.length - offset);
            handshakeLeft -= take;
            offset += take;
            if (handshakeLeft === 0) phase = 'basic-start';
            break;
          }
          case 'basic-start': {
            header[0] = data[offset++]!;
            headerLength = 1;
            const low = header[0] & 0x3f;
            basicLength = low === 0 ? 2 : low === 1 ? 3 : 1;
            phase = 'basic';
            break;
          }
          case 'basic': {
            while (headerLength < basicLength && offset < data.length) header[headerLength++] = data[offset++]!;
            if (headerLength >= basicLength) phase = 'message-header';
            break;
          }
          case 'message-header': {
            const size = headerSizeByFormat[header[0]! >> 6]! + basicLength;
            while (headerLength < size && offset < data.length) header[headerLength++] = data[offset++]!;
            if (headerLength < size) break;
            const id = chunkStreamId(header, basicLength);
            let stream = streams.get(id);
            if (!stream) {
              if (streams.size >= maxChunkStreams) return 'too-many-chunk-streams';
              stream = { format: 0, timestamp: 0, length: 0, type: 0, clock: 0, received: 0, capacity: 0, head: Buffer.alloc(headBytes) };
              streams.set(id, stream);
            }
            stream.format = header[0]! >> 6;
            readMessageHeader(header, basicLength, stream);
            current = stream;
            phase = 'extended-timestamp';
            break;
          }
          case 'extended-timestamp': {
            const stream = current!;
            const start = offset;
            const hasExtended = stream.timestamp === 0xffffff;
            const size = headerSizeByFormat[stream.format]! + basicLength + (hasExtended ? 4 : 0);
            while (headerLength < size && offset < data.length) header[headerLength++] = data[offset++]!;
            if (headerLength < size) break;
            if (stream.received === 0) {
              const delta = hasExtended ? header.readUInt32BE(headerSizeByFormat[stream.format]! + basicLength) : stream.timestamp;
              stream.clock = stream.format === 0 ? delta : stream.clock + delta;
              // node-media-server reserves this message's buffer here: let it finish what came
              // before (a publish command changes what this connection may send), then judge.
              if (!flushBefore(start)) return null;
              const refusal = judgeMessageStart(stream, hooks.isPublisher());
              if (refusal) return refusal;
            }
            phase = 'payload';
            break;
          }
          case 'payload': {
            const stream = current!;
            let size = Math.min(chunkSize - (stream.received % chunkSize), stream.length - stream.received);
            size = Math.min(size, data.length - offset);
            if (stream.received < headBytes && size > 0) {
              data.copy(stream.head, stream.received, offset, offset + Math.min(size, headBytes - stream.received));
            }
            stream.received += size;
            offset += size;
            if (stream.received >= stream.length) {
              phase = 'basic-start';
              stream.received = 0;
              if (stream.clock > 0xffffffff) break; // node-media-server drops such a message unread
              const refusal = judgeMessageEnd(stream);
              if (refusal) return refusal;
            } else if (stream.received % chunkSize === 0) {
              phase = 'basic-start';
            }
            break;
          }
        }
      }
      flushBefore(data.length);
      return null;
    },
  };

  function judgeMessageStart(stream: ChunkStream, publisher: boolean): RtmpRefusalReason | null {
    const limit = publisher ? limits.maxMessageBytes : commandMessageBytes;
    if (stream.length > limit) return 'message-too-large';
    if (stream.type === typeSetChunkSize && stream.length !== 4) return 'bad-chunk-size';
    if (mediaTypes.has(stream.type) && !publisher) return 'media-before-publish';
    if (stream.capacity < stream.length) {
      const capacity = stream.length + allocationSlack;
      if (reserved - stream.capacity + capacity > limit + reassemblyReserveBytes) return 'reassembly-budget';
      reserved += capacity - stream.capacity;
      stream.capacity = capacity;
    }
    return null;
  }

  function judgeMessageEnd(stream: ChunkStream): RtmpRefusalReason | null {
    // Judged before its last byte reaches node-media-server, which acts on whole messages only.
    if ((stream.type === typeAmf0Command || stream.type === typeAmf3Command) && isPlayCommand(stream.head, stream.length, stream.type)) return 'play-refused';
    if (stream.type === typeSetChunkSize) {
      const size = stream.head.readUInt32BE(0);
      if (size === 0 || size > maxChunkSize) return 'bad-chunk-size';
      chunkSize = size;
      return null;
    }
    if (stream.type !== typeAudio && stream.type !== typeVideo) return null;
    // node-media-server holds every audio and video message since the last keyframe (twice: as FLV
    // and as RTMP), from the first keyframe on; bound what that cache can hold.
    if (stream.type === typeVideo && isKeyframe(stream.head, stream.length)) {
      sawKeyframe = true;
      gopBytes = 0;
    }
    if (!sawKeyframe) return null;
    gopBytes += stream.length;
    return gopBytes > limits.maxGopBytes ? 'gop-too-large' : null;
  }
}

/** node-media-server's chunk stream id, including its (non-standard) 3-byte form, so ids match its map's. */
function chunkStreamId(header: Buffer, basicLength: number): number {
  if (basicLength === 2) return 64 + header[1]!;
  if (basicLength === 3) return (64 + header[1]! + header[2]!) << 8;
  return header[0]! & 0x3f;
}

function readMessageHeader(header: Buffer, offset: number, stream: ChunkStream): void {
  if (stream.format <= 2) {
    stream.timestamp = header.readUIntBE(offset, 3);
    offset += 3;
  }
  if (stream.format <= 1) {
    stream.length = header.readUIntBE(offset, 3);
    stream.type = header[offset + 3]!;
  }
}

/**
 * A video message node-media-server files as a keyframe (its flag 3), which restarts its cache:
 * H.264 coded frames, or enhanced-RTMP AV1/VP9/HEVC coded frames, with frame type 1.
 */
function isKeyframe(head: Buffer, length: number): boolean {
  if (length < 2) return false;
  const frameType = (head[0]! >> 4) & 0b0111;
  if (frameType !== 1) return false;
  if (head[0]! & 0x80) {
    if (length < 5) return false;
    const packetType = head[0]! & 0x0f;
    const fourCc = head.toString('latin1', 1, 5);
    return (fourCc === 'av01' || fourCc === 'vp09' || fourCc === 'hvc1') && (packetType === 1 || packetType === 3);
  }
  return (head[0]! & 0x0f) === 7 && head[1] !== 0;
}

/**
 * Whether node-media-server would read this command message as 'play': its name is the first AMF0
 * value (after one marker byte in a type 17 message), a string, XML document or long string, whose
 * text node-media-server cuts at the end of the message when its length says more.
 */
function isPlayCommand(head: Buffer, length: number, type: number): boolean {
  const offset = type === typeAmf3Command ? 1 : 0;
  const marker = head[offset];
  if (marker !== 0x02 && marker !== 0x0f && marker !== 0x0c) return false;
  const start = offset + (marker === 0x0c ? 5 : 3);
  if (length < start) return false; // node-media-server fails to read the name: 'malformed'
  const declared = marker === 0x0c ? head.readUInt32BE(offset + 1) : head.readUInt16BE(offset + 1);
  const end = Math.min(start + declared, length);
  return end - start === 4 && head.toString('latin1', start, end) === 'play';
}
