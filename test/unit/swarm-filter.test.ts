// A master playlist rewritten while a lesson is live (a segment needed more BANDWIDTH than it said)
// changes the swarms new viewers join; viewers who loaded the earlier master must keep theirs.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { writeMasterPlaylist } from '../../services/packager/master-playlist.ts';
import { createSwarmFilter, type KnownSwarm } from '../../services/tracker/swarm-filter.ts';
import { expectedInfoHashes, liveSwarmId } from '../../services/tracker/swarm-hashes.ts';

const masterAt = (bandwidth: number) => writeMasterPlaylist([{ width: 640, height: 360, fps: 25, bandwidth, averageBandwidth: 700_000, codecs: 'avc1.64001e,mp4a.40.2', uri: '360p/index.m3u8' }]);

test("a rewritten master's new swarm is allowed and the earlier one stays allowed while the lesson is known", () => {
  const swarmId = liveSwarmId('lesson-7');
  let swarms: KnownSwarm[] = [{ swarmId, masterPlaylist: masterAt(1_282_000) }];
  const filter = createSwarmFilter(() => swarms, { refreshMs: 1000, missRefreshMs: 100 });
  const [before] = expectedInfoHashes(swarmId, masterAt(1_282_000));
  const [after] = expectedInfoHashes(swarmId, masterAt(1_500_000));
  assert.notEqual(before, after, 'the bit rate is part of the swarm');
  assert.equal(filter.allows(before!, 0), true);
  assert.equal(filter.allows(after!, 10), false);
  swarms = [{ swarmId, masterPlaylist: masterAt(1_500_000) }];
  assert.equal(filter.allows(after!, 2000), true, 'the new master is picked up');
  assert.equal(filter.allows(before!, 2001), true, 'viewers of the earlier master keep their swarm');
  swarms = [];
  assert.equal(filter.allows(before!, 5000), false, 'a lesson that is gone takes its swarms with it');
});
