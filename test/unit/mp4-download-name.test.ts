// The name a downloaded replay is saved under (services/catalog/recordings/mp4-download-name.ts) and
// the download limits (mp4-download-limits.ts), with times passed in.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createMp4Throttle } from '../../services/catalog/recordings/mp4-download-limits.ts';
import { mp4DownloadName } from '../../services/catalog/recordings/mp4-download-name.ts';

test('course, lesson, and the day and time it started in the province, in the words the school wrote', () => {
  assert.equal(mp4DownloadName({ courseTitle: '数学', lessonTitle: '一元二次方程', startedAt: '2026-12-07T00:10:00Z' }, 'Asia/Shanghai'), '数学 - 一元二次方程 - 2026-12-07 0810.mp4');
  assert.equal(mp4DownloadName({ courseTitle: 'Algebra', lessonTitle: 'Linear equations', startedAt: '2026-12-06T23:50:00Z' }, 'Asia/Shanghai'), 'Algebra - Linear equations - 2026-12-07 0750.mp4');
  assert.equal(mp4DownloadName({ courseTitle: 'Algebra', lessonTitle: 'Linear equations', startedAt: '2026-12-06T23:50:00Z' }, 'UTC'), 'Algebra - Linear equations - 2026-12-06 2350.mp4');
});

test('no course, a course named like its lesson, characters file systems refuse, and an empty title', () => {
  assert.equal(mp4DownloadName({ courseTitle: null, lessonTitle: 'Room 1 (unscheduled)', startedAt: '2026-12-07T00:00:00Z' }, 'UTC'), 'Room 1 (unscheduled) - 2026-12-07 0000.mp4');
  assert.equal(mp4DownloadName({ courseTitle: '物理', lessonTitle: '物理', startedAt: '2026-12-07T00:00:00Z' }, 'UTC'), '物理 - 2026-12-07 0000.mp4');
  assert.equal(mp4DownloadName({ courseTitle: 'A/B: "test"', lessonTitle: 'x\\y?\n', startedAt: '2026-12-07T00:00:00Z' }, 'UTC'), 'A B test - x y - 2026-12-07 0000.mp4');
  assert.equal(mp4DownloadName({ courseTitle: '', lessonTitle: '///', startedAt: '2026-12-07T00:00:00Z' }, 'UTC'), 'replay - 2026-12-07 0000.mp4');
  assert.equal([...mp4DownloadName({ courseTitle: '长'.repeat(100), lessonTitle: '课', startedAt: '2026-12-07T00:00:00Z' }, 'UTC')].length, 60 + ' - 2026-12-07 0000.mp4'.length);
});

test('a viewer gets their burst, then waits; viewers are counted apart; the node counts preparations', () => {
  const throttle = createMp4Throttle({ perViewer: { burst: 2, perSecond: 0.05 }, perNode: { burst: 1, perSecond: 0.1 } });
  assert.equal(throttle.viewerAsks('a', 0), 0);
  assert.equal(throttle.viewerAsks('a', 0), 0);
  assert.equal(throttle.viewerAsks('a', 0), 20);
  assert.equal(throttle.viewerAsks('b', 0), 0);
  assert.equal(throttle.viewerAsks('a', 20_000), 0, 'a token back after 20 s');
  assert.equal(throttle.nodeStarts('r1', 0), 0);
  assert.equal(throttle.nodeStarts('r1', 500), 0, 'the same recording asked again at once is paid for');
  assert.equal(throttle.nodeStarts('r2', 1000), 10);
  assert.equal(throttle.nodeStarts('r2', 10_000), 0);
  assert.equal(throttle.nodeStarts('r1', 200_000), 0, 'paid again after the claim would have lapsed (a token is back by then)');
  assert.equal(throttle.nodeStarts('r3', 200_000), 10);
});
