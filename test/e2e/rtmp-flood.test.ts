// Connection and publish floods beyond the RTMP caps (the shipped defaults, read from
// rtmp-limits.ts) are refused, or make room by evicting the oldest half-open connections, while a
// lesson keeps streaming, and a classroom can start publishing once the flood is gone.
// (rtmp-half-open.test.ts holds such floods while new encoders connect.)
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { defaultRtmpLimits } from '../../services/ingest/rtmp-limits.ts';
import { rtmpRefusalTotals } from '../../services/ingest/rtmp-refusals.ts';
import { followLesson, type LessonFollower } from '../helpers/lesson-follower.ts';
import { pushTestPattern } from '../helpers/media.ts';
import { handshake, openRaw, publishSession, type RawClient } from '../helpers/rtmp-wire.ts';
import { startTestIngest, type TestIngest } from '../helpers/test-ingest.ts';
import { waitFor } from '../helpers/wait-for.ts';
import type { DemoEncoder } from '../../services/demo/demo-encoder.ts';

const lessonKey = 'flood-lesson-key-1';
const laterKey = 'flood-later-key-2';
const { maxConnections, maxHandshakesPerIp, maxPublishersPerIp } = defaultRtmpLimits;
const publisherRooms = Array.from({ length: maxPublishersPerIp + 1 }, (_, index) => ({ id: `publisher-${index + 1}`, key: `flood-publisher-key-${index + 1}` }));

describe('connection floods beyond the RTMP caps', () => {
  let ingest: TestIngest;
  let encoder: DemoEncoder | undefined;
  let laterEncoder: DemoEncoder | undefined;
  let viewer: LessonFollower | undefined;
  const flood: RawClient[] = [];

  before(async () => {
    ingest = await startTestIngest({
      classrooms: [{ id: 'flood-room', key: lessonKey }, { id: 'later-room', key: laterKey }, ...publisherRooms],
      transcode: { maxRenditions: 1 },
    });
  });
  after(async () => {
    for (const client of flood) client.socket.destroy();
    await viewer?.stop();
    laterEncoder?.kill();
    encoder?.kill();
    await ingest?.stop();
  });

  it('refuses what is over the caps while the lesson streams, and takes a new publish afterwards', { timeout: 180_000 }, async () => {
    const port = ingest.ingest.rtmpPort;
    encoder = pushTestPattern(ingest.rtmpUrl(lessonKey), { width: 640, height: 360, fps: 15, audio: false });
    viewer = await followLesson(ingest.baseUrl, 'flood-room');
    await waitFor('the lesson to have a few segments', () => viewer!.segmentsSeen() >= 3, 60_000);
    const segmentsBefore = viewer.segmentsSeen();
    const start = rtmpRefusalTotals();
    const refusedSince = (reason: keyof typeof start) => rtmpRefusalTotals()[reason] - start[reason];

    // One address opens 10 more connections than it may hold before publishing, each handshaking and then waiting.
    const fromOne = await Promise.all(Array.from({ length: maxHandshakesPerIp + 10 }, () => openRaw(port, '127.0.5.1')));
    flood.push(...fromOne);
    for (const client of fromOne) if (!client.isClosed()) client.socket.write(handshake());
    await waitFor('the connections over the per-address half-open cap to be refused', () => refusedSince('ip-handshakes') >= 10);
    assert.equal(refusedSince('ip-handshakes'), 10);
    await waitFor(`the first ${maxHandshakesPerIp} alone to stay open`, () => fromOne.filter((client) => !client.isClosed()).length === maxHandshakesPerIp, 5000, 50);

    // Many addresses, each within its own cap, together open more than the node holds: the node
    // makes room by evicting the oldest half-open connections, never the lesson's encoder.
    const extra = 40;
    const addresses = Math.ceil((maxConnections + extra) / maxHandshakesPerIp);
    const fromMany = await Promise.all(Array.from({ length: addresses * maxHandshakesPerIp }, (_, index) => openRaw(port, `127.0.6.${1 + (index % addresses)}`)));
    flood.push(...fromMany);
    const attempts = fromOne.length + fromMany.length - 10;
    // (Connections that reach the handshake timeout meanwhile make room too.)
    await waitFor('the half-open connections over the node cap to be evicted', () => refusedSince('handshake-evicted') + refusedSince('handshake-timeout') >= attempts - (maxConnections - 1));
    assert.ok(refusedSince('handshake-evicted') > 0, 'the node made room by evicting');
    await waitFor('the flood to hold at most the cap beside the encoder', () => flood.filter((client) => !client.isClosed()).length <= maxConnections - 1, 5000, 50);
    assert.equal(refusedSince('node-connections'), 0, 'a full node of half-open connections makes room instead of refusing');
    assert.equal(refusedSince('ip-handshakes'), 10, 'no address went over its own cap in the spread flood');
    for (const client of flood) client.socket.destroy();
    await waitFor('the flood to be gone', () => flood.every((client) => client.isClosed()));

    // One address publishes to 11 classrooms at once: the 11th is over the per-address publisher cap.
    const publishers = await Promise.all(publisherRooms.map(() => openRaw(port, '127.0.7.1')));
    flood.push(...publishers);
    publishers.forEach((client, index) => client.socket.write(publishSession(port, 'live', publisherRooms[index]!.key)));
    await waitFor('the publisher over the per-address cap to be refused', () => refusedSince('ip-publishers') >= 1);
    await waitFor('the others to be publishing', () => publishers.filter((client) => client.received().includes('NetStream.Publish.Start')).length >= maxPublishersPerIp);
    assert.equal(refusedSince('ip-publishers'), 1);
    for (const client of publishers) client.socket.destroy();

    // All along, the lesson kept producing segments and its viewer got every one it asked for.
    await waitFor('the lesson to keep producing segments', () => viewer!.segmentsSeen() >= segmentsBefore + 3, 60_000);
    assert.deepEqual(viewer.failures(), []);
    console.log(JSON.stringify({ refusals: Object.fromEntries(Object.entries(rtmpRefusalTotals()).map(([reason, count]) => [reason, count - start[reason as keyof typeof start]]).filter(([, count]) => (count as number) > 0)), segmentsDuring: viewer.segmentsSeen() - segmentsBefore }));

    // With the flood gone, a classroom that starts publishing goes live.
    laterEncoder = pushTestPattern(ingest.rtmpUrl(laterKey), { width: 640, height: 360, fps: 15, audio: false });
    const later = await followLesson(ingest.baseUrl, 'later-room');
    await waitFor('the new lesson to have segments', () => later.segmentsSeen() >= 2, 60_000);
    await later.stop();
  });
});
