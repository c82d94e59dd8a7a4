// Hostile bytes on the RTMP port while a real lesson streams: random bytes, broken handshakes,
// malformed chunks (huge lengths, absurd chunk sizes, too many chunk streams), bad AMF in connect
// and publish, media without a publish, RTMP play (refused), connections that send nothing and a
// slowloris. The process must stay up, memory within a bound, the lesson and its viewer unaffected,
// and a new publish work afterwards. Bounded: about 25 s of fuzzing, at most 500 fuzz connections, shipped default limits.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { defaultRtmpLimits } from '../../services/ingest/rtmp-limits.ts';
import { rtmpRefusalTotals, type RtmpRefusalCounts } from '../../services/ingest/rtmp-refusals.ts';
import { followLesson, type LessonFollower } from '../helpers/lesson-follower.ts';
import { pushTestPattern } from '../helpers/media.ts';
import { amf0, chunked, command, handshake, messageHeader, openRaw, publishSession, setChunkSize, videoTag, type RawClient } from '../helpers/rtmp-wire.ts';
import { startTestIngest, type TestIngest } from '../helpers/test-ingest.ts';
import { waitFor } from '../helpers/wait-for.ts';
import type { DemoEncoder } from '../../services/demo/demo-encoder.ts';

const lessonKey = 'fuzz-lesson-key-1';
const laterKey = 'fuzz-later-key-2';
const fuzzSeconds = 25;
const maxFuzzConnections = 500;
const concurrentFuzzers = 16;
const mib = 1024 * 1024;
/**
 * RSS growth allowed over the warmed-up baseline. While fuzzing, at most ~80 connections are open
 * at once (16 fuzzers, 40 silent, 5 slow, 1 player), each able to make node-media-server hold at
 * most 64 KiB + 256 KiB of reassembly buffers before publishing, about 26 MiB in all; the rest is
 * the live lesson's own churn and GC slack. Unguarded, one amplification connection below would
 * reserve 32 x 16 MiB = 512 MiB, and every huge-length header 16 MiB.
 */
const rssGrowthBound = 160 * mib;

/** A deterministic stream of pseudo-random numbers (mulberry32), so a failure can be replayed. */
function prng(seed: number) {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** One hostile client's bytes. Every case stands for a way node-media-server 4.4.3 could be hurt. */
function fuzzCases(port: number): Array<(random: () => number) => Buffer> {
  const pick = <T>(random: () => number, items: T[]) => items[Math.floor(random() * items.length)]!;
  const connect = (cmdObj: Parameters<typeof amf0>[0]) => command('connect', 1, cmdObj);
  return [
    (random) => randomBytes(1 + Math.floor(random() * 4096)),
    (random) => Buffer.concat([Buffer.from([3]), randomBytes(1536), randomBytes(Math.floor(random() * 4096))]),
    (random) => Buffer.concat([handshake(), randomBytes(1 + Math.floor(random() * 8192))]),
    () => Buffer.concat([handshake(), messageHeader({ chunkStream: 3, type: 20, length: 0xffffff }), randomBytes(512)]),
    (random) => Buffer.concat([handshake(), setChunkSize(pick(random, [0, 1, 0x7fffffff, 0x80000000, 0xffffffff, Math.floor(random() * 2 ** 32)])), publishSession(port, 'live', 'nobody-knows-me').subarray(3073)]),
    () => Buffer.concat([handshake(), chunked({ chunkStream: 2, type: 1, payload: Buffer.alloc(0) }), chunked({ chunkStream: 2, type: 5, payload: Buffer.alloc(0) }), command('createStream', 2, null)]),
    // Bad AMF: not a URL, no app, a truncated command, unknown type markers, deep nesting, a huge strict array.
    () => Buffer.concat([handshake(), connect({ app: 'live', tcUrl: 'not a url' })]),
    () => Buffer.concat([handshake(), connect({ tcUrl: 42 })]),
    () => Buffer.concat([handshake(), chunked({ chunkStream: 3, type: 20, payload: amf0('connect', 1, { app: 'live', tcUrl: `rtmp://127.0.0.1:${port}/live` }).subarray(0, 30) })]),
    () => Buffer.concat([handshake(), chunked({ chunkStream: 3, type: 20, payload: Buffer.from([0x02, 0x00, 0x07, ...Buffer.from('connect'), 0x42, 0x99, 0x0d, 0xff]) })]),
    () => Buffer.concat([handshake(), chunked({ chunkStream: 3, type: 20, payload: Buffer.concat([amf0('connect', 1), Buffer.alloc(20_000, 0x03)]) })]),
    () => Buffer.concat([handshake(), chunked({ chunkStream: 3, type: 20, payload: Buffer.concat([amf0('connect', 1), Buffer.from([0x0a, 0xff, 0xff, 0xff, 0xff, 0x05])]) })]),
    () => Buffer.concat([publishSession(port, 'live', 'x').subarray(0, -40), chunked({ chunkStream: 4, type: 20, streamId: 1, payload: amf0('publish', 3, null, 12) })]),
    () => Buffer.concat([handshake(), chunked({ chunkStream: 4, type: 20, streamId: 1, payload: amf0('publish', 3, null) })]),
    // Memory amplification: many chunk streams, each announcing a big message and sending a chunk of it.
    () => Buffer.concat([handshake(), ...Array.from({ length: 32 }, (_, index) => Buffer.concat([messageHeader({ chunkStream: 3 + index, type: 20, length: 60 * 1024 + index }), randomBytes(128)]))]),
    () => Buffer.concat([handshake(), ...Array.from({ length: 60 }, (_, index) => Buffer.from([0xc0 | (2 + index)]))]),
    // Media from a connection that never published, and a play of the live lesson's key (refused) followed by media.
    () => Buffer.concat([handshake(), chunked({ chunkStream: 6, type: 9, streamId: 1, payload: videoTag(true, 50_000) })]),
    () => Buffer.concat([handshake(), connect({ app: 'live', tcUrl: `rtmp://127.0.0.1:${port}/live` }), chunked({ chunkStream: 8, type: 20, streamId: 1, payload: amf0('play', 4, null, lessonKey) }), chunked({ chunkStream: 6, type: 9, streamId: 1, payload: videoTag(true, 30_000) })]),
    // Publishing: an unknown key, and the live classroom's own key a second time.
    () => publishSession(port, 'live', 'nobody-knows-me'),
    () => publishSession(port, 'live', lessonKey),
    // A legitimate session with random bytes flipped.
    (random) => {
      const session = Buffer.from(publishSession(port, 'live', 'nobody-knows-me'));
      for (let flips = 0; flips < 8; flips += 1) session[3073 + Math.floor(random() * (session.length - 3073))] = Math.floor(random() * 256);
      return session;
    },
  ];
}

/** Sends `bytes` in a few random pieces, then gives the server a moment to answer or close. */
async function fuzzOnce(port: number, bytes: Buffer, random: () => number, address: string): Promise<void> {
  const client = await openRaw(port, address).catch(() => undefined);
  if (!client) return;
  let offset = 0;
  while (offset < bytes.length && !client.isClosed()) {
    const piece = 1 + Math.floor(random() * Math.min(bytes.length, 16_384));
    client.socket.write(bytes.subarray(offset, offset + piece));
    offset += piece;
    if (random() < 0.3) await new Promise((resolve) => setTimeout(resolve, 10));
  }
  await Promise.race([client.closed, new Promise((resolve) => setTimeout(resolve, 300 + random() * 700))]);
  client.socket.destroy();
}

function delta(before: RtmpRefusalCounts, after: RtmpRefusalCounts): Partial<RtmpRefusalCounts> {
  return Object.fromEntries(Object.entries(after).map(([reason, count]) => [reason, count - before[reason as keyof RtmpRefusalCounts]]).filter(([, count]) => (count as number) > 0));
}

describe('fuzzing the RTMP port while a lesson streams', () => {
  let ingest: TestIngest;
  let encoder: DemoEncoder | undefined;
  let laterEncoder: DemoEncoder | undefined;
  let viewer: LessonFollower | undefined;

  before(async () => {
    ingest = await startTestIngest({
      classrooms: [
        { id: 'fuzz-room', key: lessonKey },
        { id: 'later-room', key: laterKey },
      ],
      transcode: { maxRenditions: 1 },
    });
  });
  after(async () => {
    await viewer?.stop();
    laterEncoder?.kill();
    encoder?.kill();
    await ingest?.stop();
  });

  it('stays up, within its memory bound, and keeps the lesson and its viewer going', { timeout: 240_000 }, async () => {
    const port = ingest.ingest.rtmpPort;
    encoder = pushTestPattern(ingest.rtmpUrl(lessonKey), { width: 640, height: 360, fps: 15, audio: false });
    viewer = await followLesson(ingest.baseUrl, 'fuzz-room');
    await waitFor('the lesson to have a few segments', () => viewer!.segmentsSeen() >= 3, 60_000);

    // Baseline after warm-up, then sampled all through the storm.
    const rssBaseline = Math.max(...(await sampleRss(2000)));
    let rssPeak = rssBaseline;
    const sampler = setInterval(() => (rssPeak = Math.max(rssPeak, process.memoryUsage().rss)), 100);
    const refusalsBefore = rtmpRefusalTotals();
    const segmentsBefore = viewer.segmentsSeen();
    const seed = Date.now() >>> 0;
    const random = prng(seed);

    // Connections that send nothing, a slowloris trickling a handshake a byte a second, and an RTMP
    // player (refused at once: nothing plays over RTMP; it was the one client that idled out).
    const silent = await Promise.all(Array.from({ length: 40 }, (_, index) => openRaw(port, `127.0.1.${1 + (index % 4)}`)));
    const slow = await Promise.all(Array.from({ length: 5 }, () => openRaw(port, '127.0.2.1')));
    const trickle = handshake();
    let trickled = 0;
    const slowloris = setInterval(() => {
      for (const client of slow) if (!client.isClosed()) client.socket.write(trickle.subarray(trickled, trickled + 1));
      trickled += 1;
    }, 1000);
    const player = await openRaw(port, '127.0.3.1');
    player.socket.write(Buffer.concat([handshake(), command('connect', 1, { app: 'live', tcUrl: `rtmp://127.0.0.1:${port}/live` }), chunked({ chunkStream: 8, type: 20, streamId: 1, payload: amf0('play', 4, null, 'quiet-player') })]));

    const cases = fuzzCases(port);
    const deadline = Date.now() + fuzzSeconds * 1000;
    let connections = 0;
    await Promise.all(
      Array.from({ length: concurrentFuzzers }, async (_, fuzzer) => {
        while (Date.now() < deadline && connections < maxFuzzConnections) {
          connections += 1;
          const fuzzCase = cases[Math.floor(random() * cases.length)]!;
          await fuzzOnce(port, fuzzCase(random), random, `127.0.${10 + fuzzer}.${1 + Math.floor(random() * 200)}`);
        }
      }),
    );

    // The silent and slow clients are closed by the handshake timeout, the player at once.
    const quietClients: RawClient[] = [...silent, ...slow];
    await waitFor('the silent and slow connections to be closed', () => quietClients.every((client) => client.isClosed()), (defaultRtmpLimits.handshakeTimeoutSeconds + 20) * 1000);
    assert.ok(player.isClosed(), 'the RTMP player was closed');
    assert.equal(player.received().includes('NetStream.Play.Start'), false, 'the RTMP play was not answered');
    clearInterval(slowloris);
    clearInterval(sampler);
    const refusals = delta(refusalsBefore, rtmpRefusalTotals());
    const segmentsDuring = viewer.segmentsSeen() - segmentsBefore;
    console.log(JSON.stringify({ seed, connections, refusals, rssBaselineMiB: +(rssBaseline / mib).toFixed(1), rssPeakMiB: +(rssPeak / mib).toFixed(1), rssGrowthMiB: +((rssPeak - rssBaseline) / mib).toFixed(1), segmentsDuring, segmentsFetched: viewer.fetched() }));

    assert.ok(connections >= 100, `only ${connections} fuzz connections were made`);
    assert.ok(rssPeak - rssBaseline < rssGrowthBound, `RSS grew ${((rssPeak - rssBaseline) / mib).toFixed(1)} MiB (bound ${rssGrowthBound / mib} MiB), seed ${seed}`);
    assert.ok((refusals['handshake-timeout'] ?? 0) >= silent.length + slow.length, 'every silent and slow connection was closed by the handshake timeout');
    for (const reason of ['play-refused', 'bad-handshake', 'message-too-large', 'bad-chunk-size', 'reassembly-budget', 'too-many-chunk-streams', 'media-before-publish', 'publish-refused', 'malformed'] as const) {
      assert.ok((refusals[reason] ?? 0) > 0, `no connection was refused for ${reason} (seed ${seed})`);
    }
    // The storm may be over before five segments' time (500 connections go fast, and the handshake
    // timeout is 5 s): the lesson keeps producing them, and its viewer got every one it asked for.
    await waitFor('the lesson to keep producing segments', () => viewer!.segmentsSeen() >= segmentsBefore + 5, 60_000);
    assert.deepEqual(viewer.failures(), [], 'the viewer never failed to fetch a playlist or segment');

    // A classroom that starts publishing after the storm goes live as usual.
    laterEncoder = pushTestPattern(ingest.rtmpUrl(laterKey), { width: 640, height: 360, fps: 15, audio: false });
    const later = await followLesson(ingest.baseUrl, 'later-room');
    await waitFor('the new lesson to have segments', () => later.segmentsSeen() >= 2, 60_000);
    await later.stop();
  });
});

async function sampleRss(forMs: number): Promise<number[]> {
  const samples: number[] = [];
  const end = Date.now() + forMs;
  while (Date.now() < end) {
    samples.push(process.memoryUsage().rss);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  return samples;
}
