// Where a node taking over a lesson from a node that went down starts numbering (pure), and how the
// first segment of such a node shows in its playlists: a discontinuity even at the top of the list,
// counted the same way once it slides out.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { parsePlaylist } from '../../services/core/parse-playlist.ts';
import { maxMediaPerSecond, maxRunsPerSecond, takeoverNumbering } from '../../services/ingest/takeover-numbering.ts';
import { writeMediaPlaylist, type PackagedSegment } from '../../services/packager/media-playlist.ts';

test('the takeover starts above every segment and run the down node could have made', () => {
  for (const segmentSeconds of [1, 2, 4]) {
    for (const liveSeconds of [0, 0.4, 7, 90, 3600]) {
      const { firstSequence, runsBefore } = takeoverNumbering(liveSeconds, segmentSeconds);
      const mostRuns = Math.floor(liveSeconds * maxRunsPerSecond) + 1;
      // Every run's segments but its last are full length; media may run ahead of the clock.
      const mostSegments = Math.floor((liveSeconds * maxMediaPerSecond) / segmentSeconds) + mostRuns;
      assert.ok(runsBefore >= mostRuns, `${liveSeconds} s: runs ${runsBefore} >= ${mostRuns}`);
      assert.ok(firstSequence > mostSegments - 1, `${liveSeconds} s at ${segmentSeconds} s: first ${firstSequence} above ${mostSegments - 1}`);
    }
  }
  assert.deepEqual(takeoverNumbering(-5, 2), takeoverNumbering(0, 2), 'a clock a little behind counts as no time');
});

test('a chain of takeovers keeps rising: each node starts above where the one before could have reached', () => {
  // Node A takes over at 100 s, runs as fast as the bounds allow until 160 s, node B takes over then.
  const segmentSeconds = 2;
  const atA = takeoverNumbering(100, segmentSeconds);
  const reachedByA = atA.firstSequence + Math.ceil((60 * maxMediaPerSecond) / segmentSeconds) + 60 * maxRunsPerSecond;
  const atB = takeoverNumbering(160, segmentSeconds);
  assert.ok(atB.firstSequence > reachedByA - 2, `${atB.firstSequence} vs ${reachedByA}`);
  assert.ok(atB.runsBefore >= atA.runsBefore + 60 * maxRunsPerSecond);
});

test("the taken-over lesson's first segment is a discontinuity at the top of the playlist, and stays counted once it slides out", () => {
  const first = 98;
  const segments: PackagedSegment[] = Array.from({ length: 5 }, (_, index) => ({
    sequence: first + index,
    uri: `r82-${index}.m4s`,
    duration: 1,
    programDateTime: Date.UTC(2026, 11, 3) + index * 1000,
    initUri: 'init-r82-360p.mp4',
    discontinuity: index === 0,
  }));
  const top = parsePlaylist(writeMediaPlaylist(segments.slice(0, 3), { windowSize: 3, segmentSeconds: 1, ended: false }));
  assert.equal(top.mediaSequence, first);
  assert.equal(top.discontinuitySequence, 0);
  assert.deepEqual(top.segments.map((segment) => Boolean(segment.discontinuity)), [true, false, false]);
  const slid = parsePlaylist(writeMediaPlaylist(segments, { windowSize: 3, segmentSeconds: 1, ended: false }));
  // Segment 100 is in discontinuity 1 in both playlists: after the tag in the first, by the count in the second.
  assert.equal(slid.discontinuitySequence, 1);
  assert.deepEqual(slid.segments.map((segment) => Boolean(segment.discontinuity)), [false, false, false]);
});
