// The chunk guard in front of node-media-server: what it forwards, and what it refuses, byte-exact.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createChunkGuard, type ChunkGuard } from '../../services/ingest/rtmp-chunk-guard.ts';
import { amf0, chunked, command, handshake, messageHeader, publishSession, setChunkSize, videoTag } from '../helpers/rtmp-wire.ts';

const limits = { maxMessageBytes: 1024 * 1024, maxGopBytes: 4 * 1024 * 1024 };
const session = publishSession(1935, 'live', 'room-101-key');

/** Scans `input` in pieces of `step` bytes; the connection becomes a publisher once the publish command has been forwarded. */
function run(input: Buffer, options: { step?: number; publisherAfter?: number; guard?: ChunkGuard } = {}) {
  const guard = options.guard ?? createChunkGuard(limits);
  const publisherAfter = options.publisherAfter ?? session.length;
  const forwarded: Buffer[] = [];
  let total = 0;
  const hooks = {
    forward: (bytes: Buffer) => {
      forwarded.push(Buffer.from(bytes));
      total += bytes.length;
      return true;
    },
    isPublisher: () => total >= publisherAfter,
  };
  const step = options.step ?? input.length;
  for (let offset = 0; offset < input.length; offset += step) {
    const refusal = guard.scan(input.subarray(offset, offset + step), hooks);
    if (refusal) return { refusal, forwarded: Buffer.concat(forwarded) };
  }
  return { refusal: null, forwarded: Buffer.concat(forwarded) };
}

const video = (keyframe: boolean, size: number) => chunked({ chunkStream: 6, type: 9, streamId: 1, payload: videoTag(keyframe, size) }, 4096);
const metadata = chunked({ chunkStream: 5, type: 18, streamId: 1, payload: amf0('@setDataFrame', 'onMetaData', { width: 1280, height: 720 }) }, 4096);

test('an encoder session is forwarded unchanged, in one read or byte by byte', () => {
  // The publish command and a 200 KiB keyframe arrive in one read: the keyframe is over the
  // pre-publish bound, so this passes only if the publish was forwarded before it was judged.
  const input = Buffer.concat([session, setChunkSize(4096), metadata, video(true, 200_000), video(false, 30_000), video(true, 150_000)]);
  for (const step of [input.length, 1, 7, 4096]) {
    const { refusal, forwarded } = run(input, { step });
    assert.equal(refusal, null, `step ${step}`);
    assert.ok(forwarded.equals(input), `step ${step}: forwarded bytes differ from the input`);
  }
});

test('before a publish is accepted, messages over 64 KiB and media are refused unforwarded', () => {
  const big = Buffer.concat([handshake(), chunked({ chunkStream: 3, type: 20, payload: Buffer.alloc(70_000) })]);
  const tooBig = run(big, { publisherAfter: Infinity });
  assert.equal(tooBig.refusal, 'message-too-large');
  // node-media-server reserves the buffer on the byte after the 12-byte header, which stays here.
  assert.equal(tooBig.forwarded.length, 1 + 3072 + 12);

  const media = Buffer.concat([handshake(), video(true, 1000)]);
  assert.equal(run(media, { publisherAfter: Infinity }).refusal, 'media-before-publish');
});

test('a publisher may send up to maxMessageBytes a message, not more', () => {
  assert.equal(run(Buffer.concat([session, setChunkSize(4096), video(true, limits.maxMessageBytes)])).refusal, null);
  const hostile = Buffer.concat([session, messageHeader({ chunkStream: 6, type: 9, streamId: 1, length: limits.maxMessageBytes + 1 }), Buffer.alloc(1)]);
  assert.equal(run(hostile).refusal, 'message-too-large');
});

test('Set Chunk Size of 0, above 2^31 - 1, or not 4 bytes long is refused', () => {
  assert.equal(run(Buffer.concat([session, setChunkSize(0)])).refusal, 'bad-chunk-size');
  assert.equal(run(Buffer.concat([session, setChunkSize(0x80000000)])).refusal, 'bad-chunk-size');
  // Judged when the next byte arrives, which is when node-media-server would act on it.
  const empty = chunked({ chunkStream: 2, type: 1, payload: Buffer.alloc(0) });
  assert.equal(run(Buffer.concat([session, empty, command('deleteStream', 4, null, 1)])).refusal, 'bad-chunk-size');
  const tinyChunks = chunked({ chunkStream: 3, type: 20, payload: amf0('deleteStream', 4, null, 1) }, 1);
  const back = chunked({ chunkStream: 2, type: 1, payload: Buffer.from([0, 0, 0x10, 0]) }, 1); // 4096, sent in 1-byte chunks
  assert.equal(run(Buffer.concat([session, setChunkSize(1), tinyChunks, back, video(true, 10_000)])).refusal, null);
});

test('a version other than 3, too many chunk streams, or too much reassembly memory is refused', () => {
  assert.equal(run(Buffer.from([0x47, 0x45, 0x54, 0x20])).refusal, 'bad-handshake');

  const streams = Buffer.concat([handshake(), ...Array.from({ length: 40 }, (_, index) => chunked({ chunkStream: 3 + index, type: 20, payload: Buffer.alloc(10) }))]);
  assert.equal(run(streams, { publisherAfter: Infinity }).refusal, 'too-many-chunk-streams');

  // Six chunk streams each announcing a 60 KiB command and sending one chunk of it: each is within
  // the 64 KiB bound, but together they would hold 366 KiB of buffers for an anonymous client.
  const announced = Array.from({ length: 6 }, (_, index) => Buffer.concat([messageHeader({ chunkStream: 10 + index, type: 20, length: 60 * 1024 }), Buffer.alloc(128)]));
  assert.equal(run(Buffer.concat([handshake(), ...announced]), { publisherAfter: Infinity }).refusal, 'reassembly-budget');
});

test('media between keyframes is bounded by maxGopBytes', () => {
  const inter = Array.from({ length: 9 }, () => video(false, 500_000));
  assert.equal(run(Buffer.concat([session, setChunkSize(4096), video(true, 200_000), ...inter])).refusal, 'gop-too-large');
  const withKeyframes = inter.flatMap((frame, index) => (index % 3 === 0 ? [video(true, 200_000), frame] : [frame]));
  assert.equal(run(Buffer.concat([session, setChunkSize(4096), ...withKeyframes])).refusal, null);
  // Before the first keyframe node-media-server caches nothing, so nothing is counted.
  assert.equal(run(Buffer.concat([session, setChunkSize(4096), ...inter])).refusal, null);
});

test('an RTMP play command is refused before its last byte reaches node-media-server, in every form it reads as play', () => {
  const connect = Buffer.concat([handshake(), command('connect', 1, { app: 'live', tcUrl: 'rtmp://127.0.0.1:1935/live' }), command('createStream', 2, null)]);
  const play = (payload: Buffer, type = 20) => chunked({ chunkStream: 8, type, streamId: 1, payload });
  const longString = (text: string, declared = text.length) => {
    const header = Buffer.alloc(5);
    header[0] = 0x0c;
    header.writeUInt32BE(declared, 1);
    return Buffer.concat([header, Buffer.from(text, 'latin1')]);
  };
  const forms = {
    'AMF0 string': play(amf0('play', 4, null, 'room-101-key')),
    'AMF3 command (type 17, one marker byte)': play(Buffer.concat([Buffer.from([0]), amf0('play', 4, null, 'room-101-key')]), 17),
    'AMF0 long string': play(Buffer.concat([longString('play'), amf0(4, null, 'room-101-key')])),
    'a name whose length runs past the message': play(Buffer.from([0x02, 0x01, 0x00, ...Buffer.from('play')])),
  };
  for (const [form, message] of Object.entries(forms)) {
    const input = Buffer.concat([connect, message]);
    for (const step of [input.length, 1, 100]) {
      const { refusal, forwarded } = run(input, { step, publisherAfter: Infinity });
      assert.equal(refusal, 'play-refused', `${form}, step ${step}`);
      assert.ok(forwarded.length < input.length && forwarded.equals(input.subarray(0, forwarded.length)), `${form}, step ${step}: the play command's last byte was forwarded`);
    }
  }
  // A publisher may not play either; other commands and names that merely start with 'play' pass.
  assert.equal(run(Buffer.concat([session, forms['AMF0 string']])).refusal, 'play-refused');
  for (const name of ['playlist', 'pla', 'FCPublish']) assert.equal(run(Buffer.concat([connect, play(amf0(name, 5, null))]), { publisherAfter: Infinity }).refusal, null, name);
});
