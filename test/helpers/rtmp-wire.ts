// RTMP bytes built by hand, for tests that must send what no encoder would: a handshake, chunked
// messages with any header, AMF0 commands, and a raw socket that records what came back and when it
// closed. node-media-server does not check C2 or wait for S0-S2, so a whole session can be one write.
import { randomBytes } from 'node:crypto';
import { connect, type Socket } from 'node:net';

export type Amf = string | number | boolean | null | { [key: string]: Amf };

export function amf0(...values: Amf[]): Buffer {
  return Buffer.concat(values.map(amf0Value));
}

function amf0Value(value: Amf): Buffer {
  if (value === null) return Buffer.from([0x05]);
  if (typeof value === 'number') {
    const out = Buffer.alloc(9);
    out[0] = 0x00;
    out.writeDoubleBE(value, 1);
    return out;
  }
  if (typeof value === 'boolean') return Buffer.from([0x01, value ? 1 : 0]);
  if (typeof value === 'string') return Buffer.concat([Buffer.from([0x02]), shortString(value)]);
  const fields = Object.entries(value).map(([key, field]) => Buffer.concat([shortString(key), amf0Value(field)]));
  return Buffer.concat([Buffer.from([0x03]), ...fields, Buffer.from([0x00, 0x00, 0x09])]);
}

function shortString(text: string): Buffer {
  const bytes = Buffer.from(text, 'utf8');
  const length = Buffer.alloc(2);
  length.writeUInt16BE(bytes.length);
  return Buffer.concat([length, bytes]);
}

/** C0 (version 3), C1 and C2: a simple handshake the server accepts without reading its reply. */
export function handshake(): Buffer {
  return Buffer.concat([Buffer.from([3]), Buffer.alloc(8), randomBytes(1528), Buffer.alloc(1536)]);
}

export type Message = { chunkStream: number; type: number; streamId?: number; timestamp?: number; payload: Buffer };

/** One message as a type 0 chunk and its type 3 continuations, cut at `chunkSize`. */
export function chunked(message: Message, chunkSize = 128): Buffer {
  const parts: Buffer[] = [messageHeader({ ...message, length: message.payload.length })];
  for (let offset = 0; offset < message.payload.length; offset += chunkSize) {
    if (offset > 0) parts.push(Buffer.from([0xc0 | message.chunkStream]));
    parts.push(message.payload.subarray(offset, offset + chunkSize));
  }
  return Buffer.concat(parts);
}

/** A type 0 chunk header announcing `length` bytes, whatever follows (or does not). */
export function messageHeader(header: { chunkStream: number; type: number; length: number; streamId?: number; timestamp?: number }): Buffer {
  const out = Buffer.alloc(12);
  out[0] = header.chunkStream & 0x3f;
  out.writeUIntBE(header.timestamp ?? 0, 1, 3);
  out.writeUIntBE(header.length, 4, 3);
  out[7] = header.type;
  out.writeUInt32LE(header.streamId ?? 0, 8);
  return out;
}

export function setChunkSize(size: number): Buffer {
  const payload = Buffer.alloc(4);
  payload.writeUInt32BE(size >>> 0);
  return chunked({ chunkStream: 2, type: 1, payload });
}

export function command(name: string, transaction: number, ...args: Amf[]): Buffer {
  return chunked({ chunkStream: 3, type: 20, payload: amf0(name, transaction, ...args) });
}

/** Handshake, connect, createStream and publish to rtmp://host:port/<app>/<key>. */
export function publishSession(port: number, app: string, key: string): Buffer {
  return Buffer.concat([
    handshake(),
    command('connect', 1, { app, type: 'nonprivate', flashVer: 'FMLE/3.0', tcUrl: `rtmp://127.0.0.1:${port}/${app}` }),
    command('createStream', 2, null),
    chunked({ chunkStream: 4, type: 20, streamId: 1, payload: amf0('publish', 3, null, key, 'live') }),
  ]);
}

/** An FLV video tag body: H.264, keyframe or inter frame, of `size` bytes in all. */
export function videoTag(keyframe: boolean, size: number): Buffer {
  const tag = Buffer.alloc(Math.max(size, 5));
  tag[0] = keyframe ? 0x17 : 0x27;
  tag[1] = 1; // a NAL unit, not the sequence header
  return tag;
}

export type RawClient = {
  socket: Socket;
  /** Everything the server sent so far. */
  received(): Buffer;
  /** Resolves when the server (or we) closed the connection. */
  closed: Promise<void>;
  isClosed(): boolean;
};

/** A TCP connection to the RTMP port, optionally from another loopback address (127.0.0.x). */
export function openRaw(port: number, localAddress?: string): Promise<RawClient> {
  return new Promise((resolve, reject) => {
    const socket = connect({ port, host: '127.0.0.1', ...(localAddress ? { localAddress } : {}) });
    const chunks: Buffer[] = [];
    let closed = false;
    const closedPromise = new Promise<void>((done) => socket.once('close', () => ((closed = true), done())));
    socket.on('data', (data) => chunks.push(data));
    socket.on('error', () => {}); // Resets are what refused connections get.
    socket.once('connect', () => resolve({ socket, received: () => Buffer.concat(chunks), closed: closedPromise, isClosed: () => closed }));
    socket.once('error', reject);
  });
}
