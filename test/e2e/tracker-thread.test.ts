// The tracker runs on a thread of its own behind the relay's /tracker (services/tracker/tracker-thread.ts):
// viewers reach it through the node's port as before, its limits count each viewer by the address
// the node saw (a viewer cannot name another address in the header the node passes it on with), and
// its counts reach /healthz from the other thread.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { isMainThread } from 'node:worker_threads';
import WebSocket from 'ws';
import { clientHeader } from '../../services/tracker/tracker-thread-messages.ts';
import { waitFor } from '../helpers/wait-for.ts';
import { lessonHashes, startTrackerRelay, type TrackerRelay } from '../helpers/tracker-relay-helper.ts';
import { connectPeer, randomPeerId } from '../helpers/tracker-peer.ts';

/** Opens a tracker connection with extra headers; resolves once open, rejects with the status of a refused upgrade. */
function open(url: string, headers: Record<string, string> = {}): Promise<WebSocket> {
  return new Promise((resolve, reject) => {
    const socket = new WebSocket(url, { headers });
    socket.on('open', () => resolve(socket));
    socket.on('unexpected-response', (_request, response) => reject(new Error(`refused: ${response.statusCode}`)));
    socket.on('error', reject);
  });
}

describe('the tracker on its own thread', () => {
  let relay: TrackerRelay;
  const health = async () => ((await (await fetch(`${relay.base}/healthz`)).json()) as { tracker: Record<string, number> }).tracker;
  before(async () => {
    relay = await startTrackerRelay({ limits: { perConnection: { burst: 10, perSecond: 1 }, perIp: { burst: 1000, perSecond: 100 }, connectionsPerIp: 2, peerIdsPerConnection: 4 } });
    await fetch(`${relay.base}/live/L1/master.m3u8`);
  });
  after(() => relay.stop());

  it('answers an announce made at once after the master playlist, from the thread, and counts it in /healthz', async () => {
    assert.ok(isMainThread);
    const peer = await connectPeer(relay.trackerUrl);
    try {
      peer.announce(lessonHashes[0]!, randomPeerId());
      const reply = await peer.reply(() => true);
      assert.equal(reply['failure reason'], undefined);
      await waitFor('the peer counted in /healthz', async () => (await health()).peers === 1);
    } finally {
      peer.close();
    }
    await waitFor('the connection gone from /healthz', async () => (await health()).connections === 0);
  });

  it('counts a viewer by the address the node saw, whatever address its headers name', async () => {
    // Two connections are allowed per address: the third is refused although each claims another.
    const forged = (n: number) => ({ [clientHeader]: `not-the-secret 10.0.0.${n}`, 'X-Forwarded-For': `10.0.0.${n}` });
    const first = await open(relay.trackerUrl, forged(1));
    const second = await open(relay.trackerUrl, forged(2));
    await assert.rejects(open(relay.trackerUrl, forged(3)), /refused: 429/);
    first.close();
    second.close();
    await waitFor('both connections gone', async () => (await health()).connections === 0);
  });
});
