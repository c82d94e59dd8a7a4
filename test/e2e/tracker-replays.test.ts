// Replays are P2P-capable: the tracker accepts the swarms of a recording's replay (/vod/<id>/,
// swarm classcast-vod-<id>) once its node serves it, on a relay (a viewer asked it for the replay's
// playlists) and on the origin (the recording's folder has its master playlist), and never takes a
// replay's swarm for the live lesson's of the same id or the other way round.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { originReplays } from '../../services/tracker/origin-replays.ts';
import { expectedInfoHashes, liveSwarmId, recordingSwarmId } from '../../services/tracker/swarm-hashes.ts';
import { waitFor } from '../helpers/wait-for.ts';
import { connectPeer, randomPeerId, type TrackerPeer, type TrackerReply } from '../helpers/tracker-peer.ts';
import { lessonMaster, startTrackerRelay, type TrackerRelay } from '../helpers/tracker-relay-helper.ts';

const replayHash = expectedInfoHashes(recordingSwarmId('R1'), lessonMaster)[0]!;

async function announce(peer: TrackerPeer, infoHash: string): Promise<TrackerReply> {
  const from = peer.replies.length;
  peer.announce(infoHash, randomPeerId());
  return peer.reply(() => true, from);
}

/**
 * Announces until the tracker accepts: its swarm filter rebuilds its list on a miss at most every
 * 100 ms, so an announce right after the relay first served the playlist may still be refused.
 */
function accepted(peer: TrackerPeer, infoHash: string): Promise<TrackerReply> {
  return waitFor('the announce accepted', async () => {
    const reply = await announce(peer, infoHash);
    return reply['failure reason'] === undefined ? reply : undefined;
  }, 10_000, 150);
}

describe('replay swarms on a relay', () => {
  let relay: TrackerRelay;
  before(async () => {
    relay = await startTrackerRelay({});
  });
  after(() => relay.stop());

  it('accepts a replay swarm once a viewer plays the replay through the relay, and only as a replay', async () => {
    const peer = await connectPeer(relay.trackerUrl);
    try {
      assert.match((await announce(peer, replayHash))['failure reason'] ?? '', /unknown swarm/, 'nobody watches R1 here yet');
      const master = await fetch(`${relay.base}/vod/R1/master.m3u8`);
      assert.equal(master.status, 200);
      await master.text();
      const reply = await accepted(peer, replayHash);
      assert.equal(reply.incomplete, 1);
      // A live lesson named R1 is not what the relay serves: its swarm stays unknown.
      const liveHash = expectedInfoHashes(liveSwarmId('R1'), lessonMaster)[0]!;
      assert.match((await announce(peer, liveHash))['failure reason'] ?? '', /unknown swarm/);
    } finally {
      peer.close();
    }
  });

  it('does not take a live lesson for a replay of the same name', async () => {
    const peer = await connectPeer(relay.trackerUrl);
    try {
      await (await fetch(`${relay.base}/live/L2/master.m3u8`)).text();
      await accepted(peer, expectedInfoHashes(liveSwarmId('L2'), lessonMaster)[0]!);
      assert.match((await announce(peer, expectedInfoHashes(recordingSwarmId('L2'), lessonMaster)[0]!))['failure reason'] ?? '', /unknown swarm/);
    } finally {
      peer.close();
    }
  });
});

describe('replay swarms on the origin', () => {
  it('lists finished recordings (master written) with their protection, and forgets removed ones', async () => {
    const vodDir = await mkdtemp(join(tmpdir(), 'classcast-origin-replays-'));
    try {
      let clock = 0;
      const replays = originReplays(vodDir, 1000, () => clock);
      assert.deepEqual([...replays()], []);
      await mkdir(join(vodDir, 'rec-public'));
      await writeFile(join(vodDir, 'rec-public', 'master.m3u8'), lessonMaster);
      await mkdir(join(vodDir, 'rec-writing'));
      await mkdir(join(vodDir, 'rec-guarded'));
      await writeFile(join(vodDir, 'rec-guarded', '.replay.json'), JSON.stringify({ recordingId: 'rec-guarded', protected: true }));
      await writeFile(join(vodDir, 'rec-guarded', 'master.m3u8'), lessonMaster);
      assert.deepEqual([...replays()], [], 'the folder is listed again only after listEveryMs');
      clock = 1000;
      const listed = [...replays()].sort((a, b) => a.lessonId.localeCompare(b.lessonId));
      assert.deepEqual(listed, [
        { lessonId: 'rec-guarded', masterPlaylist: lessonMaster, scope: 'vod', protected: true },
        { lessonId: 'rec-public', masterPlaylist: lessonMaster, scope: 'vod' },
      ]);
      await rm(join(vodDir, 'rec-public'), { recursive: true });
      clock = 2000;
      assert.deepEqual([...replays()].map((replay) => replay.lessonId), ['rec-guarded']);
    } finally {
      await rm(vodDir, { recursive: true, force: true });
    }
  });
});
