// Half-open connections cannot lock encoders out of the RTMP port, and RTMP play is refused.
// 500 sockets that send one handshake byte and wait, from 5 addresses and then from 50 (each
// reopened a second after the server closes it, as a persistent attacker would), are held against
// the node while an encoder with a known key connects: a full RTMP handshake and publish in the
// first case, a real ffmpeg push that goes live in the second. Then an RTMP play of that live
// lesson's key is refused before any media, logged with the player's address and counted.
// Bounded: at most 4,000 flood connections per flood, each flood at most 60 s.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { setTimeout as sleep } from 'node:timers/promises';
import { setLogSink } from '../../services/core/log.ts';
import { defaultRtmpLimits } from '../../services/ingest/rtmp-limits.ts';
import { rtmpRefusalTotals, type RtmpRefusalReason } from '../../services/ingest/rtmp-refusals.ts';
import { followLesson, type LessonFollower } from '../helpers/lesson-follower.ts';
import { pushTestPattern } from '../helpers/media.ts';
import { amf0, chunked, command, handshake, openRaw, publishSession, type RawClient } from '../helpers/rtmp-wire.ts';
import { startTestIngest, type TestIngest } from '../helpers/test-ingest.ts';
import { waitFor } from '../helpers/wait-for.ts';
import type { DemoEncoder } from '../../services/demo/demo-encoder.ts';

const rawKey = 'half-open-raw-key-0001';
const encoderKey = 'half-open-ffmpeg-key-0002';
const floodSockets = 500;
const maxFloodOpens = 4000;
const maxFloodSeconds = 60;
const reopenMs = 1000;
const { maxConnections, maxHandshakesPerIp } = defaultRtmpLimits;

type Flood = { opens(): number; open(): number; stop(): Promise<void> };

/**
 * `floodSockets` connections spread over `addresses`, each sending one handshake byte and then
 * nothing; a connection the server closes is reopened after `reopenMs`, until stopped.
 */
function holdHalfOpen(port: number, addresses: string[]): Flood {
  const deadline = Date.now() + maxFloodSeconds * 1000;
  const clients = new Set<RawClient>();
  let opens = 0;
  let stopped = false;
  let wake: () => void = () => {};
  const stopping = new Promise<void>((resolve) => (wake = resolve));
  const slot = async (address: string) => {
    while (!stopped && opens < maxFloodOpens && Date.now() < deadline) {
      opens += 1;
      const client = await openRaw(port, address).catch(() => undefined);
      if (client) {
        clients.add(client);
        if (!client.isClosed()) client.socket.write(Buffer.from([3]));
        await Promise.race([client.closed, stopping]);
        client.socket.destroy();
        clients.delete(client);
      }
      await Promise.race([sleep(reopenMs), stopping]);
    }
  };
  const slots = Array.from({ length: floodSockets }, (_, index) => slot(addresses[index % addresses.length]!));
  return {
    opens: () => opens,
    open: () => [...clients].filter((client) => !client.isClosed()).length,
    async stop() {
      stopped = true;
      wake();
      await Promise.all(slots);
    },
  };
}

const loopbacks = (prefix: string, count: number) => Array.from({ length: count }, (_, index) => `${prefix}.${index + 1}`);

describe('half-open connection floods and RTMP play', () => {
  let ingest: TestIngest;
  let encoder: DemoEncoder | undefined;
  let viewer: LessonFollower | undefined;
  let flood: Flood | undefined;
  const raw: RawClient[] = [];
  const logLines: string[] = [];

  before(async () => {
    setLogSink((line) => logLines.push(line));
    ingest = await startTestIngest({
      classrooms: [{ id: 'half-open-raw', key: rawKey }, { id: 'half-open-ffmpeg', key: encoderKey }],
      transcode: { maxRenditions: 1 },
    });
  });
  after(async () => {
    await flood?.stop();
    for (const client of raw) client.socket.destroy();
    await viewer?.stop();
    encoder?.kill();
    await ingest?.stop();
  });

  const start = rtmpRefusalTotals();
  const refusedSince = (reason: RtmpRefusalReason) => rtmpRefusalTotals()[reason] - start[reason];

  it('a known key publishes while 500 one-byte connections from 5 addresses are held', { timeout: 90_000 }, async () => {
    const port = ingest.ingest.rtmpPort;
    flood = holdHalfOpen(port, loopbacks('127.0.8', 5));
    try {
      await publishDuringNarrowFlood(port, flood);
    } finally {
      await flood.stop();
    }
  });

  async function publishDuringNarrowFlood(port: number, flood: Flood) {
    await waitFor('every flood socket to have been opened', () => flood.opens() >= floodSockets, 30_000);
    // Settled: the server has met every socket (a loaded machine accepts them a while after the
    // kernel did) and refused those over the per-address half-open cap.
    await waitFor('the sockets over the per-address half-open cap to be refused', () => refusedSince('ip-handshakes') >= floodSockets - 5 * maxHandshakesPerIp, 15_000, 50);
    const heldWhenPublishing = flood.open();

    const began = Date.now();
    const publisher = await openRaw(port);
    raw.push(publisher);
    publisher.socket.write(publishSession(port, 'live', rawKey));
    await waitFor('the publish to start', () => publisher.received().includes('NetStream.Publish.Start') || publisher.isClosed(), 10_000, 20);
    const publishMs = Date.now() - began;
    assert.ok(publisher.received().includes('NetStream.Publish.Start'), 'the publisher was refused or reset while the flood was held');
    await sleep(1000);
    assert.equal(publisher.isClosed(), false, 'the publisher is still connected a second later');
    console.log(JSON.stringify({ flood: '500 sockets from 5 addresses', heldWhenPublishing, opens: flood.opens(), publishMs, ipHandshakes: refusedSince('ip-handshakes'), nodeConnections: refusedSince('node-connections') }));
    // The flood's own count also includes reopened sockets the server has not met yet.
    assert.ok(heldWhenPublishing < maxConnections, `${heldWhenPublishing} flood sockets open; 5 addresses may hold ${5 * maxHandshakesPerIp} half-open, the node ${maxConnections}`);
    publisher.socket.destroy();
  }

  it('a real encoder goes live while 500 one-byte connections from 50 addresses keep the node full', { timeout: 150_000 }, async () => {
    const port = ingest.ingest.rtmpPort;
    const evictedBefore = refusedSince('handshake-evicted');
    flood = holdHalfOpen(port, loopbacks('127.0.9', 50));
    try {
      await pushDuringWideFlood(port, flood, evictedBefore);
    } finally {
      await flood.stop();
    }
  });

  async function pushDuringWideFlood(port: number, flood: Flood, evictedBefore: number) {
    await waitFor('every flood socket to have been opened', () => flood.opens() >= floodSockets, 30_000);
    // Settled: the evictions seen by the flood's side too, the node holding its cap of half-open connections.
    await waitFor('the node to be full of half-open connections', () => flood.open() >= maxConnections - 10 && flood.open() <= maxConnections, 15_000, 50);
    const heldWhenPushing = flood.open();

    const began = Date.now();
    encoder = pushTestPattern(ingest.rtmpUrl(encoderKey), { width: 640, height: 360, fps: 15, audio: false });
    viewer = await followLesson(ingest.baseUrl, 'half-open-ffmpeg');
    const liveMs = Date.now() - began;
    const heldWhenLive = flood.open();
    await waitFor('the lesson to have segments', () => viewer!.segmentsSeen() >= 2, 60_000);
    const evicted = refusedSince('handshake-evicted') - evictedBefore;
    console.log(JSON.stringify({ flood: '500 sockets from 50 addresses', heldWhenPushing, heldWhenLive, opens: flood.opens(), evicted, liveMs, nodeConnections: refusedSince('node-connections') }));
    assert.ok(heldWhenPushing >= maxConnections - 10 && heldWhenPushing <= maxConnections, `${heldWhenPushing} flood sockets were open when the encoder connected`);
    assert.ok(evicted >= floodSockets - maxConnections, `${evicted} half-open connections evicted to make room`);
    assert.equal(refusedSince('node-connections'), 0, 'no connection was refused for a full node: half-open ones made room');
  }

  it('an RTMP play of the live lesson\'s key is refused before any media, logged and counted', { timeout: 30_000 }, async () => {
    const port = ingest.ingest.rtmpPort;
    const playRefusedBefore = refusedSince('play-refused');
    logLines.length = 0;
    const player = await openRaw(port, '127.0.10.1');
    raw.push(player);
    player.socket.write(
      Buffer.concat([
        handshake(),
        command('connect', 1, { app: 'live', tcUrl: `rtmp://127.0.0.1:${port}/live` }),
        command('createStream', 2, null),
        chunked({ chunkStream: 8, type: 20, streamId: 1, payload: amf0('play', 4, null, encoderKey) }),
      ]),
    );
    await waitFor('the player to be closed', () => player.isClosed(), 10_000, 20);
    const received = player.received();
    // Past S0-S2 (3073 bytes) come only the connect and createStream answers: no play status, no media.
    assert.equal(received.includes('NetStream.Play.Start'), false, 'the play was answered');
    assert.equal(received.includes('onMetaData'), false, 'the lesson\'s metadata was sent');
    assert.ok(received.length < 3073 + 1024, `${received.length} bytes came back`);
    assert.equal(refusedSince('play-refused') - playRefusedBefore, 1);
    const metrics = await (await fetch(`${ingest.baseUrl}/metrics`)).text();
    assert.match(metrics, /^classcast_rtmp_refusals_total\{[^}]*reason="play-refused"[^}]*\} [1-9]/m, 'the refusals metric counts the play');
    const logged = logLines.map((line) => JSON.parse(line) as Record<string, unknown>).find((line) => line.event === 'rtmp play refused');
    assert.ok(logged, `no log line for the refused play:\n${logLines.join('\n')}`);
    assert.equal(logged.level, 'warn');
    assert.match(String(logged.remoteAddress), /127\.0\.10\.1/);
    assert.equal(JSON.stringify(logged).includes(encoderKey), false, 'the stream key is not logged');
    console.log(JSON.stringify({ playBytesBack: received.length, logged }));
    // The lesson goes on.
    const before = viewer!.segmentsSeen();
    await waitFor('the lesson to keep producing segments', () => viewer!.segmentsSeen() > before, 30_000);
    assert.deepEqual(viewer!.failures(), []);
  });
});
