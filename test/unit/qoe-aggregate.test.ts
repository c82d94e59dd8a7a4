// The player report arithmetic without sockets: validation, increments from cumulative totals,
// sessions finishing on leave, on a lesson change and on silence, viewer counts and fluency.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { applyReport, createQoeState, expireViewers, fluency, lessonFigures, lessonsWithViewers } from '../../services/stats/qoe-aggregate.ts';
import { parseQoeReport, type QoeReport } from '../../services/stats/qoe-report.ts';

const base: QoeReport = {
  viewerId: 'viewer-0001',
  session: '',
  lessonId: 'room-101-20250101-080000',
  cityId: 3,
  schoolId: 7,
  event: 'periodic',
  startupMs: null,
  playingSeconds: 0,
  stalledSeconds: 0,
  stallCount: 0,
  currentRendition: null,
  bitrateKbps: null,
  httpBytes: 0,
  p2pBytesDown: 0,
  p2pBytesUp: 0,
  errors: 0,
};
const report = (fields: Partial<QoeReport>): QoeReport => ({ ...base, ...fields });

describe('parseQoeReport', () => {
  it('accepts a well-formed report and fills the optional place with null', () => {
    const { cityId: _c, schoolId: _s, ...withoutPlace } = base;
    const parsed = parseQoeReport(withoutPlace);
    assert.ok(parsed.ok);
    assert.equal(parsed.report.cityId, null);
  });

  it('names the field that is wrong', () => {
    const cases: Array<[unknown, RegExp]> = [
      [{ ...base, stalledSeconds: -1 }, /^stalledSeconds: /],
      [{ ...base, httpBytes: 1e15 }, /^httpBytes: /],
      [{ ...base, lessonId: '../etc' }, /^lessonId: /],
      [{ ...base, viewerId: 'x' }, /^viewerId: /],
      [{ ...base, currentRendition: 'a b' }, /^currentRendition: /],
      [{ ...base, event: 'join' }, /^event: /],
      [{ ...base, sessionId: 'abc' }, /unknown field sessionId/],
      [{ ...base, stallCount: 1.5 }, /^stallCount: /],
      ['a string', /expected object/],
    ];
    for (const [body, message] of cases) {
      const parsed = parseQoeReport(body);
      assert.equal(parsed.ok, false, JSON.stringify(body));
      if (!parsed.ok) assert.match(parsed.message, message);
    }
  });
});

describe('fluency', () => {
  it('is 1 - stalled / (playing + stalled), and unknown before anything was watched', () => {
    assert.equal(fluency(90, 10), 0.9);
    assert.equal(fluency(0, 0), null);
    assert.equal(fluency(0, 5), 0);
  });
});

describe('applyReport', () => {
  it('turns cumulative totals into increments, and observes startup once', () => {
    const state = createQoeState();
    const first = applyReport(state, report({ startupMs: 1200, playingSeconds: 8, httpBytes: 1000 }), 0);
    assert.deepEqual(first.added, { playingSeconds: 8, stalledSeconds: 0, stallCount: 0, httpBytes: 1000, p2pBytesDown: 0, p2pBytesUp: 0, errors: 0 });
    assert.equal(first.startupMs, 1200);
    const second = applyReport(state, report({ startupMs: 1200, playingSeconds: 17, stalledSeconds: 1, stallCount: 1, httpBytes: 2500, p2pBytesDown: 400 }), 10_000);
    assert.deepEqual(second.added, { playingSeconds: 9, stalledSeconds: 1, stallCount: 1, httpBytes: 1500, p2pBytesDown: 400, p2pBytesUp: 0, errors: 0 });
    assert.equal(second.startupMs, null);
    assert.deepEqual(second.finished, []);
  });

  it('adds nothing for a report that went back, and keeps the larger totals', () => {
    const state = createQoeState();
    applyReport(state, report({ playingSeconds: 20, httpBytes: 5000 }), 0);
    const late = applyReport(state, report({ playingSeconds: 10, httpBytes: 3000 }), 1000);
    assert.equal(late.added.playingSeconds, 0);
    assert.equal(late.added.httpBytes, 0);
    assert.equal(state.viewers.get(base.viewerId)?.playingSeconds, 20);
  });

  it('finishes the session on leave, without the viewer id', () => {
    const state = createQoeState();
    applyReport(state, report({ playingSeconds: 10 }), 5_000);
    const leave = applyReport(state, report({ event: 'leave', playingSeconds: 18, stalledSeconds: 2, httpBytes: 900, p2pBytesDown: 100 }), 25_000);
    assert.deepEqual(leave.finished, [{ lessonId: base.lessonId, startedAt: 5_000, watchSeconds: 20, stallSeconds: 2, fluency: 0.9, httpBytes: 900, p2pBytes: 100 }]);
    assert.equal(state.viewers.size, 0);
  });

  it('finishes the previous session when a viewer id reports another lesson', () => {
    const state = createQoeState();
    applyReport(state, report({ playingSeconds: 10 }), 0);
    const moved = applyReport(state, report({ lessonId: 'other-lesson', playingSeconds: 12 }), 1000);
    assert.equal(moved.finished.length, 1);
    assert.equal(moved.finished[0]!.lessonId, base.lessonId);
    assert.equal(moved.added.playingSeconds, 12);
  });
});

describe('viewers now and expiry', () => {
  it('counts viewers per lesson heard from within the active time, with their fluency together', () => {
    const state = createQoeState();
    applyReport(state, report({ viewerId: 'viewer-a-0001', playingSeconds: 30, bitrateKbps: 2000 }), 0);
    applyReport(state, report({ viewerId: 'viewer-b-0001', playingSeconds: 5, stalledSeconds: 5, bitrateKbps: 1000 }), 20_000);
    applyReport(state, report({ viewerId: 'viewer-c-0001', lessonId: 'other-lesson' }), 20_000);
    const at25 = lessonFigures(state, 25_000, 30_000);
    assert.deepEqual(at25.find((figures) => figures.lessonId === base.lessonId), { lessonId: base.lessonId, viewers: 2, fluency: 1 - 5 / 40, bitrateKbps: 1500 });
    // Viewer a was last heard at 0: at 40 s it no longer counts, though its session is still open.
    const at40 = lessonFigures(state, 40_000, 30_000);
    assert.equal(at40.find((figures) => figures.lessonId === base.lessonId)?.viewers, 1);
    assert.equal(state.viewers.size, 3);
  });

  it('finishes the sessions of viewers silent longer than the limit, and their lessons lose their viewers', () => {
    const state = createQoeState();
    applyReport(state, report({ viewerId: 'viewer-a-0001', playingSeconds: 30 }), 0);
    applyReport(state, report({ viewerId: 'viewer-b-0001', lessonId: 'other-lesson' }), 50_000);
    const finished = expireViewers(state, 70_000, 60_000);
    assert.deepEqual(finished.map((session) => session.lessonId), [base.lessonId]);
    assert.deepEqual([...lessonsWithViewers(state)], ['other-lesson']);
  });
});
