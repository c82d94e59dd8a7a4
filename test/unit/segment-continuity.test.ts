// Whether a segment continues a track by time (pure): the next segment does, a late one does not, and
// a run's short last segment whose time the track already has is not taken again.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { continuesTrack } from '../../services/packager/segment-continuity.ts';

/** 2 s segments: a quarter segment of tolerance. */
const tolerance = 500;

test('the first segment, and the one that starts where the track ends, continue it', () => {
  assert.equal(continuesTrack(-Infinity, 1_000, 2, tolerance), true);
  assert.equal(continuesTrack(10_000, 10_000, 2, tolerance), true);
  assert.equal(continuesTrack(10_000, 10_400, 2, tolerance), true, 'a little after the end: a hole of 0.4 s, not an overlap');
  assert.equal(continuesTrack(10_000, 9_600, 2, tolerance), true, 'cut a little early: 0.4 s of overlap is forgiven');
  assert.equal(continuesTrack(10_000, 10_000, 0.4, tolerance), true, 'a short segment right after the end');
});

test('a segment from before where the track has got to does not', () => {
  assert.equal(continuesTrack(10_000, 9_000, 2, tolerance), false, 'late by a second');
  assert.equal(continuesTrack(10_000, 8_000, 2, tolerance), false, 'the time of the segment before');
});

test("a run's short last segment the track already covers is not taken again", () => {
  // The source's last segment of a run, 0.433 s from 9 567, starts within the tolerance of the
  // track's end (10 000): by its start alone it would be taken. But the rung's own segment already
  // covers that time, or the track holds this very segment (it ends at 10 000 too).
  assert.ok(9_567 >= 10_000 - tolerance);
  assert.equal(continuesTrack(10_000, 9_567, 0.433, tolerance), false);
  // Mostly new time: taken.
  assert.equal(continuesTrack(9_700, 9_567, 0.433, tolerance), true);
});
