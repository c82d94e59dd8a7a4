// What a publisher's feed holds and where an attached process starts (services/ingest/source-feed.ts):
// the backlog until the first run judged the source, what the source copy has not written yet (so
// a copy started again after it froze loses nothing), and otherwise only the current group of
// pictures. Hand-made FLV tags through the feed's real code; no encoder.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Writable } from 'node:stream';
import type { Publisher } from '../../services/ingest/rtmp-server.ts';
import { createSourceFeed, type FeedStart, type SourceFeed } from '../../services/ingest/source-feed.ts';

/** An FLV video tag (H.264 NAL units, or its sequence header) at `timestamp` ms, with a marker byte to find it by. */
function videoTag(timestamp: number, keyframe: boolean, marker = 0, sequenceHeader = false): Buffer {
  const body = Buffer.from([((keyframe ? 1 : 2) << 4) | 7, sequenceHeader ? 0 : 1, 0, 0, 0, 0xee, marker & 0xff, (marker >> 8) & 0xff]);
  const header = Buffer.alloc(11);
  header[0] = 9;
  header.writeUIntBE(body.length, 1, 3);
  header.writeUIntBE(timestamp & 0xffffff, 4, 3);
  header[7] = (timestamp >>> 24) & 0xff;
  return Buffer.concat([header, body]);
}

/** A publisher that hands the feed whatever the test sends. */
function fakePublisher(): { publisher: Publisher; send(tag: Buffer): void } {
  let listener: (tag: Buffer) => void = () => undefined;
  const publisher: Publisher = {
    sessionId: 's',
    streamKey: 'k',
    remoteAddress: '127.0.0.1',
    announced: () => ({ width: 0, height: 0, fps: 30 }),
    bytesReceived: () => 0,
    onTag: (each) => (listener = each),
    onClose: () => undefined,
    close: () => undefined,
  };
  return { publisher, send: (tag) => listener(tag) };
}

/**
 * A feed that has seen a sequence header and `groups` groups of pictures, 2 s each (a keyframe at
 * 0, 2000, ...), of four frames 500 ms apart (closer than the forward jump timestamp-rebase.ts takes
 * out); each frame's marker is its timestamp.
 */
function feedWithGroups(groups: number): { feed: SourceFeed; send(tag: Buffer): void } {
  const { publisher, send } = fakePublisher();
  const feed = createSourceFeed(publisher);
  send(videoTag(0, true, 0, true));
  for (let group = 0; group < groups; group++) {
    for (let frame = 0; frame < 4; frame++) {
      const at = group * 2000 + frame * 500;
      send(videoTag(at, frame === 0, at));
    }
  }
  return { feed, send };
}

/** The frames (by marker) a sink attached `from` is given, and where the attachment says it starts. */
function attached(feed: SourceFeed, from: FeedStart): { fromFlvMs: number; frames: number[] } {
  const chunks: Buffer[] = [];
  const sink = new Writable({ write: (chunk: Buffer, _encoding, done) => (chunks.push(chunk), done()) });
  const attachment = feed.attach(sink, from);
  attachment.detach();
  const bytes = Buffer.concat(chunks);
  const frames: number[] = [];
  // Each media frame's body is 8 bytes after its 11-byte header: the marker sits at bytes 6-7 of the body.
  for (let at = bytes.indexOf(0xee); at >= 0; at = bytes.indexOf(0xee, at + 1)) {
    if (bytes[at - 5 + 1] === 0) continue; // the sequence header (packet type 0)
    frames.push(bytes.readUInt16LE(at + 1));
  }
  return { fromFlvMs: attachment.fromFlvMs, frames };
}

/** The markers feedWithGroups sends from `from` ms up to (not including) `to`. */
const framesBetween = (from: number, to: number) => Array.from({ length: (to - from) / 500 }, (_, index) => from + index * 500);

test('until the source is judged, the backlog holds everything since the first keyframe; a run started later gets the current group', () => {
  const { feed } = feedWithGroups(3);
  assert.deepEqual(attached(feed, 'backlog'), { fromFlvMs: 0, frames: framesBetween(0, 6000) });
  assert.deepEqual(attached(feed, 'gop'), { fromFlvMs: 4000, frames: framesBetween(4000, 6000) });
  feed.dropBacklog();
  assert.deepEqual(attached(feed, 'backlog'), { fromFlvMs: 4000, frames: framesBetween(4000, 6000) });
});

test('what the source copy has not written is held, and a copy started again begins where its last segment ended', () => {
  const { feed, send } = feedWithGroups(2);
  feed.dropBacklog();
  // The copy's run starts at the current keyframe (2000); its first segment ends at 4000.
  feed.holdUnwritten(2000);
  for (const at of framesBetween(4000, 8500)) send(videoTag(at, at % 2000 === 0, at));
  feed.holdUnwritten(4000);
  assert.deepEqual(attached(feed, 'unwritten'), { fromFlvMs: 4000, frames: framesBetween(4000, 8500) });
  // A segment end a few ms short of the keyframe (the copy's time scale rounds) starts at that keyframe.
  feed.holdUnwritten(5995);
  assert.equal(attached(feed, 'unwritten').fromFlvMs, 6000);
  // A new run on this encoder that is not a restart starts at its current keyframe.
  assert.equal(attached(feed, 'gop').fromFlvMs, 8000);
});

test('once the copy needs nothing held, only the current group of pictures is kept', () => {
  const { feed, send } = feedWithGroups(2);
  // The first run's copy starts from the backlog, and the renditions then judge the source.
  feed.holdUnwritten(0);
  feed.dropBacklog();
  send(videoTag(4000, true, 4000));
  assert.equal(attached(feed, 'unwritten').fromFlvMs, 0, 'held from the copy’s start');
  feed.holdUnwritten(undefined);
  assert.deepEqual(attached(feed, 'unwritten'), { fromFlvMs: 4000, frames: [4000] });
  // Going back is not possible once let go: the groups before are gone.
  feed.holdUnwritten(0);
  assert.deepEqual(attached(feed, 'unwritten'), { fromFlvMs: 4000, frames: [4000] });
});

test('the backlog holds for the source judgement even while the copy has written past it', () => {
  const { feed } = feedWithGroups(3);
  feed.holdUnwritten(4000);
  assert.equal(attached(feed, 'backlog').fromFlvMs, 0);
  assert.equal(attached(feed, 'unwritten').fromFlvMs, 4000);
  feed.dropBacklog();
  assert.equal(attached(feed, 'backlog').fromFlvMs, 4000);
});
