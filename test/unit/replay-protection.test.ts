// The one "is this replay protected?" rule, which the origin's /vod routes and the origin's tracker
// both apply to a replay's manifest.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { replayIsProtected } from '../../services/replay/replay-protection.ts';
import type { ReplayManifest } from '../../services/replay/replay-writer.ts';

const manifest = (value: ReplayManifest) => JSON.stringify(value);

test('a replay is protected as its manifest says', () => {
  assert.equal(replayIsProtected(manifest({ recordingId: 'rec-1', protected: true })), true);
  assert.equal(replayIsProtected(manifest({ recordingId: 'rec-1', protected: false })), false);
});

test('no manifest is public: no such replay, or one written before replays had manifests', () => {
  assert.equal(replayIsProtected(undefined), false);
});

test('a damaged manifest, or one that does not say protected: false, is guarded', () => {
  for (const text of ['', '{"recordingId":', 'null', '"text"', '{}', '{"protected":"false"}', '{"protected":0}']) assert.equal(replayIsProtected(text), true, JSON.stringify(text));
});
