// A peer-to-peer viewer of a live lesson plays near the live edge while no peer can serve it, and
// moves back to the sharing distance once peers are connected (player/src/p2p/live-distance-policy.ts).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { liveDistancesFor, nextLiveDistance, startingLiveDistance, stepBackSlackSeconds, type LiveDistanceState } from '../../player/src/p2p/live-distance-policy.ts';
import { liveLessonHlsConfig } from '../../player/src/latency-profile.ts';
import { p2pProfiles } from '../../player/src/p2p/p2p-profile.ts';

// Normal mode as shipped: 2 s segments, 2 segments behind alone (as over HTTP), 2.75 with peers.
const normal = liveDistancesFor(2, liveLessonHlsConfig.liveSyncDurationCount!, p2pProfiles.normal.liveSyncDurationCount);
const alone: LiveDistanceState = startingLiveDistance(normal);
const sharing: LiveDistanceState = { targetSeconds: 5.5, movingBack: false };

test('normal mode: 4 s behind the edge alone, 5.5 s with peers; high mode 8 s and 12 s', () => {
  assert.deepEqual(normal, { aloneSeconds: 4, sharingSeconds: 5.5 });
  assert.deepEqual(liveDistancesFor(4, 2, p2pProfiles.high.liveSyncDurationCount), { aloneSeconds: 8, sharingSeconds: 12 });
  assert.deepEqual(alone, { targetSeconds: 4, movingBack: false });
});

test('a profile closer than the page never makes a viewer with peers play closer than one alone', () => {
  assert.deepEqual(liveDistancesFor(2, 2, 1.5), { aloneSeconds: 4, sharingSeconds: 4 });
});

test('a viewer with no peer aims near the edge and never steps back, however close it plays', () => {
  for (const behind of [null, 0.5, 2, 4, 5.5, 9]) {
    assert.deepEqual(nextLiveDistance(alone, 0, behind, normal), { state: alone, stepBackSeconds: 0 }, `behind ${behind}`);
  }
});

test('when a peer connects, the viewer aims at the sharing distance and steps back by what it lacks', () => {
  assert.deepEqual(nextLiveDistance(alone, 1, 4, normal), { state: { targetSeconds: 5.5, movingBack: true }, stepBackSeconds: 1.5 });
  assert.deepEqual(nextLiveDistance(alone, 7, 2, normal), { state: { targetSeconds: 5.5, movingBack: true }, stepBackSeconds: 3.5 });
});

test('a step back that could not be made (not buffered yet) is asked for again until the viewer is there', () => {
  const first = nextLiveDistance(alone, 1, 4, normal);
  const again = nextLiveDistance(first.state, 1, 4.1, normal);
  assert.deepEqual(again, { state: { targetSeconds: 5.5, movingBack: true }, stepBackSeconds: 5.5 - 4.1 });
  // Stepped back: there, and no longer moving.
  assert.deepEqual(nextLiveDistance(again.state, 1, 5.5, normal), { state: sharing, stepBackSeconds: 0 });
  // Not knowing where it plays (seeking, paused) keeps the step pending.
  assert.deepEqual(nextLiveDistance(first.state, 1, null, normal), { state: first.state, stepBackSeconds: 0 });
});

test('a viewer within the slack of its new target, or behind it, does not step back', () => {
  assert.deepEqual(nextLiveDistance(alone, 1, 5.5 - stepBackSlackSeconds, normal), { state: sharing, stepBackSeconds: 0 });
  assert.deepEqual(nextLiveDistance(alone, 3, 7, normal), { state: sharing, stepBackSeconds: 0 });
  assert.deepEqual(nextLiveDistance(alone, 3, 60, normal), { state: sharing, stepBackSeconds: 0 });
});

test('once at the sharing distance, a reading closer than it (the estimate moves with playlist reloads) does not walk the viewer back', () => {
  assert.deepEqual(nextLiveDistance(sharing, 2, 3.9, normal), { state: sharing, stepBackSeconds: 0 });
});

test('when the last peer leaves, the viewer aims near the edge again (hls.js catches up by playing faster), and steps back again when one returns', () => {
  const left = nextLiveDistance(sharing, 0, 5.5, normal);
  assert.deepEqual(left, { state: alone, stepBackSeconds: 0 });
  // Caught up to 4.2 s by the time a peer comes back.
  assert.deepEqual(nextLiveDistance(left.state, 1, 4.2, normal), { state: { targetSeconds: 5.5, movingBack: true }, stepBackSeconds: 5.5 - 4.2 });
  // The last peer leaves before the step back could be made: nothing left to move back for.
  assert.deepEqual(nextLiveDistance({ targetSeconds: 5.5, movingBack: true }, 0, 4.2, normal), { state: alone, stepBackSeconds: 0 });
});
