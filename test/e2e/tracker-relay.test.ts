// The tracker on a real relay, spoken to over real WebSockets: a lesson the relay serves has its
// swarms accepted and its peers meet (offer one way, answer back); other swarms are refused with a
// reason; one client's flood of announces, peer ids or connections is cut off; idle peers and
// connections are dropped; only /tracker takes an upgrade.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import WebSocket from 'ws';
import { expectedInfoHashes, liveSwarmId } from '../../services/tracker/swarm-hashes.ts';
import { waitFor } from '../helpers/wait-for.ts';
import { binary, connectPeer, randomInfoHash, randomPeerId, type TrackerReply } from '../helpers/tracker-peer.ts';
import { lessonHashes, lessonMaster, startTrackerRelay, type TrackerRelay } from '../helpers/tracker-relay-helper.ts';

const accepted = (reply: TrackerReply) => reply.action === 'announce' && reply['failure reason'] === undefined && reply.interval !== undefined;
const failed = (reply: TrackerReply) => reply['failure reason'] !== undefined;

async function healthTracker(base: string): Promise<Record<string, number>> {
  const health = (await (await fetch(`${base}/healthz`)).json()) as { tracker: Record<string, number> };
  return health.tracker;
}

describe('tracker on a relay', () => {
  let relay: TrackerRelay;
  const [hash, secondHash] = lessonHashes as [string, string];
  before(async () => {
    relay = await startTrackerRelay({
      floodStrikes: 20,
      limits: { perConnection: { burst: 10, perSecond: 0 }, perIp: { burst: 100_000, perSecond: 0 }, connectionsPerIp: 12, peerIdsPerConnection: 4 },
    });
    // A viewer plays lesson L1 through the relay; L2 exists upstream but nobody asked this relay for it.
    const master = await fetch(`${relay.base}/live/L1/master.m3u8`);
    assert.equal(master.status, 200);
    assert.equal(await master.text(), lessonMaster);
  });
  after(() => relay.stop());

  it('accepts the swarm of a lesson the relay serves, and its peers meet', async () => {
    const first = await connectPeer(relay.trackerUrl);
    const second = await connectPeer(relay.trackerUrl);
    const firstId = randomPeerId();
    const secondId = randomPeerId();
    first.announce(hash, firstId);
    const firstReply = await first.reply(accepted);
    assert.equal(firstReply.info_hash, binary(hash));
    assert.equal(firstReply.incomplete, 1);

    const offerId = randomPeerId();
    second.announce(hash, secondId, { numwant: 1, offers: [{ offer: { type: 'offer', sdp: 'v=0 offer from the second peer' }, offer_id: offerId }] });
    assert.equal((await second.reply(accepted)).incomplete, 2);
    const offer = await first.reply((reply) => reply.offer !== undefined);
    assert.equal(offer.peer_id, secondId);
    assert.equal(offer.offer_id, offerId);

    first.send({ action: 'announce', info_hash: binary(hash), peer_id: firstId, to_peer_id: secondId, answer: { type: 'answer', sdp: 'v=0 answer' }, offer_id: offerId });
    const answer = await second.reply((reply) => reply.answer !== undefined);
    assert.equal(answer.peer_id, firstId);
    assert.deepEqual(answer.answer, { type: 'answer', sdp: 'v=0 answer' });

    // The counts come from the tracker's thread a moment later (tracker-thread.ts).
    await waitFor('one swarm of two peers counted', async () => {
      const stats = await healthTracker(relay.base);
      return stats.swarms === 1 && stats.peers === 2;
    });
    first.close();
    second.close();
    await waitFor('the peers gone from the swarm', async () => (await healthTracker(relay.base)).peers === 0);
  });

  it('refuses swarms of lessons the relay does not serve, with a reason', async () => {
    const peer = await connectPeer(relay.trackerUrl);
    const before = (await healthTracker(relay.base)).refusedAnnounces!;
    const notServedHere = expectedInfoHashes(liveSwarmId('L2'), lessonMaster)[0]!;
    for (const unknown of [randomInfoHash(), notServedHere]) {
      const from = peer.replies.length;
      peer.announce(unknown, randomPeerId());
      const reply = await peer.reply(() => true, from);
      assert.match(reply['failure reason'] ?? '', /unknown swarm/);
      assert.equal(reply.info_hash, binary(unknown));
    }
    const stats = await waitFor('both refusals counted', async () => {
      const now = await healthTracker(relay.base);
      return now.refusedAnnounces! >= before + 2 && now;
    });
    assert.equal(stats.refusedAnnounces, before + 2);
    assert.equal(stats.swarms, 0);
    peer.close();
  });

  it('limits a flood of announces from one client, then closes it', async () => {
    const peer = await connectPeer(relay.trackerUrl);
    const peerId = randomPeerId();
    for (let index = 0; index < 100; index++) peer.announce(secondHash, peerId, { event: index === 0 ? 'started' : 'update' });
    assert.equal(await peer.closed, 1008);
    // The connection's bucket holds 10 and does not refill here: 10 answered, then refusals until the 21st strike.
    assert.equal(peer.replies.filter(accepted).length, 10);
    assert.equal(peer.replies.filter(failed).length, 20);
    assert.ok(peer.replies.filter(failed).every((reply) => reply['failure reason'] === 'too many announces: slow down'));
  });

  it('refuses more peer ids on one connection than a page has streams', async () => {
    const peer = await connectPeer(relay.trackerUrl);
    for (let index = 0; index < 6; index++) peer.announce(hash, randomPeerId());
    await waitFor('six replies', () => peer.replies.length === 6);
    assert.equal(peer.replies.filter(accepted).length, 4);
    assert.deepEqual(peer.replies.filter(failed).map((reply) => reply['failure reason']), ['too many peer ids on one connection', 'too many peer ids on one connection']);
    await waitFor('four peers counted', async () => (await healthTracker(relay.base)).peers === 4);
    assert.equal((await healthTracker(relay.base)).peers, 4);
    // A page's peer ids share its connection: closing it unlists all four, not just the first.
    peer.close();
    await waitFor('all four peers unlisted', async () => (await healthTracker(relay.base)).peers === 0);
  });

  it('refuses connections from one address beyond the cap', async () => {
    await waitFor('earlier connections closed', async () => (await healthTracker(relay.base)).connections === 0);
    const open = await Promise.all(Array.from({ length: 12 }, () => connectPeer(relay.trackerUrl)));
    await assert.rejects(connectPeer(relay.trackerUrl), /429/);
    const stats = await waitFor('the refusal counted', async () => {
      const now = await healthTracker(relay.base);
      return now.refusedConnections! >= 1 && now;
    });
    assert.equal(stats.connections, 12);
    assert.equal(stats.refusedConnections, 1);
    for (const peer of open) peer.close();
  });

  it('takes WebSocket upgrades on /tracker only', async () => {
    for (const path of ['/live/L1/master.m3u8', '/tracker/extra', '/']) {
      const socket = new WebSocket(`ws://127.0.0.1:${relay.relay.httpPort}${path}`);
      const status = await new Promise<number>((resolve, reject) => {
        socket.on('unexpected-response', (_request, response) => resolve(response.statusCode ?? 0));
        socket.on('open', () => reject(new Error(`upgrade accepted on ${path}`)));
        socket.on('error', () => undefined);
      });
      assert.equal(status, 404, path);
    }
  });
});

describe('tracker idle handling', () => {
  let relay: TrackerRelay;
  before(async () => {
    relay = await startTrackerRelay({ idleSeconds: 1 });
    await fetch(`${relay.base}/live/L1/master.m3u8`);
  });
  after(() => relay.stop());

  it('drops a peer that stops announcing, and closes a silent connection', async () => {
    const [hash, secondHash] = lessonHashes as [string, string];
    const silent = await connectPeer(relay.trackerUrl);
    silent.announce(hash, randomPeerId());
    await silent.reply(accepted);

    // This one keeps its connection busy on one swarm and goes quiet on the other.
    const busy = await connectPeer(relay.trackerUrl);
    const busyId = randomPeerId();
    busy.announce(hash, busyId);
    busy.announce(secondHash, busyId);
    await waitFor('both announces answered', () => busy.replies.filter(accepted).length === 2);
    assert.equal((await healthTracker(relay.base)).peers, 3);
    const keepAlive = setInterval(() => busy.announce(secondHash, busyId, { event: 'update' }), 200);
    try {
      // The silent connection is closed by the tracker (abnormally: it is terminated).
      assert.equal(await silent.closed, 1006);
      // The busy peer's listing in the first swarm lapses; its connection and its other listing stay.
      // The listing lapses in the tracker's sweep and the closed connection leaves on its close event,
      // which can fall in different stats snapshots (posted from the tracker thread every 50 ms).
      const stats = await waitFor('only the busy listing and connection left', async () => {
        const current = await healthTracker(relay.base);
        return current.peers === 1 && current.connections === 1 && current;
      });
      assert.equal(stats.swarms, 1);
      // The busy connection is still answered.
      await busy.reply(accepted, busy.replies.length);
    } finally {
      clearInterval(keepAlive);
      busy.close();
    }
  });
});
