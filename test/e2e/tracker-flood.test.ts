// A flood of fake announces (random info hashes, random peer ids on a real lesson's swarms) leaves
// the tracker's memory where it was: unknown swarms are never created, a swarm keeps at most its
// peer cap, and closed connections take their peers with them. Limits are opened wide here so
// every message reaches the tracker itself.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import WebSocket from 'ws';
import { waitFor } from '../helpers/wait-for.ts';
import { binary, randomInfoHash, randomPeerId } from '../helpers/tracker-peer.ts';
import { lessonHashes, startTrackerRelay, type TrackerRelay } from '../helpers/tracker-relay-helper.ts';

setFlagsFromString('--expose-gc');
const collectGarbage = runInNewContext('gc') as () => void;

function heapAfterGc(): number {
  for (let pass = 0; pass < 3; pass++) collectGarbage();
  return process.memoryUsage().heapUsed;
}

const connections = 40;
const announcesPerConnection = 500;
const maxPeersPerSwarm = 500;

/** Sends `count` announces on one connection and resolves with how many were accepted, once all are answered. */
function flood(url: string, count: number): Promise<{ accepted: number; refused: number }> {
  return new Promise((resolve, reject) => {
    const socket = new WebSocket(url);
    let accepted = 0;
    let refused = 0;
    socket.on('error', reject);
    socket.on('message', (data) => {
      const reply = JSON.parse(data.toString('utf8')) as { 'failure reason'?: string };
      if (reply['failure reason'] === undefined) accepted++;
      else refused++;
      if (accepted + refused === count) {
        socket.close();
        resolve({ accepted, refused });
      }
    });
    socket.on('open', () => {
      for (let index = 0; index < count; index++) {
        // Half aimed at made-up swarms, half at the lesson's real ones with made-up peers.
        const infoHash = index % 2 === 0 ? randomInfoHash() : lessonHashes[index % lessonHashes.length]!;
        socket.send(JSON.stringify({ action: 'announce', info_hash: binary(infoHash), peer_id: randomPeerId(), numwant: 0, uploaded: 0, downloaded: 0, left: 1, event: 'started', offers: [] }));
      }
    });
  });
}

describe('tracker under a flood of fake announces', () => {
  let relay: TrackerRelay;
  before(async () => {
    relay = await startTrackerRelay({
      maxPeersPerSwarm,
      limits: { perConnection: { burst: 1e9, perSecond: 1e9 }, perIp: { burst: 1e9, perSecond: 1e9 }, connectionsPerIp: 1000, peerIdsPerConnection: 1e9 },
    });
    await fetch(`${relay.base}/live/L1/master.m3u8`);
  });
  after(() => relay.stop());

  it('keeps memory flat over 20,000 announces', async (t) => {
    // A small round first, so what is loaded once (code, caches) is not counted as growth.
    await flood(relay.trackerUrl, 200);
    await waitFor('warm-up connection closed', () => relay.relay.tracker!.stats().connections === 0);
    const heapBefore = heapAfterGc();

    const started = performance.now();
    const results = await Promise.all(Array.from({ length: connections }, () => flood(relay.trackerUrl, announcesPerConnection)));
    const seconds = (performance.now() - started) / 1000;
    const total = connections * announcesPerConnection;
    const acceptedCount = results.reduce((sum, result) => sum + result.accepted, 0);
    assert.equal(acceptedCount, total / 2);

    const during = relay.relay.tracker!.stats();
    // No swarm besides the lesson's; each at its peer cap at most.
    assert.ok(during.swarms <= lessonHashes.length, `swarms: ${during.swarms}`);
    assert.ok(during.peers <= lessonHashes.length * maxPeersPerSwarm, `peers: ${during.peers}`);
    const heapDuring = heapAfterGc();

    await waitFor('flood connections closed and their peers gone', () => {
      const stats = relay.relay.tracker!.stats();
      return stats.connections === 0 && stats.peers === 0;
    });
    const heapAfter = heapAfterGc();
    const mb = (bytes: number) => Math.round((bytes / 1024 / 1024) * 10) / 10;
    t.diagnostic(`${total} announces in ${seconds.toFixed(2)} s (${Math.round(total / seconds)}/s over ${connections} connections); heap ${mb(heapBefore)} MB before, ${mb(heapDuring)} MB with peers listed, ${mb(heapAfter)} MB after`);
    assert.ok(heapAfter - heapBefore < 30 * 1024 * 1024, `heap grew by ${mb(heapAfter - heapBefore)} MB`);
  });
});
